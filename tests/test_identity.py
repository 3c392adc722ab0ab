"""The acting user comes from an identity provider; switching user opens a new context."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from enablement.errors import NotFound, PermissionDenied
from enablement.models.dto import Actor
from enablement.services.identity import LocalUser, UserContext
from enablement.services.library import Library


def test_local_user_by_name_and_the_default_admin(library: Library) -> None:
    rita = library.as_user(LocalUser("Rita Rep"))
    assert isinstance(rita, UserContext)
    assert (rita.actor.name, rita.actor.role) == ("Rita Rep", "rep")
    assert library.as_user(LocalUser()).actor.name == "Ada Admin"
    with pytest.raises(NotFound, match="No user called 'Nobody'. Users: Ada Admin, "):
        library.as_user(LocalUser("Nobody"))


def test_an_inactive_user_cannot_act(library: Library, actors) -> None:
    library.users.set_active(actors["admin"], actors["rep2"].user_id, False)
    with pytest.raises(NotFound):
        library.as_user(LocalUser("Ravi Rep"))


def test_switching_user_opens_a_new_context(library: Library) -> None:
    rep = library.as_user(LocalUser("Rita Rep"))
    marketing = rep.switch(LocalUser("Maya Marketing"))
    assert marketing is not rep and marketing.library is library
    # The rep's context is untouched: work started as the rep still runs as the rep.
    assert rep.actor.name == "Rita Rep" and marketing.actor.name == "Maya Marketing"
    with pytest.raises(FrozenInstanceError):
        rep.actor = marketing.actor  # type: ignore[misc]
    with pytest.raises(PermissionDenied):
        library.taxonomy.add_stage(rep.actor, "Advocacy")
    assert library.taxonomy.add_stage(marketing.actor, "Advocacy").value


class ByUserId:
    """Another provider, as team mode's database login will be: the library, not the
    person at the keyboard, says who is acting."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def identify(self, library: Library) -> Actor:
        return library.users.actor_for(library.users.get(self.user_id))


def test_any_identity_provider_fits_the_seam(library: Library, actors) -> None:
    manager = library.as_user(ByUserId(actors["manager"].user_id))
    assert manager.actor == actors["manager"]
    assert manager.switch(LocalUser("Rita Rep")).actor == actors["rep"]
