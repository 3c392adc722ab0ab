"""The reports give the same numbers on PostgreSQL as on SQLite (same hand-made world)."""

from __future__ import annotations

from pathlib import Path

import pytest

from enablement.services.reports_service import REPORTS
from tests.pg import throwaway_database_url
from tests.test_reports_core import JUNE, build_world


@pytest.mark.postgres
def test_reports_match_sqlite(tmp_path: Path) -> None:
    lite, lite_ids = build_world(tmp_path / "lite")
    with throwaway_database_url() as url:
        pg, pg_ids = build_world(tmp_path / "pg", database_url=url)
        try:
            for name in REPORTS:
                for options in ({"bucket": "week"}, {"bucket": "month"}) if name == "trends" else ({},):
                    a = lite.reports.run(lite_ids["actors"]["Max"], name, JUNE, **options).to_dict()
                    b = pg.reports.run(pg_ids["actors"]["Max"], name, JUNE, **options).to_dict()
                    assert a == b, name
            assert pg.reports.used_vs_ignored(pg_ids["actors"]["Max"], JUNE).share_used == pytest.approx(2 / 6)
            assert pg.reports.piece_stats(pg_ids["actors"]["Max"], 1) == lite.reports.piece_stats(
                lite_ids["actors"]["Max"], 1)
        finally:
            pg.close()
            lite.close()
