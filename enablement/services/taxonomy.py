"""Editing the shared taxonomy without breaking existing tags: rows are never deleted,
only renamed, reordered or retired (and restored)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from enablement.errors import Conflict, InvalidInput, NotFound
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, TaxonomyInfo
from enablement.models.tables import FacetValue, Gate, Stage
from enablement.models.vocab import FACETS
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.storage import taxonomy_repo
from enablement.storage.taxonomy_repo import apply_taxonomy, taxonomy_document
from enablement.taxonomy import load_taxonomy_file, slugify, validate_taxonomy

RowT = TypeVar("RowT", bound=SQLModel)

TAXONOMY_CHANGED = Changes(taxonomy=True, pieces=True, index=True)


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

    # --- stages ---------------------------------------------------------------------------
    def add_stage(self, actor: Actor, name: str, description: str = "") -> Done[int]:
        require(actor, Permission.EDIT_TAXONOMY)
        name = _required(name, "A stage needs a name.")
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            rows = taxonomy_repo.stages(s)
            key = _unique_key(slugify(name), {st.key for st in rows})
            last = max((st.position for st in rows), default=-1)
            stage = Stage(key=key, name=name, description=description, position=last + 1)
            s.add(stage)
            s.flush()
            new_id = stage.id
        return self._changed(new_id)

    def edit_stage(self, actor: Actor, stage_id: int, *, name: str | None = None,
                   description: str | None = None) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            stage = _get(s, Stage, stage_id, "stage")
            if name is not None:
                stage.name = _required(name, "A stage needs a name.")
            if description is not None:
                stage.description = description
        return self._changed(None)

    def set_stage_retired(self, actor: Actor, stage_id: int, retired: bool) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            _get(s, Stage, stage_id, "stage").retired = retired
        return self._changed(None)

    def reorder_stages(self, actor: Actor, stage_ids: list[int]) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            rows = {st.id: st for st in taxonomy_repo.stages(s)}
            if set(stage_ids) != set(rows):
                raise InvalidInput("The new order must list every stage exactly once.")
            for pos, sid in enumerate(stage_ids):
                rows[sid].position = pos
        return self._changed(None)

    # --- gates ----------------------------------------------------------------------------
    def add_gate(self, actor: Actor, stage_id: int, question: str, exit_criteria: str = "") -> Done[int]:
        require(actor, Permission.EDIT_TAXONOMY)
        question = _required(question, "A gate needs the buyer's question.")
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
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
                  exit_criteria: str | None = None, stage_id: int | None = None) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            gate = _get(s, Gate, gate_id, "gate")
            if question is not None:
                gate.question = _required(question, "A gate needs the buyer's question.")
            if exit_criteria is not None:
                gate.exit_criteria = exit_criteria
            if stage_id is not None:
                _get(s, Stage, stage_id, "stage")
                gate.stage_id = stage_id
        return self._changed(None)

    def set_gate_retired(self, actor: Actor, gate_id: int, retired: bool) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            _get(s, Gate, gate_id, "gate").retired = retired
        return self._changed(None)

    def reorder_gates(self, actor: Actor, stage_id: int, gate_ids: list[int]) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            rows = {g.id: g for g in taxonomy_repo.gates(s, stage_id)}
            if set(gate_ids) != set(rows):
                raise InvalidInput("The new order must list every gate of the stage exactly once.")
            for pos, gid in enumerate(gate_ids):
                rows[gid].position = pos
        return self._changed(None)

    # --- facet values and synonyms ----------------------------------------------------------
    def add_facet_value(self, actor: Actor, facet: str, label: str) -> Done[int]:
        require(actor, Permission.EDIT_TAXONOMY)
        if facet not in FACETS:
            raise InvalidInput(f"Unknown facet '{facet}'; facets are: {', '.join(FACETS)}.")
        label = _required(label, "A facet value needs a label.")
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            rows = taxonomy_repo.facet_values(s, facet)
            if any(r.label.lower() == label.lower() for r in rows):
                raise Conflict(f"'{label}' already exists in {facet}.")
            value = FacetValue(facet=facet, key=_unique_key(slugify(label), {r.key for r in rows}),
                               label=label, position=max((r.position for r in rows), default=-1) + 1)
            s.add(value)
            s.flush()
            new_id = value.id
        return self._changed(new_id)

    def rename_facet_value(self, actor: Actor, value_id: int, label: str) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            _get(s, FacetValue, value_id, "facet value").label = _required(label, "A facet value needs a label.")
        return self._changed(None)

    def set_facet_value_retired(self, actor: Actor, value_id: int, retired: bool) -> Done[None]:
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            _get(s, FacetValue, value_id, "facet value").retired = retired
        return self._changed(None)

    def set_synonyms(self, actor: Actor, groups: list[list[str]]) -> Done[None]:
        """Replace every synonym group (each a list of equivalent terms)."""
        require(actor, Permission.EDIT_TAXONOMY)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
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
        require(actor, Permission.EDIT_TAXONOMY)
        validate_taxonomy(data)
        with self.ctx.write() as w:
            s = w.session
            w.record(TAXONOMY_CHANGED)
            counts = apply_taxonomy(s, data, retire_missing)
        return self._changed(counts)


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
