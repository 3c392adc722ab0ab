"""``sync`` and ``status``: a team laptop's replica, its outbox and its link to the server."""

from __future__ import annotations

import argparse
from typing import Any

from enablement.cli.output import print_json
from enablement.display import count
from enablement.cli.registry import Registry
from enablement.errors import InvalidInput
from enablement.models.dto import Actor
from enablement.services.library import Library
from enablement.team.blobs import MB, ServerBlobCache

ORDER = 125
SYNC_ON_OPEN = "team_sync_on_open"  # a parsed-namespace default: False skips the sync on opening


def register(registry: Registry) -> None:
    """Add ``sync`` and ``status``."""
    sp = registry.add("sync", cmd_sync, help="team library: send what waits on this computer, then fetch changes")
    sp.set_defaults(**{SYNC_ON_OPEN: False})
    sp = registry.add("status", cmd_status, help="team library: server, login, connection, last sync, "
                                                 "outbox, refused changes, local copy")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(**{SYNC_ON_OPEN: False})


def _team(lib: Library, command: str) -> Any:
    if getattr(lib, "replica", None) is None:
        raise InvalidInput(f"'{command}' is for a team library: name the server with --server (or ENABLEMENT_SERVER).")
    return lib


def _files(lib: Library) -> ServerBlobCache:
    blobs = lib.ctx.blobs
    assert isinstance(blobs, ServerBlobCache), "a team library keeps a cache of the server's files"
    return blobs


def cmd_sync(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    team = _team(lib, "sync")
    report = team.connect(sync=True, raise_offline=True)
    for line in report.lines():
        print(line)
    moved = _files(lib).sync_files()  # files asked for offline, kit files, the most used ones
    print(f"Files: {count(moved.downloaded, 'file')} downloaded ({moved.downloaded_bytes / MB:.1f} MB), "
          f"{count(moved.evicted, 'file')} removed to keep the cache within its size"
          + (f"; {moved.still_queued} still waiting" if moved.still_queued else "") + ".")
    return 0 if not report.refused else 1


def cmd_status(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    team = _team(lib, "status")
    team.connect(sync=False)  # says whether the server answers now, without moving anything
    replica = team.replica
    st = replica.state()
    cache = _files(lib).report()
    dead = replica.dead_letters()
    info = {
        "server": f"{team.address.where}/{team.address.dbname}", "login": team.address.user,
        "person": actor.name, "role": actor.role, "connection": replica.status,
        "offline_since": st.get("offline_since"), "last_error": st.get("last_error"),
        "next_try": st.get("retry_at"), "last_sync": st.get("last_sync_at"),
        "last_change": int(st.get("last_seq", "0")), "outbox": replica.outbox_size(),
        "dead_letters": [{"kind": d["kind"], "id": d["key"], "reason": d["reason"], "refused_at": d["refused_at"]}
                         for d in dead],
        "pieces": len(lib.pieces.list(statuses=None)), "cached_files": cache.files, "cached_bytes": cache.bytes,
        "kit_files": cache.pinned_files, "files_waiting": cache.queued, "file_cache_limit_bytes": cache.limit_bytes,
    }
    if args.json:
        print_json(info)
        return 0
    connection = info["connection"]
    if connection == "offline":
        connection = f"offline since {info['offline_since']} ({info['last_error']}); next try after {info['next_try']}"
    print(f"Server:       {info['server']}")
    print(f"Login:        {info['login']} ({actor.name}, {actor.role})")
    print(f"Connection:   {connection}")
    print(f"Last sync:    {info['last_sync'] or 'never'} (change {info['last_change']})")
    print(f"Outbox:       {info['outbox']} waiting")
    print(f"Refused:      {len(dead)}")
    for d in info["dead_letters"]:
        print(f"  {d['kind']} {d['id']}: {d['reason']} ({d['refused_at']})")
    print(f"Local copy:   {count(info['pieces'], 'piece')}; file cache {cache.line()}")
    return 0
