"""A deterministic usage log: ``n`` events (default 1M) and searches, skewed like real use.

- Pieces: Zipf-popular (a few pieces take most uses) and ~35% of published pieces never used;
- reps: Zipf-active (some reps do most of the work, a few never search), in 12 teams;
- time: two years, growing towards today, quiet at weekends;
- kinds: viewed > previewed > opened > used in call > sent > feedback > exported > kit exported;
- searches: ~10% as many as events, from a Zipf list of queries, some finding nothing.

Rows go in with large transactions: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from datetime import datetime, timedelta
from typing import Iterator

from bench.corpus import BASE_DAY, COMPANIES, TOPICS

KINDS = (("viewed", 34), ("previewed", 20), ("opened", 14), ("used_in_call", 13), ("sent", 10),
         ("feedback", 5), ("exported", 3), ("kit_exported", 1))
QUERY_WORDS = TOPICS + ["soc 2", "battlecard", "case study healthcare", "pricing sheet", "competitor brightgrid",
                        "data residency germany", "nonprofit discount", "sso okta setup video", "hipaa baa template",
                        "public sector accessibility vpat", "roi calculator", "tco", "gdpr", "renewal deck",
                        "mobile app datasheet", "implementation plan", "executive overview", "why now"]
TEAMS = ["East", "West", "Central", "North", "South", "EMEA", "DACH", "Nordics", "APAC", "ANZ", "LATAM", "Public"]
EPOCH_DAYS = 730


def _zipf_cum(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(n)))


def make_users(n_reps: int = 200) -> list[dict]:
    users = [dict(name=f"Bench Rep {i:03d}", role="rep", team=TEAMS[i % len(TEAMS)]) for i in range(n_reps)]
    users += [dict(name=f"Bench Manager {i:02d}", role="manager", team=TEAMS[i]) for i in range(len(TEAMS))]
    users += [dict(name=f"Bench Marketer {i:02d}", role="marketing", team="Marketing") for i in range(8)]
    return users


def insert_users(engine, n_reps: int = 200) -> list[int]:  # type: ignore[no-untyped-def]
    """Insert bench users (once); return the rep ids, most active first."""
    from sqlalchemy import select

    from enablement.models.tables import User, utcnow

    table = User.__table__
    with engine.begin() as conn:
        existing = {name for (name,) in conn.execute(select(table.c.name))}
        rows = [dict(u, active=True, is_demo=False, created_at=utcnow() - timedelta(days=800))
                for u in make_users(n_reps) if u["name"] not in existing]
        if rows:
            conn.execute(table.insert(), rows)
        reps = [(uid, name) for uid, name in conn.execute(select(table.c.id, table.c.name)
                                                           .where(table.c.name.like("Bench Rep %")))]
    return [uid for uid, _ in sorted(reps, key=lambda r: r[1])]


def piece_pool(engine, seed: int) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """(used pieces in popularity order, all published pieces)."""
    from sqlalchemy import select

    from enablement.models.tables import Piece

    t = Piece.__table__
    with engine.connect() as conn:
        published = [pid for (pid,) in conn.execute(select(t.c.id).where(t.c.status == "published").order_by(t.c.id))]
    rng = random.Random(seed)
    used = [p for p in published if rng.random() > 0.35]
    rng.shuffle(used)
    return used, published


def generate_events(n: int, reps: list[int], pieces: list[int], seed: int,
                    stage_gates: list[tuple[int, int]] | None = None) -> Iterator[tuple]:
    """Event rows as tuples in the column order of ``EVENT_COLUMNS``."""
    rng = random.Random(seed)
    piece_cum = _zipf_cum(len(pieces), 1.05)
    rep_cum = _zipf_cum(len(reps) - 3, 0.9)   # the last three reps never do anything
    active_reps = reps[:-3]
    kinds = [k for k, _ in KINDS]
    kind_cum = list(itertools.accumulate(w for _, w in KINDS))
    stage_gates = stage_gates or [(None, None)]  # type: ignore[list-item]
    batch = 10_000
    made = 0
    while made < n:
        k = min(batch, n - made)
        p_ids = rng.choices(pieces, cum_weights=piece_cum, k=k)
        u_ids = rng.choices(active_reps, cum_weights=rep_cum, k=k)
        kk = rng.choices(kinds, cum_weights=kind_cum, k=k)
        for pid, uid, kind in zip(p_ids, u_ids, kk):
            # Growth: density rises linearly towards today (sqrt of a uniform draw).
            age = EPOCH_DAYS * (1.0 - rng.random() ** 0.5)
            moment = BASE_DAY - timedelta(days=age, seconds=rng.randrange(0, 36_000))
            if moment.weekday() >= 5 and rng.random() < 0.8:
                moment -= timedelta(days=2)
            helpful = (rng.random() < 0.72) if kind == "feedback" else None
            stage, gate = (rng.choice(stage_gates) if kind in ("used_in_call", "sent") and rng.random() < 0.6
                           else (None, None))
            yield (str(uuid.UUID(int=rng.getrandbits(128), version=4)), kind, uid, pid, pid,
                   moment.replace(microsecond=0), rng.choice(COMPANIES) if kind != "viewed" else "",
                   stage, gate, helpful, "", None, False)
        made += k


EVENT_COLUMNS = ("id", "kind", "user_id", "piece_id", "version_id", "occurred_at", "account", "deal_stage_id",
                 "gate_id", "helpful", "comment", "kit_id", "is_demo")
SEARCH_COLUMNS = ("id", "user_id", "query", "filters", "result_count", "opened_piece_id", "shown_piece_ids",
                  "occurred_at", "is_demo")


def generate_searches(n: int, reps: list[int], pieces: list[int], seed: int) -> Iterator[tuple]:
    rng = random.Random(seed + 1)
    queries = QUERY_WORDS
    q_cum = _zipf_cum(len(queries), 1.0)
    rep_cum = _zipf_cum(len(reps) - 6, 0.9)   # six reps never search
    searching = reps[:-6]
    for _ in range(n):
        q = rng.choices(queries, cum_weights=q_cum)[0]
        zero = "vpat" in q or "hipaa" in q or "nonprofit" in q or "okta" in q or "germany" in q
        shown = [] if zero else rng.sample(pieces, k=min(5, len(pieces)))
        opened = shown[0] if shown and rng.random() < 0.6 else None
        age = EPOCH_DAYS * (1.0 - rng.random() ** 0.5)
        yield (str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.choices(searching, cum_weights=rep_cum)[0],
               q, "", 0 if zero else rng.randint(1, 80), opened, ",".join(map(str, shown)),
               (BASE_DAY - timedelta(days=age)).replace(microsecond=0), False)


def load_usage(engine, n_events: int, seed: int, progress=None) -> dict:  # type: ignore[no-untyped-def]
    """Users, events and searches into the library behind ``engine``; returns counts and seconds."""
    from sqlalchemy import select

    from enablement.models.tables import Gate

    started = time.perf_counter()
    reps = insert_users(engine)
    used, published = piece_pool(engine, seed)
    with engine.connect() as conn:
        stage_gates = [(sid, gid) for gid, sid in conn.execute(select(Gate.__table__.c.id, Gate.__table__.c.stage_id))]
    events = generate_events(n_events, reps, used, seed, stage_gates)
    searches = generate_searches(max(1, n_events // 10), reps, published, seed)
    if engine.dialect.name == "postgresql":
        _copy_pg(engine, "usage_events", EVENT_COLUMNS, events, progress)
        _copy_pg(engine, "search_log", SEARCH_COLUMNS, searches, None)
        # What autovacuum does within minutes of a bulk insert (PostgreSQL 13+ also vacuums after
        # inserts): statistics, and the visibility map that lets index-only scans skip the heap.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE usage_events")
            conn.exec_driver_sql("VACUUM ANALYZE search_log")
            conn.exec_driver_sql("ANALYZE")
    else:
        _insert_sqlite(engine, "usage_events", EVENT_COLUMNS, events, progress)
        _insert_sqlite(engine, "search_log", SEARCH_COLUMNS, searches, None)
    return {"events": n_events, "searches": max(1, n_events // 10), "reps": len(reps),
            "pieces_used": len(used), "published": len(published),
            "load_seconds": round(time.perf_counter() - started, 1)}


def _insert_sqlite(engine, table: str, columns: tuple[str, ...], rows: Iterator[tuple], progress) -> None:  # type: ignore[no-untyped-def]
    from bench.common import chunked

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        done = 0
        for batch in chunked(rows, 100_000):
            cur.execute("BEGIN")
            cur.executemany(sql, [tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in r)
                                  for r in batch])
            cur.execute("COMMIT")
            done += len(batch)
            if progress is not None:
                progress(done)
        cur.close()
    finally:
        raw.close()


def _copy_pg(engine, table: str, columns: tuple[str, ...], rows: Iterator[tuple], progress) -> None:  # type: ignore[no-untyped-def]
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        done = 0
        with conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if progress is not None and done % 100_000 == 0:
                        progress(done)
        conn.commit()
    finally:
        raw.close()
