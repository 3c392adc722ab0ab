"""A person's shelves in a team library: their own saved searches and favourites travel like
a kit (personal, so conflict-free): a change on the laptop queues one ``shelf`` outbox entry
holding the whole personal state, and sending it makes the server's copy that state (found by
client UUID, so sending it twice changes nothing). Recommended searches are written on the
server by marketing and admins (row-level security refuses anyone else) and, like kits, every
pull reads the shelves whole: they are small."""

from __future__ import annotations

import uuid
from typing import Any, Mapping, Sequence

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection

from enablement.models.tables import Favourite, SavedSearch
from enablement.storage import replica_repo as rr

SHELF = "shelf"
SEARCHES, FAVOURITES = rr.model_table(SavedSearch), rr.model_table(Favourite)
_SEARCH_COLUMNS = ("name", "query", "filters", "sort", "created_at", "updated_at", "client_uuid")


# --- on the laptop ------------------------------------------------------------------------------------
def shelf_payload(conn: Connection, user_id: int) -> dict[str, Any]:
    """The person's own saved searches and favourites as this laptop has them now; a search
    without a client UUID (made before it was queued here) is given one."""
    for search_id in conn.execute(select(SEARCHES.c.id).where(
            SEARCHES.c.owner_id == user_id, SEARCHES.c.recommended.is_(False),
            SEARCHES.c.client_uuid.is_(None))).scalars():
        conn.execute(update(SEARCHES).where(SEARCHES.c.id == search_id).values(client_uuid=str(uuid.uuid4())))
    searches = [dict(r) for r in conn.execute(select(SEARCHES).where(
        SEARCHES.c.owner_id == user_id, SEARCHES.c.recommended.is_(False)).order_by(SEARCHES.c.id)).mappings()]
    favourites = [dict(r) for r in conn.execute(select(FAVOURITES).where(FAVOURITES.c.user_id == user_id)).mappings()]
    return {"user_id": user_id, "searches": searches, "favourites": favourites}


def pending(conn: Connection) -> bool:
    """Whether a change of the person's shelves waits in the outbox (this laptop's state wins)."""
    return conn.execute(select(rr.OUTBOX.c.id).where(rr.OUTBOX.c.kind == SHELF).limit(1)).first() is not None


def _held(conn: Connection) -> tuple[frozenset[tuple[Any, ...]], frozenset[tuple[Any, ...]]]:
    return (frozenset(tuple(r) for r in conn.execute(select(SEARCHES)).all()),
            frozenset(tuple(r) for r in conn.execute(select(FAVOURITES)).all()))


def replace_shelves(conn: Connection, searches: Sequence[Mapping[str, Any]],
                    favourites: Sequence[Mapping[str, Any]]) -> bool:
    """The shelves as the server has them for this login: every recommended search, and the
    person's own searches and favourites unless a change of theirs still waits to be sent.
    Whether anything changed (a pull that brought nothing new refreshes no view)."""
    before = _held(conn)
    _replace_shelves(conn, searches, favourites)
    return _held(conn) != before


def _replace_shelves(conn: Connection, searches: Sequence[Mapping[str, Any]],
                     favourites: Sequence[Mapping[str, Any]]) -> None:
    keep_own = pending(conn)
    if keep_own:
        conn.execute(delete(SEARCHES).where(SEARCHES.c.recommended.is_(True)))
        mine = {str(u) for u in conn.execute(select(SEARCHES.c.client_uuid)).scalars() if u}
        taken = [s for s in searches if s["recommended"] and s.get("client_uuid") not in mine]
    else:
        conn.execute(delete(SEARCHES))
        conn.execute(delete(FAVOURITES))
        taken = list(searches)
        if favourites:
            conn.execute(insert(FAVOURITES), [dict(f) for f in favourites])
    local_ids = set(conn.execute(select(SEARCHES.c.id)).scalars())
    rows = [dict(s) for s in taken if s["id"] not in local_ids]
    if rows:
        conn.execute(insert(SEARCHES), rows)


# --- on the server ------------------------------------------------------------------------------------
def send_shelf(conn: Connection, payload: Mapping[str, Any], ids: Mapping[tuple[str, int], int]) -> None:
    """Make the server's copy of the person's own searches and favourites what the laptop had
    when the entry was queued, in the caller's server transaction (row-level security keeps
    it to the login's own rows)."""
    from enablement.team.sync import _mapped, _typed

    user_id = int(payload["user_id"])
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:u, 0))"), {"u": f"shelf {user_id}"})
    kept: list[str] = []
    for search in payload["searches"]:
        row = _typed(SEARCHES, {k: search.get(k) for k in _SEARCH_COLUMNS})
        found = conn.execute(text("SELECT id FROM saved_searches WHERE client_uuid = :u OR (id = :id AND :id > 0) "
                                  "ORDER BY client_uuid = :u DESC LIMIT 1"),
                             {"u": row["client_uuid"], "id": int(search["id"])}).scalar()
        if found is None:
            conn.execute(text("INSERT INTO saved_searches (owner_id, name, query, filters, sort, recommended, "
                              "created_at, updated_at, client_uuid) VALUES (:owner_id, :name, :query, :filters, "
                              ":sort, false, :created_at, :updated_at, :client_uuid)"), dict(row, owner_id=user_id))
        else:
            conn.execute(text("UPDATE saved_searches SET name = :name, query = :query, filters = :filters, "
                              "sort = :sort, updated_at = :updated_at, client_uuid = :client_uuid "
                              "WHERE id = :id AND NOT recommended"), dict(row, id=int(found)))
        kept.append(str(row["client_uuid"]))
    conn.execute(text("DELETE FROM saved_searches WHERE owner_id = :me AND NOT recommended "
                      "AND (client_uuid IS NULL OR NOT (client_uuid = ANY(:kept)))"), {"me": user_id, "kept": kept})
    conn.execute(text("DELETE FROM favourites WHERE user_id = :me"), {"me": user_id})
    favourites = [dict(_typed(FAVOURITES, _mapped(f, ids)), user_id=user_id) for f in payload["favourites"]]
    if favourites:
        conn.execute(text("INSERT INTO favourites (user_id, piece_id, title, created_at) "
                          "VALUES (:user_id, :piece_id, :title, :created_at) ON CONFLICT DO NOTHING"), favourites)
