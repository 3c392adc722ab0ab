"""What a person types into the connect dialog becomes a server URL without any password."""

from __future__ import annotations

import pytest

from enablement.errors import InvalidInput
from enablement.team.connection import parse_server_url
from enablement.team.signin import server_url


@pytest.mark.parametrize(("server", "database", "login", "url"), [
    ("library.example.com", "enablement", "rita", "postgresql://rita@library.example.com:5432/enablement"),
    (" 10.0.0.5:6543 ", "team lib", "r.rep", "postgresql://r.rep@10.0.0.5:6543/team%20lib"),
    ("::1", "lib", "rita", "postgresql://rita@[::1]:5432/lib"),
    ("[::1]:6000", "lib", "rita", "postgresql://rita@[::1]:6000/lib"),
    ("db", "lib", "me@corp", "postgresql://me%40corp@db:5432/lib"),
])
def test_typed_fields_make_a_url(server: str, database: str, login: str, url: str) -> None:
    assert server_url(server, database, login) == url
    address = parse_server_url(url)
    assert (address.dbname, address.user) == (database.strip(), login)


@pytest.mark.parametrize(("server", "database", "login", "message"), [
    ("", "lib", "rita", "Give the team server's name"),
    ("db", " ", "rita", "Give the team library's database name."),
    ("db", "lib", "", "Give your login on the team server."),
    ("db:port", "lib", "rita", "the part after ':' must be a port number"),
    ("user:pw@db", "lib", "rita", "is not a server"),
    ("db/other", "lib", "rita", "is not a server name"),
])
def test_what_is_not_a_server_is_named(server: str, database: str, login: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        server_url(server, database, login)
