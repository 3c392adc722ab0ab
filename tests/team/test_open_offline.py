"""A laptop that has a copy of the library opens it without waiting long for a server that
went silent: the open-time sync gives it OPEN_TIMEOUT_S, not the full connect timeout (an
explicit 'sync' and a laptop with nothing yet keep the full one)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from enablement.team.connection import CONNECT_TIMEOUT_S, OPEN_TIMEOUT_S, ServerUnreachable
from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server
from tests.team.test_offline_cli import black_hole

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        yield srv


def test_a_laptop_with_a_copy_opens_offline_after_the_short_timeout(server: TeamServer, tmp_path: Path) -> None:
    assert OPEN_TIMEOUT_S < CONNECT_TIMEOUT_S
    mk, maya = open_team_library(server.url(server.logins["Maya Marketing"]), tmp_path / "desk",
                                 settings=settings_for_tests(), with_index=False, password_sources=[])
    try:
        pid = mk.importer.add_link(maya, "https://example.com/q", "Quokka onboarding guide").value
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
    finally:
        mk.close()
    proxy = Proxy(PG_HOST, int(PG_PORT))
    proxy.start()
    url = server.url(server.logins["Rita Rep"]).replace(HOST, f"127.0.0.1:{proxy.port}")
    laptop = tmp_path / "laptop"
    try:
        lib, _ = open_team_library(url, laptop, settings=settings_for_tests(), password_sources=[])
        lib.close()
    finally:
        proxy.kill()
    with black_hole(proxy.port):
        lib, rita = open_team_library(url, laptop, settings=settings_for_tests(), password_sources=[])
        try:
            assert lib.offline
            assert lib.replica.state()["last_error"].endswith(f"(no answer within {OPEN_TIMEOUT_S} s)")
            assert [p.title for p in lib.search.search(rita, "quokka").pieces] == ["Quokka onboarding guide"]
            with pytest.raises(ServerUnreachable, match=rf"no answer within {CONNECT_TIMEOUT_S} s"):
                lib.connect(sync=True, raise_offline=True)  # what 'enablement sync' does: the full timeout
        finally:
            lib.close()
