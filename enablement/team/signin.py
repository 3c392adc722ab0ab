"""Signing in to a team library from the desktop app: the address a person types, the
password from the OS keyring or from them, and "remember on this computer".

The password is kept in memory (``TeamLogin``) while the app runs and, when the person asks,
in the OS keyring; never in settings, files, URLs or logs. Without a usable keyring (the
package missing, or no backend on this computer) the app asks again on its next start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from enablement.errors import InvalidInput
from enablement.models.dto import Actor
from enablement.team.accounts import Accounts
from enablement.team.connection import (KEYRING_SERVICE, ServerAddress, keyring_password, parse_server_url,
                                        store_in_keyring)

if TYPE_CHECKING:
    from enablement.services.identity import UserContext
    from enablement.services.library import Library

DEFAULT_PORT = "5432"


def server_url(server: str, database: str, login: str) -> str:
    """``postgresql://login@host:port/database`` from what a person types ("host" or
    "host:port"); no password ever goes in it."""
    server, database, login = server.strip(), database.strip(), login.strip()
    if not server:
        raise InvalidInput("Give the team server's name (the host, optionally with ':port').")
    if not database:
        raise InvalidInput("Give the team library's database name.")
    if not login:
        raise InvalidInput("Give your login on the team server.")
    host, port = server, DEFAULT_PORT
    if server.count(":") == 1:
        host, port = server.split(":")
        if not port.isdigit():
            raise InvalidInput(f"'{server}' is not a server: the part after ':' must be a port number.")
    elif server.startswith("[") and "]:" in server:  # an IPv6 address with a port
        host, port = server.rsplit(":", 1)
    elif ":" in server:
        host = f"[{server}]"
    if any(c in host for c in "/@? ") or not host.strip("[]"):
        raise InvalidInput(f"'{server}' is not a server name.")
    return f"postgresql://{quote(login, safe='')}@{host}:{port}/{quote(database, safe='')}"


@dataclass(frozen=True)
class TeamLogin:
    """Who is signed in to which team library; the password lives here, in memory only."""

    address: ServerAddress
    url: str
    password: str | None = field(default=None, repr=False, compare=False)
    remembered: bool = False  # the password is in the OS keyring

    @property
    def login(self) -> str:
        return self.address.user

    @property
    def where(self) -> str:
        return f"{self.address.where}/{self.address.dbname}"

    def accounts(self) -> Accounts:
        """People administration as this login (the server decides whether it may)."""
        return Accounts(self.address, password=self.password)


def sign_in(url: str, password: str | None = None, *, remember: bool = False, root: Path | None = None,
            with_index: bool = True) -> tuple["Library", Actor, TeamLogin]:
    """Open the team library at ``url`` as its login (blocking: call it off the GUI thread).

    Without ``password`` the OS keyring is asked, then libpq's own PGPASSWORD / .pgpass; a
    missing or refused password is ``LoginFailed``. With ``remember`` a password that worked
    is kept in the keyring (``TeamLogin.remembered`` says whether that was possible); without
    it any password kept there before is forgotten."""
    from enablement.team.library import open_team_library

    address = parse_server_url(url)
    from_keyring = None if password else keyring_password(address)
    used = password or from_keyring
    library, actor = open_team_library(url, root, password=used, password_sources=[], with_index=with_index)
    remembered = from_keyring is not None
    if password and remember:
        remembered = store_in_keyring(address, password)
    elif password and not remember:
        forget_password(address)
        remembered = False
    return library, actor, TeamLogin(address, url, used, remembered)


def login_context(library: "Library", actor: Actor, login: TeamLogin) -> "UserContext":
    """The identity seam's context of a signed-in login (the person the server said it is)."""
    from enablement.services.identity import UserContext
    from enablement.team.library import DatabaseLogin

    return UserContext(library, actor, DatabaseLogin(login.address))


def forget_password(address: ServerAddress) -> None:
    """Take this login's password out of the OS keyring (nothing to do without one)."""
    try:
        import keyring
        from keyring.errors import PasswordDeleteError
    except ImportError:
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, address.keyring_key)
    except PasswordDeleteError:
        pass  # none was kept
    except Exception:  # noqa: BLE001 - no usable keyring backend: nothing can be kept there either
        pass
