"""Reports: every manager report (``ReportService.run`` by name, as the reports page and the CLI
call it) over ``n`` usage events (1M in a full run), on SQLite and on the local PostgreSQL.

Each report runs over all history and over the last 90 days, three times each (the first run
is reported separately: it pays for cold caches); a single piece's stats run for the most used
piece and for an unused one. The PostgreSQL database is created for the run and dropped after.
"""

from __future__ import annotations

import shutil
import statistics
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import corpus, usage
from bench.common import Config, peak_mb, run_child, say

REPEATS = 3


def child_reports(args: dict) -> dict:
    from enablement.config import Settings
    from enablement.reports.base import ReportFilter
    from enablement.services.library import Library
    from enablement.services.reports_service import REPORTS

    if args.get("team"):
        # a team library as the manager's own login: row-level security applies to every query
        from enablement.team.library import open_team_library

        library, actor = open_team_library(args["url"], Path(args["root"]), settings=Settings(workers=2),
                                           with_index=False)
    else:
        library = Library.open(Path(args["root"]), settings=Settings(workers=2), database_url=args.get("url"),
                               with_index=False)
        actor = library.users.actor("Morgan Manager")
    recent = ReportFilter(since=(corpus.BASE_DAY - timedelta(days=90)).date(), until=corpus.BASE_DAY.date())
    variants: list[tuple[str, str, ReportFilter, dict]] = []
    for name in REPORTS:
        variants.append((f"{name}", name, ReportFilter(), {}))
        if name == "trends":
            variants.append(("trends (month, all history)", name, ReportFilter(), {"bucket": "month"}))
        variants.append((f"{name} (last 90 days)", name, recent, {}))
    out: dict[str, Any] = {"reports": {}}
    for label, name, f, options in variants:
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            library.reports.run(actor, name, f, **options)
            times.append(time.perf_counter() - t0)
        out["reports"][label] = {"first_ms": round(times[0] * 1000, 1),
                                 "median_ms": round(statistics.median(times) * 1000, 1),
                                 "max_ms": round(max(times) * 1000, 1)}
    hot, cold = _hot_and_cold(library)
    for label, pid in (("piece stats (most used piece)", hot), ("piece stats (unused piece)", cold)):
        times = []
        for _ in range(REPEATS + 2):
            t0 = time.perf_counter()
            library.reports.piece_stats(actor, pid)
            times.append(time.perf_counter() - t0)
        out["reports"][label] = {"first_ms": round(times[0] * 1000, 1),
                                 "median_ms": round(statistics.median(times) * 1000, 1),
                                 "max_ms": round(max(times) * 1000, 1)}
    out["peak_mb"] = peak_mb()
    library.close()
    return out


def _hot_and_cold(library) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with library.ctx.engine.connect() as conn:
        hot = conn.execute(text("SELECT piece_id FROM usage_events WHERE piece_id IS NOT NULL "
                                "GROUP BY piece_id ORDER BY count(*) DESC LIMIT 1")).scalar()
        cold = conn.execute(text("SELECT id FROM pieces WHERE status = 'published' AND id NOT IN "
                                 "(SELECT DISTINCT piece_id FROM usage_events WHERE piece_id IS NOT NULL) "
                                 "ORDER BY id LIMIT 1")).scalar()
    return int(hot or 1), int(cold or 1)


def _build(root: Path, cfg: Config, url: str | None) -> dict:
    t0 = time.perf_counter()
    built = corpus.build_library(root, cfg.report_pieces, cfg.seed, database_url=url, with_text=False)
    from enablement.storage.engine import make_engine, sqlite_url

    engine = make_engine(url or sqlite_url(root / "library.db"))
    try:
        loaded = usage.load_usage(engine, cfg.events, cfg.seed,
                                  progress=lambda n: say(f"reports: {n:,} events loaded") if n % 500_000 == 0 else None)
    finally:
        engine.dispose()
    return {"pieces": built.get("pieces"), **loaded, "build_seconds": round(time.perf_counter() - t0, 1)}


