"""Expiry dates: on its expiry date a piece is archived (reps no longer find it), or flagged as
expired when the library says so; set from the app or with ``tag --expires``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from enablement.errors import InvalidInput, PermissionDenied
from enablement.services.library import Library
from tests.conftest import make_ready


def published(library: Library, actors, title: str, expires_in: int | None) -> int:
    mk = actors["marketing"]
    pid = make_ready(library, mk, library.importer.add_link(mk, f"https://example.com/{len(title)}", title).value)
    if expires_in is not None:
        library.pieces.update(mk, pid, expires_on=library.ctx.today() + timedelta(days=expires_in))
    library.pieces.publish(mk, pid)
    return pid


def test_pieces_are_archived_on_their_expiry_date(library: Library, actors):
    gone = published(library, actors, "Q3 price list", 0)  # today is its expiry date
    past = published(library, actors, "Summer event invitation", -3)
    later = published(library, actors, "Q4 price list", 1)
    never = published(library, actors, "Security whitepaper", None)
    assert library.pieces.get(gone).summary.expired and not library.pieces.get(later).summary.expired
    with pytest.raises(PermissionDenied):
        library.pieces.expire_due(actors["rep"])
    done = library.pieces.expire_due(actors["marketing"])
    assert done.value == 2 and done.changes.piece_ids == frozenset({gone, past})
    status = {p.id: p.status for p in library.pieces.list(statuses=None)}
    assert (status[gone], status[past], status[later], status[never]) == ("archived", "archived",
                                                                          "published", "published")
    assert not library.pieces.get(gone).summary.expired  # archived pieces are not flagged
    assert {p.title for p in library.search.search(actors["rep"], "price list").pieces} == {"Q4 price list"}
    assert library.pieces.expire_due(actors["marketing"]).value == 0  # nothing more is due


def test_a_library_may_flag_expired_pieces_instead(library: Library, actors):
    with pytest.raises(PermissionDenied):
        library.settings.set_expiry_action(actors["marketing"], "flag")
    with pytest.raises(InvalidInput):
        library.settings.set_expiry_action(actors["admin"], "delete")
    library.settings.set_expiry_action(actors["admin"], "flag")
    pid = published(library, actors, "Old offer", -1)
    assert library.pieces.expire_due(actors["marketing"]).value == 0
    summary = library.pieces.get(pid).summary
    assert summary.status == "published" and summary.expired


def test_an_undo_puts_the_expiry_date_back(library: Library, actors):
    pid = published(library, actors, "Price list", 30)
    before = library.pieces.states([pid])
    library.pieces.update(actors["marketing"], pid, expires_on=None)
    library.pieces.put_back(actors["marketing"], before)
    assert library.pieces.states([pid]) == before and library.pieces.get(pid).summary.expires_on is not None


def test_expiry_on_the_command_line(cli):
    assert cli("import", "--link", "https://example.com/o", "--title", "Spring offer")[0] == 0
    assert cli("tag", "1", "--gate", "security-ok", "--owner", "Priya", "--review-by", "2030-01-01",
               "--expires", "2020-01-01")[0] == 0
    assert cli("publish", "1")[0] == 0
    code, out, _ = cli("list")
    assert "EXPIRED" in out and "1 piece\n" in out
    assert "  expires:   2020-01-01  EXPIRED\n" in cli("show", "1")[1]
    assert cli("rules", "--on-expiry", "flag")[1].endswith("flagged as expired (it stays published).\n")
    assert cli("expire")[1].startswith("Nothing archived")
    assert cli("rules", "--on-expiry", "archive")[1].endswith("archived.\n")
    assert cli("expire")[1] == "Archived 1 expired piece.\n"
    assert json.loads(cli("show", "1", "--json")[1])["summary"]["status"] == "archived"
    code, _, err = cli("tag", "1", "--expires", "someday")
    assert code in (1, 2) and "someday" in err
