"""People on a team server: a database login each, in exactly one role group.

Every change goes through the server's ``app.add_user`` / ``app.set_user_*`` functions,
which only an admin login or the DBA may call and which only touch this library's logins.
Passwords travel as SCRAM-SHA-256 verifiers made on this machine, never as plain text.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from enablement.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from enablement.team.connection import ServerAddress, connect, scalar
from enablement.team.names import APP_ROLES, check_login

if TYPE_CHECKING:
    import psycopg

_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_password() -> str:
    """A one-time password: 20 characters without look-alikes (about 116 bits)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(20))


def scram_verifier(conn: psycopg.Connection[Any], login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` (computed here by libpq; the server never
    sees the password itself)."""
    if not password:
        raise InvalidInput("A password cannot be empty.")
    raw = conn.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256")
    return raw.decode("ascii")


@dataclass(frozen=True)
class LoginInfo:
    name: str
    login: str
    role: str
    active: bool


class Accounts:
    """User administration on one team server, as the connected login (an admin or the DBA)."""

    def __init__(self, address: ServerAddress, password: str | None = None) -> None:
        self.address = address
        self.password = password

    def _call(self, query: str, params: tuple) -> object:
        import psycopg

        conn = connect(self.address, password=self.password)
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                row = cur.fetchone() if cur.description else None
            conn.commit()
            return row[0] if row else None
        except psycopg.Error as exc:
            conn.rollback()
            raise _account_error(exc, self.address) from None
        finally:
            conn.close()

    def add(self, name: str, login: str, role: str, password: str | None = None, team: str = "") -> tuple[int, str]:
        """Create a login and its user; returns (user id, the password: the one given or a new one)."""
        import psycopg

        login = check_login(login)
        if role not in APP_ROLES:
            raise InvalidInput(f"Unknown role '{role}'; roles are: {', '.join(APP_ROLES)}.")
        if not (name or "").strip():
            raise InvalidInput("A user needs a name.")
        password = password or new_password()
        conn = connect(self.address, password=self.password)
        try:
            verifier = scram_verifier(conn, login, password)
            with conn.cursor() as cur:
                cur.execute("SELECT app.add_user(%s, %s, %s, %s, %s)", (name.strip(), login, role, verifier, team))
                user_id = scalar(cur)
            conn.commit()
        except psycopg.Error as exc:
            conn.rollback()
            raise _account_error(exc, self.address) from None
        finally:
            conn.close()
        return int(user_id), password

    def set_role(self, login: str, role: str) -> None:
        if role not in APP_ROLES:
            raise InvalidInput(f"Unknown role '{role}'; roles are: {', '.join(APP_ROLES)}.")
        self._call("SELECT app.set_user_role(%s, %s)", (check_login(login), role))

    def set_active(self, login: str, active: bool) -> None:
        self._call("SELECT app.set_user_active(%s, %s)", (check_login(login), active))

    def reset_password(self, login: str, password: str | None = None) -> str:
        """Give a login a new password (the one given or a new one-time password)."""
        import psycopg

        login = check_login(login)
        password = password or new_password()
        conn = connect(self.address, password=self.password)
        try:
            verifier = scram_verifier(conn, login, password)
            with conn.cursor() as cur:
                cur.execute("SELECT app.set_user_password(%s, %s)", (login, verifier))
            conn.commit()
        except psycopg.Error as exc:
            conn.rollback()
            raise _account_error(exc, self.address) from None
        finally:
            conn.close()
        return password

    def list(self) -> list[LoginInfo]:
        import psycopg

        conn = connect(self.address, password=self.password)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT name, coalesce(login, ''), role, active FROM users ORDER BY name")
                return [LoginInfo(*row) for row in cur.fetchall()]
        except psycopg.Error as exc:
            raise _account_error(exc, self.address) from None
        finally:
            conn.close()


def change_own_password(address: ServerAddress, new: str, current: str | None = None) -> None:
    """A login sets its own password (PostgreSQL lets any role do that for itself)."""
    import psycopg
    from psycopg import sql

    conn = connect(address, password=current, autocommit=True)
    try:
        verifier = scram_verifier(conn, address.user, new)
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(address.user), sql.Literal(verifier)))
    except psycopg.Error as exc:
        raise _account_error(exc, address) from None
    finally:
        conn.close()


def _account_error(exc: Exception, address: ServerAddress) -> Exception:
    """The server's refusal as one clear line."""
    import psycopg.errors as e

    text = getattr(getattr(exc, "diag", None), "message_primary", None) or str(exc)
    if isinstance(exc, e.InsufficientPrivilege):
        return PermissionDenied(f"'{address.user}' may not manage users of this library (only an admin or the DBA may).")
    if isinstance(exc, e.UndefinedFunction):
        return NotFound(f"The database '{address.dbname}' at {address.where} is not set up as a team library "
                        "(run 'enablement server init').")
    if isinstance(exc, e.DuplicateObject):
        return Conflict(text[:1].upper() + text[1:] + ".")
    if isinstance(exc, e.UndefinedObject):
        return NotFound(text[:1].upper() + text[1:] + ".")
    if isinstance(exc, (e.InvalidParameterValue, e.UniqueViolation)):
        return InvalidInput(text[:1].upper() + text[1:] + ".")
    from enablement.team.connection import translate_connect_error

    return translate_connect_error(exc, address)