def run(cfg: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # SQLite: cached between runs (the marker records what was loaded).
    root = cfg.cache / f"reports-sqlite-{cfg.report_pieces}-{cfg.events}"
    marker = root / "bench-usage.json"
    if marker.exists():
        import json

        data = json.loads(marker.read_text())
    else:
        if root.exists():
            shutil.rmtree(root)
        say(f"reports: building SQLite library ({cfg.report_pieces} pieces, {cfg.events:,} events)")
        data = _build(root, cfg, None)
        import json

        marker.write_text(json.dumps(data))
    work = cfg.cache / "work" / "reports-sqlite"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(root, work)
    say("reports: SQLite")
    out["sqlite"] = {"data": data, **run_child("reports", {"root": str(work)})}
    shutil.rmtree(work, ignore_errors=True)
    # PostgreSQL: a throwaway database.
    out["postgresql"] = _run_postgres(cfg)
    # A team server: the SQLite library published to it, then the reports as the manager's login
    # (row-level security on) and as the superuser (no RLS), side by side.
    out["team"] = _run_team(cfg, root)
    return out


def _run_team(cfg: Config, sqlite_root: Path) -> dict[str, Any]:
    try:
        import psycopg

        admin = psycopg.connect(cfg.postgres_url, autocommit=True, connect_timeout=5)
    except Exception as exc:  # noqa: BLE001 - no server: reported, not fatal
        return {"skipped": f"PostgreSQL not reachable: {type(exc).__name__}: {str(exc)[:120]}"}
    from enablement.team.publish import publish_library

    suffix = uuid.uuid4().hex[:10]
    name = f"enablement_bench_team_{suffix}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = cfg.postgres_url.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    roots = [cfg.cache / "work" / "reports-team-manager", cfg.cache / "work" / "reports-team-superuser"]
    try:
        say(f"reports: publishing the SQLite library to the team database {name}")
        t0 = time.perf_counter()
        report = publish_library(sqlite_root, url, prefix=f"bench{suffix}", login_suffix=f"_{suffix}",
                                 verify_reports=False)
        published = round(time.perf_counter() - t0, 1)
        login = next(lg for person, lg, _ in report.logins if person == "Morgan Manager")
        host = base.split("@", 1)[1]
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)
        # Two rounds, the logins taking turns, so both share whatever else the machine does;
        # each report keeps the lower of its two medians per login.
        rounds: dict[str, list[dict]] = {"manager": [], "superuser": []}
        for turn in range(2):
            say(f"reports: team server as the manager login {login} (RLS on), round {turn + 1}")
            rounds["manager"].append(run_child("reports", {"root": str(roots[0]), "team": True,
                                                           "url": f"postgresql://{login}@{host}/{name}"}))
            say(f"reports: team server as the superuser (no RLS), round {turn + 1}")
            rounds["superuser"].append(run_child("reports", {"root": str(roots[1]), "url": url}))
        return {"data": {"events": report.counts["usage_events"][1], "pieces": report.counts["pieces"][1],
                         "verified": report.verified, "publish_seconds": published, "rounds": 2},
                "manager_login": _best_of(rounds["manager"]), "superuser": _best_of(rounds["superuser"])}
    finally:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        for (role,) in admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolcanlogin DESC, "
                                     "rolname LIKE '%%\\_owner'", (f"%{suffix}%",)).fetchall():
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)


def _best_of(runs: list[dict]) -> dict:
    """One run's shape, each report with the run whose median was lowest."""
    best = dict(runs[0])
    best["reports"] = {name: min((r["reports"][name] for r in runs), key=lambda v: v["median_ms"])
                       for name in runs[0]["reports"]}
    best["peak_mb"] = max(r.get("peak_mb") or 0 for r in runs)
    return best


def _run_postgres(cfg: Config) -> dict[str, Any]:
    try:
        import psycopg

        admin = psycopg.connect(cfg.postgres_url, autocommit=True, connect_timeout=5)
    except Exception as exc:  # noqa: BLE001 - no server: reported, not fatal
        return {"skipped": f"PostgreSQL not reachable: {type(exc).__name__}: {str(exc)[:120]}"}
    name = f"enablement_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = cfg.postgres_url.rsplit("/", 1)[0] + f"/{name}"
    root = cfg.cache / "work" / "reports-pg"
    try:
        if root.exists():
            shutil.rmtree(root)
        say(f"reports: building PostgreSQL database {name}")
        data = _build(root, cfg, url)
        say("reports: PostgreSQL")
        return {"data": data, **run_child("reports", {"root": str(root), "url": url})}
    finally:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
        shutil.rmtree(root, ignore_errors=True)
