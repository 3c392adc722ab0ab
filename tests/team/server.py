"""A throw-away team server on the local PostgreSQL: a uniquely named database and roles
(every role name carries the run's random suffix) set up by ``server init``, all dropped
afterwards. Roles are cluster-wide and other test runs share the cluster."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from enablement.team.accounts import Accounts
from enablement.team.connection import parse_server_url
from enablement.team.server import InitResult, init_server
from tests.pg import ADMIN_URL, _admin_connection

HOST = ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]  # 127.0.0.1:5432


@dataclass
class TeamServer:
    dbname: str
    suffix: str
    init: InitResult
    logins: dict[str, str] = field(default_factory=dict)  # person name → login

    @property
    def dba_url(self) -> str:
        return f"{ADMIN_URL.rsplit('/', 1)[0]}/{self.dbname}"

    @property
    def prefix(self) -> str:
        return self.init.prefix

    @property
    def admin_login(self) -> str:
        return self.init.admin_login

    def url(self, login: str) -> str:
        return f"postgresql://{login}@{HOST}/{self.dbname}"

    def login_name(self, short: str) -> str:
        return f"{short}_{self.suffix}"

    def add(self, name: str, short_login: str, role: str, team: str = "") -> str:
        """A person with a login (made by the DBA); returns the login."""
        login = self.login_name(short_login)
        Accounts(parse_server_url(self.dba_url)).add(name, login, role, team=team)
        self.logins[name] = login
        return login


def drop_roles_with(suffix: str) -> None:
    with _admin_connection() as conn:
        rows = conn.execute("SELECT rolname, rolname LIKE '%%\\_owner' FROM pg_roles WHERE rolname LIKE %s "
                            "ORDER BY 2, rolcanlogin DESC", (f"%{suffix}%",)).fetchall()
        for name, _ in rows:
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


@contextmanager
def team_server(admin: str = "ada") -> Iterator[TeamServer]:
    """An initialised team server; dropped (database and roles) afterwards."""
    suffix = uuid.uuid4().hex[:10]
    dbname = f"enablement_team_{suffix}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{dbname}"
        result = init_server(url, f"{admin}_{suffix}", "Ada Admin", prefix=f"t{suffix}")
        yield TeamServer(dbname, suffix, result, {"Ada Admin": f"{admin}_{suffix}"})
    finally:
        with _admin_connection() as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (dbname,))
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        drop_roles_with(suffix)
