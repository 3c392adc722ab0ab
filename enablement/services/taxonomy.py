"""Editing the shared taxonomy without breaking existing tags: rows are never deleted,
only renamed, reordered or retired (and restored)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, TypeVar

from sqlalchemy import event
from sqlmodel import Session, SQLModel

from enablement.errors import Conflict, InvalidInput, NotFound
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, TaxonomyInfo
from enablement.models.tables import FacetValue, Gate, Stage, Synonym, utcnow
from enablement.models.vocab import FACETS
from enablement.services.conflicts import checked_write
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.storage import taxonomy_repo
from enablement.storage.source import UnitOfWork
from enablement.storage.taxonomy_repo import TaxonomyRow, apply_taxonomy, taxonomy_document
from enablement.taxonomy import load_taxonomy_file, slugify, validate_taxonomy

RowT = TypeVar("RowT", bound=SQLModel)

TAXONOMY_CHANGED = Changes(taxonomy=True, pieces=True, index=True)
TAXONOMY_ROWS = (Stage, Gate, FacetValue, Synonym)
Seen = int | Mapping[int, int] | None


class TaxonomyService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def get(self) -> TaxonomyInfo:
        """The whole taxonomy (cached until the next taxonomy change)."""
        return self.ctx.taxonomy()

    def _changed(self, value: Any) -> Done[Any]:
        # The unit of work recorded TAXONOMY_CHANGED: the cache hook has already dropped
        # the cached taxonomy and told the index.
        return Done(value, TAXONOMY_CHANGED)

    @contextmanager
    def _edit(self, actor: Actor, table: type[TaxonomyRow] = Stage, seen: Seen = None, row_id: int = 0,
              whole: bool = False, stage_id: int | None = None) -> Iterator[UnitOfWork]:
        """Every taxonomy write: allowed for the actor's role, and overwriting nobody. ``seen``
        is the version the editor read of the row ``row_id``, or (``whole``: a whole list, an
        order or the synonyms; the gates of ``stage_id``) id → version of every row it read; if any changed since (or, for
        a list, one was added), nothing is written and ``EditConflict`` names who and when.
        None: not checked (a script; the version counter still refuses a lost race). The
        rows written are stamped with who and when."""
        require(actor, Permission.EDIT_TAXONOMY)
        expected = {row_id: seen} if isinstance(seen, int) else dict(seen or {})
        check = seen is not None and (whole or all(expected.values()))
        of = max(len(expected), 1)
        with checked_write(self.ctx, check, lambda s: taxonomy_repo.changed_meanwhile(
                s, table, expected, actor.user_id, whole, stage_id), of, meanwhile=TAXONOMY_CHANGED) as w:
            w.record(TAXONOMY_CHANGED)
            with _stamped(w.session, actor):
                yield w
                w.session.flush()

    # --- stages ---------------------------------------------------------------------------
    def add_stage(self, actor: Actor, name: str, description: str = "") -> Done[int]:
        name = _required(name, "A stage needs a name.")
        with self._edit(actor) as w:
            s = w.session
            rows = taxonomy_repo.stages(s)
            key = _unique_key(slugify(name), {st.key for st in rows})
            last = max((st.position for st in rows), default=-1)
            stage = Stage(key=key, name=name, description=description, position=last + 1)
            s.add(stage)
            s.flush()
            new_id = stage.id
        return self._changed(new_id)

    def edit_stage(self, actor: Actor, stage_id: int, *, name: str | None = None,
                   description: str | None = None, seen: int | None = None) -> Done[None]:
        """Rename a stage or change its description. ``seen``: the stage's ``row_version`` as
        the editor read it (changed since: refused, ``EditConflict``)."""
        with self._edit(actor, Stage, seen, stage_id) as w:
            s = w.session
            stage = _get(s, Stage, stage_id, "stage")
            if name is not None:
                stage.name = _required(name, "A stage needs a name.")
            if description is not None:
                stage.description = description
        return self._changed(None)

    def set_stage_retired(self, actor: Actor, stage_id: int, retired: bool, seen: int | None = None) -> Done[None]:
        with self._edit(actor, Stage, seen, stage_id) as w:
            s = w.session
            _get(s, Stage, stage_id, "stage").retired = retired
        return self._changed(None)

    def reorder_stages(self, actor: Actor, stage_ids: list[int], seen: Mapping[int, int] | None = None) -> Done[None]:
        """``seen``: every stage's version as the order was read (one changed or added since:
        refused)."""
        with self._edit(actor, Stage, seen, whole=True) as w:
            s = w.session
            rows = {st.id: st for st in taxonomy_repo.stages(s)}
            if set(stage_ids) != set(rows):
                raise InvalidInput("The new order must list every stage exactly once.")
            for pos, sid in enumerate(stage_ids):
                rows[sid].position = pos
        return self._changed(None)

    # --- gates ----------------------------------------------------------------------------
    def add_gate(self, actor: Actor, stage_id: int, question: str, exit_criteria: str = "") -> Done[int]:
        question = _required(question, "A gate needs the buyer's question.")
        with self._edit(actor) as w:
            s = w.session
            _get(s, Stage, stage_id, "stage")
            key = _unique_key(slugify(question), {g.key for g in taxonomy_repo.gates(s)})
            last = max((g.position for g in taxonomy_repo.gates(s, stage_id)), default=-1)
            gate = Gate(stage_id=stage_id, key=key, question=question, exit_criteria=exit_criteria,
                        position=last + 1)
            s.add(gate)
            s.flush()
            new_id = gate.id
        return self._changed(new_id)

    def edit_gate(self, actor: Actor, gate_id: int, *, question: str | None = None,
                  exit_criteria: str | None = None, stage_id: int | None = None,
                  seen: int | None = None) -> Done[None]:
        """Edit a gate; ``seen`` as for ``edit_stage``."""
        with self._edit(actor, Gate, seen, gate_id) as w:
            s = w.session
            gate = _get(s, Gate, gate_id, "gate")
            if question is not None:
                gate.question = _required(question, "A gate needs the buyer's question.")
            if exit_criteria is not None:
                gate.exit_criteria = exit_criteria
            if stage_id is not None:
                _get(s, Stage, stage_id, "stage")
                gate.stage_id = stage_id
        return self._changed(None)

    def set_gate_retired(self, actor: Actor, gate_id: int, retired: bool, seen: int | None = None) -> Done[None]:
        with self._edit(actor, Gate, seen, gate_id) as w:
            s = w.session
            _get(s, Gate, gate_id, "gate").retired = retired
        return self._changed(None)

    def reorder_gates(self, actor: Actor, stage_id: int, gate_ids: list[int],
                      seen: Mapping[int, int] | None = None) -> Done[None]:
        """``seen``: the version of every gate of the stage as the order was read."""
        with self._edit(actor, Gate, seen, whole=True, stage_id=stage_id) as w:
            s = w.session
            rows = {g.id: g for g in taxonomy_repo.gates(s, stage_id)}
            if set(gate_ids) != set(rows):
                raise InvalidInput("The new order must list every gate of the stage exactly once.")
            for pos, gid in enumerate(gate_ids):
                rows[gid].position = pos
        return self._changed(None)

    # --- facet values and synonyms ----------------------------------------------------------
    def add_facet_value(self, actor: Actor, facet: str, label: str) -> Done[int]:
        if facet not in FACETS:
            raise InvalidInput(f"Unknown facet '{facet}'; facets are: {', '.join(FACETS)}.")
        label = _required(label, "A facet value needs a label.")
        with self._edit(actor) as w:
            s = w.session
            rows = taxonomy_repo.facet_values(s, facet)
            if any(r.label.lower() == label.lower() for r in rows):
                raise Conflict(f"'{label}' already exists in {facet}.")
            value = FacetValue(facet=facet, key=_unique_key(slugify(label), {r.key for r in rows}),
                               label=label, position=max((r.position for r in rows), default=-1) + 1)
            s.add(value)
            s.flush()
            new_id = value.id
        return self._changed(new_id)

    def rename_facet_value(self, actor: Actor, value_id: int, label: str, seen: int | None = None) -> Done[None]:
        with self._edit(actor, FacetValue, seen, value_id) as w:
            s = w.session
            _get(s, FacetValue, value_id, "facet value").label = _required(label, "A facet value needs a label.")
        return self._changed(None)

    def set_facet_value_retired(self, actor: Actor, value_id: int, retired: bool,
                                seen: int | None = None) -> Done[None]:
        with self._edit(actor, FacetValue, seen, value_id) as w:
            s = w.session
            _get(s, FacetValue, value_id, "facet value").retired = retired
        return self._changed(None)

    def set_synonyms(self, actor: Actor, groups: list[list[str]], seen: Mapping[int, int] | None = None) -> Done[None]:
        """Replace every synonym group (each a list of equivalent terms). ``seen``: the
        ``synonym_versions`` the editor read (a group changed or added since: refused)."""
        with self._edit(actor, Synonym, seen, whole=True) as w:
            s = w.session
            cleaned = [[t.strip().lower().replace("|", " ") for t in group if t.strip()] for group in groups]
            taxonomy_repo.replace_synonyms(s, [terms for terms in cleaned if len(terms) >= 2])
        return self._changed(None)

    # --- files ------------------------------------------------------------------------------
    def export_file(self, path: Path) -> Path:
        """Write the taxonomy as a readable JSON file that ``import_file`` accepts."""
        doc = taxonomy_document(self.get())
        Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return Path(path)

    def import_file(self, actor: Actor, path: Path, retire_missing: bool = False) -> Done[dict[str, int]]:
        """Merge a taxonomy file by key: adds and renames, never deletes."""
        require(actor, Permission.EDIT_TAXONOMY)
        data = load_taxonomy_file(path)
        return self.apply(actor, data, retire_missing)

    def apply(self, actor: Actor, data: dict[str, Any], retire_missing: bool = False) -> Done[dict[str, int]]:
        validate_taxonomy(data)
        with self._edit(actor) as w:
            s = w.session
            counts = apply_taxonomy(s, data, retire_missing)
        return self._changed(counts)


@contextmanager
def _stamped(session: Session, actor: Actor) -> Iterator[None]:
    """Each taxonomy row a flush inside adds or changes is stamped with who and when (a team
    server's trigger sets who from the login, whatever is sent)."""
    def stamp(sess: Session, _context: Any, _instances: Any) -> None:
        now = utcnow()
        for row in (*sess.new, *sess.dirty):
            if isinstance(row, TAXONOMY_ROWS) and (row in sess.new or sess.is_modified(row)):
                row.updated_at, row.updated_by_id = now, actor.user_id
    event.listen(session, "before_flush", stamp)
    try:
        yield
    finally:
        event.remove(session, "before_flush", stamp)


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    return text


def _unique_key(key: str, taken: set[str]) -> str:
    candidate, n = key, 2
    while candidate in taken:
        candidate = f"{key}-{n}"
        n += 1
    return candidate


def _get(session: Session, table: type[RowT], row_id: int, what: str) -> RowT:
    row = session.get(table, row_id)
    if row is None:
        raise NotFound(f"No {what} with id {row_id}.")
    return row


def resolve_tag(taxonomy: TaxonomyInfo, dimension: str, text: str) -> int:
    """The id of a stage, gate or facet value named by key, name/question or label
    (case-insensitive; an unambiguous prefix also works). Clear error otherwise."""
    wanted = " ".join(text.casefold().split()).rstrip("?")
    if dimension == "stage":
        options = [(s.id, (s.key, s.name)) for s in taxonomy.stages if not s.retired]
    elif dimension == "gate":
        options = [(g.id, (g.key, g.question)) for s in taxonomy.stages for g in s.gates if not g.retired]
    elif dimension in FACETS:
        options = [(v.id, (v.key, v.label)) for v in taxonomy.facets.get(dimension, ()) if not v.retired]
    else:
        raise InvalidInput(f"Unknown tag kind '{dimension}'.")
    norm = lambda name: " ".join(name.casefold().split()).rstrip("?")  # noqa: E731
    exact = [i for i, names in options if any(norm(n) == wanted for n in names)]
    if exact:
        return exact[0]
    prefix = [i for i, names in options if any(norm(n).startswith(wanted) for n in names)] if wanted else []
    if len(prefix) == 1:
        return prefix[0]
    shown = ", ".join(names[1] for _, names in options[:12])
    what = "content type" if dimension == "content_type" else dimension
    if len(prefix) > 1:
        raise InvalidInput(f"'{text}' matches several {what}s; be more specific. Options: {shown}")
    raise InvalidInput(f"No {what} called '{text}'. Options: {shown}")
