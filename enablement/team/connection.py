"""Connecting to a team server: addresses, timeouts, passwords and clear errors.

Every connection uses a connect timeout, TCP keepalives and ``tcp_user_timeout``, so a
server that accepts TCP but never answers fails within seconds instead of hanging.
Passwords come from libpq's own ``PGPASSWORD`` / ``.pgpass``, the OS keyring (when the
optional ``keyring`` package is installed) or a prompt; never from a URL, settings or logs.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from enablement.errors import InvalidInput, LibraryError, Offline, UserFacingError

if TYPE_CHECKING:
    import psycopg

SERVER_ENV = "ENABLEMENT_SERVER"
CONNECT_TIMEOUT_S = 5
# Opening a laptop's library that has a copy to work from: a silent server gets this long (libpq's
# minimum) before the library opens offline; 'sync' and the change listener keep the full timeout.
OPEN_TIMEOUT_S = 2
KEYRING_SERVICE = "enablement"


class ServerUnreachable(Offline):
    """The team server did not answer (refused, timed out, network gone): work offline."""


class LoginFailed(UserFacingError):
    """The server answered but refused this login (wrong password, unknown or disabled login)."""


def connect_options(timeout: int = CONNECT_TIMEOUT_S) -> dict[str, Any]:
    """libpq parameters for every connection to a team server."""
    return {
        "connect_timeout": timeout,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,  # ms: unacknowledged data fails the connection after 30 s
        "application_name": "enablement",
    }


@dataclass(frozen=True)
class ServerAddress:
    """Where a team library lives: the connection string without any password."""

    conninfo: str
    host: str
    port: str
    dbname: str
    user: str

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}" if self.port else self.host

    @property
    def keyring_key(self) -> str:
        return f"{self.user}@{self.where}/{self.dbname}"


def parse_server_url(url: str) -> ServerAddress:
    """Check and split a server URL (``postgresql://login@host:port/database``)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    url = (url or "").strip()
    if not url:
        raise InvalidInput("Give the team server as a URL: postgresql://LOGIN@HOST:PORT/DATABASE.")
    try:
        parts = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: an unparsable URL
        raise InvalidInput(f"'{_redact(url)}' is not a server URL (use postgresql://LOGIN@HOST:PORT/DATABASE).") from exc
    if parts.get("password"):
        raise InvalidInput("Do not put a password in the server URL; use the keyring, a prompt, "
                           "PGPASSWORD or ~/.pgpass.")
    if not parts.get("dbname"):
        raise InvalidInput("The server URL names no database (postgresql://LOGIN@HOST:PORT/DATABASE).")
    user = str(parts.get("user") or os.environ.get("PGUSER") or getpass.getuser())
    host = str(parts.get("host") or os.environ.get("PGHOST") or "localhost")
    port = str(parts.get("port") or os.environ.get("PGPORT") or "5432")
    parts.update({"user": user})
    return ServerAddress(make_conninfo("", **parts), host, port, str(parts["dbname"]), user)


def scalar(cur: psycopg.Cursor[Any]) -> Any:
    """The one value of a statement that always returns one row (``SELECT app.f(...)``)."""
    row = cur.fetchone()
    if row is None:
        raise LibraryError("The team server answered with no row where one was expected.")
    return row[0]


def _redact(url: str) -> str:
    """A URL fit for a message: any password replaced."""
    import re

    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


PasswordSource = Callable[[ServerAddress], "str | None"]


def keyring_password(address: ServerAddress) -> str | None:
    """The password stored in the OS keyring for this login, if keyring is installed."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, address.keyring_key)
    except Exception:  # noqa: BLE001 - no usable keyring backend: fall back to a prompt
        return None


def store_in_keyring(address: ServerAddress, password: str) -> bool:
    """Remember the password in the OS keyring; False when no keyring is available."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, address.keyring_key, password)
        return True
    except Exception:  # noqa: BLE001 - ImportError or no backend
        return False


def prompt_password(address: ServerAddress) -> str | None:
    """Ask on the terminal (None when there is no terminal to ask on, or when a worker thread
    asks: the desktop app's workers must never wait on a terminal nobody looks at)."""
    import threading

    if not sys.stdin or not sys.stdin.isatty() or threading.current_thread() is not threading.main_thread():
        return None
    return getpass.getpass(f"Password for {address.user} on {address.where}/{address.dbname}: ")


def default_password_sources() -> list[PasswordSource]:
    return [keyring_password, prompt_password]


def connect(address: ServerAddress, *, password: str | None = None, autocommit: bool = False,
            password_sources: list[PasswordSource] | None = None,
            timeout: int = CONNECT_TIMEOUT_S) -> psycopg.Connection[Any]:
    """A psycopg connection as ``address.user``. Without a password libpq's own sources
    (PGPASSWORD, .pgpass) are tried first, then ``password_sources`` in order."""
    import psycopg

    try:
        return psycopg.connect(address.conninfo, autocommit=autocommit, password=password,
                               **connect_options(timeout))
    except psycopg.Error as exc:
        if password is None and needs_password(exc):
            for source in (default_password_sources() if password_sources is None else password_sources):
                found = source(address)
                if found:
                    return connect(address, password=found, autocommit=autocommit, password_sources=[],
                                   timeout=timeout)
            raise LoginFailed(f"The team server at {address.where} needs a password for '{address.user}': "
                              "store it with 'enablement team login', or set PGPASSWORD or ~/.pgpass.") from None
        raise translate_connect_error(exc, address, timeout) from None


def needs_password(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no password supplied" in text or "password is required" in text


def translate_connect_error(exc: BaseException, address: ServerAddress,
                            timeout: int = CONNECT_TIMEOUT_S) -> UserFacingError:
    """One clear line for a failed connection (never the driver's text alone)."""
    text = " ".join(str(exc).split()).lower()
    if "password authentication failed" in text or "authentication failed" in text:
        return LoginFailed(f"The team server at {address.where} refused the login '{address.user}': wrong password "
                           "(or no such login).")
    if needs_password(exc):
        return LoginFailed(f"The team server at {address.where} needs a password for '{address.user}'.")
    if "no pg_hba.conf entry" in text:
        return LoginFailed(f"The team server at {address.where} does not accept '{address.user}' from this machine "
                           "(ask the DBA to allow it in pg_hba.conf).")
    if "is not permitted to log in" in text:
        return LoginFailed(f"The login '{address.user}' is disabled on the team server at {address.where}.")
    if "does not exist" in text and "role" in text:
        return LoginFailed(f"The team server at {address.where} has no login '{address.user}'.")
    if "does not exist" in text and "database" in text:
        return LibraryError(f"The team server at {address.where} has no database '{address.dbname}'.")
    if "permission denied for database" in text:
        return LoginFailed(f"The login '{address.user}' may not use the database '{address.dbname}' at "
                           f"{address.where}.")
    if "timeout expired" in text or "timed out" in text:
        return ServerUnreachable(f"cannot reach the team server at {address.where} (no answer within "
                                 f"{timeout} s)")
    if "connection refused" in text:
        return ServerUnreachable(f"cannot reach the team server at {address.where} (connection refused)")
    if "could not translate host name" in text or "name or service not known" in text:
        return ServerUnreachable(f"cannot reach the team server at {address.where} (unknown host)")
    if "ssl" in text:
        return ServerUnreachable(f"cannot reach the team server at {address.where} (TLS: {_first_line(exc)})")
    return ServerUnreachable(f"cannot reach the team server at {address.where} ({_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[-1] if lines else type(exc).__name__
    return text.removeprefix("FATAL:").strip()[:160]
