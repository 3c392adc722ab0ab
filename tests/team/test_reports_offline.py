"""Reports offline, against the real PostgreSQL through a real TCP proxy the test kills: a
manager's library keeps the last dashboard and each report it computed on the server; while the
server cannot be reached those copies come back marked with when they were computed, an export
of one says so, and a report never computed here says it needs the server. Reconnected, the
numbers are current again."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from enablement.errors import Offline, when_text
from enablement.models.dto import UseRecord
from enablement.services.reports_service import NO_COPY, stale_note
from enablement.team.library import open_team_library
from tests.conftest import settings_for_tests
from tests.team.files_support import desk, publish_link
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya_rep_off", "marketing")
        srv.add("Morgan Manager", "morgan_rep_off", "manager")
        with desk(srv, tmp_path_factory.mktemp("desk")) as (lib, maya):
            pid = publish_link(lib, maya, "https://example.com/roi", "ROI calculator")
            lib.usage.record(maya, UseRecord(kind="sent", piece_id=pid))
            lib.connect()  # the use goes to the server
        yield srv


def test_a_manager_offline_sees_the_last_copy_marked_and_its_export_says_so(server: TeamServer,
                                                                             tmp_path: Path) -> None:
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(server.logins["Morgan Manager"]).replace(HOST, f"127.0.0.1:{proxy.port}")
        lib, morgan = open_team_library(url, tmp_path / "laptop", settings=settings_for_tests(), with_index=False)
        try:
            proxy.kill()  # gone before any report was computed on this computer
            with pytest.raises(Offline) as never:
                lib.reports.dashboard(morgan)
            assert str(never.value) == NO_COPY
            proxy.start()
            lib.connect()

            current = lib.reports.dashboard(morgan)
            assert current.as_of is None and current.used.as_of is None
            assert current.used.published == 1 and current.used.used == 1  # the server's numbers
            lib.reports.run(morgan, "used")

            proxy.kill()  # the plane takes off
            kept = lib.reports.dashboard(morgan)
            assert kept.as_of is not None and kept.used.as_of == kept.as_of
            assert (kept.used.published, kept.used.used) == (1, 1)
            assert kept.used.notes[0] == stale_note(kept.as_of) == \
                f"As of {when_text(kept.as_of)} — offline; reconnect for current numbers."
            assert kept.coverage.title.endswith(f"(as of {when_text(kept.as_of)}, offline copy)")
            export = lib.reports.export(morgan, ["used"], "csv", tmp_path / "used.csv")
            text = export.read_text(encoding="utf-8")
            assert "offline copy" in text and stale_note(kept.as_of) in text
            # a report only the dashboard computed (the app's export of a tab) comes out of it
            freshness = lib.reports.run(morgan, "freshness")
            assert freshness.as_of == kept.as_of and freshness.published == kept.freshness.published
            workbook = lib.reports.export(morgan, ["freshness", "coverage"], "xlsx", tmp_path / "kept.xlsx")
            assert workbook.stat().st_size > 0

            proxy.start()  # landed
            lib.connect()
            again = lib.reports.dashboard(morgan)
            assert again.as_of is None and "offline" not in again.used.title
        finally:
            lib.close()
