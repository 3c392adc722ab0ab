"""Taxonomy rows: read as a TaxonomyInfo DTO, seed and upsert from a taxonomy document."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from enablement.errors import ChangedMeanwhile
from enablement.models.dto import FacetValueInfo, GateInfo, StageInfo, TaxonomyInfo
from enablement.models.tables import FacetValue, Gate, Stage, Synonym, User, stored_id
from enablement.models.vocab import FACETS
from enablement.taxonomy import slugify


def read_taxonomy(session: Session) -> TaxonomyInfo:
    """The whole taxonomy as frozen DTOs, in display order."""
    gates_by_stage: dict[int, list[GateInfo]] = {}
    for g in session.exec(select(Gate).order_by(col(Gate.position), col(Gate.id))):
        gates_by_stage.setdefault(g.stage_id, []).append(GateInfo(
            stored_id(g.id), g.stage_id, g.key, g.question, g.exit_criteria, g.position, g.retired, g.row_version))
    stages = tuple(
        StageInfo(stored_id(s.id), s.key, s.name, s.description, s.position, s.retired,
                  tuple(gates_by_stage.get(stored_id(s.id), ())), s.row_version)
        for s in session.exec(select(Stage).order_by(col(Stage.position), col(Stage.id))))
    facets: dict[str, list[FacetValueInfo]] = {f: [] for f in FACETS}
    for v in session.exec(select(FacetValue).order_by(col(FacetValue.position), col(FacetValue.id))):
        facets.setdefault(v.facet, []).append(
            FacetValueInfo(stored_id(v.id), v.facet, v.key, v.label, v.position, v.retired, v.row_version))
    groups = list(session.exec(select(Synonym).order_by(col(Synonym.id))))
    synonyms = tuple(tuple(t for t in s.terms.split("|") if t) for s in groups)
    return TaxonomyInfo(stages, {k: tuple(v) for k, v in facets.items()}, synonyms,
                        {stored_id(s.id): s.row_version for s in groups})


TaxonomyRow = Stage | Gate | FacetValue | Synonym
# what a conflict calls each kind of row, and the column that names one
_NAMED = {Stage: ("stage", Stage.name), Gate: ("gate", Gate.question), FacetValue: ("value", FacetValue.label),
          Synonym: ("synonym group", Synonym.terms)}


def changed_meanwhile(session: Session, table: type[TaxonomyRow], seen: Mapping[int, int], actor_id: int | None,
                      whole: bool = False, stage_id: int | None = None) -> list[ChangedMeanwhile]:
    """The rows of ``table`` whose version is no longer the one seen: who changed each last
    and when. ``whole``: the edit is of a whole list (an order, the synonyms; with
    ``stage_id``, the gates of that stage), so a row of it the editor never saw (added since)
    counts as changed too."""
    kind, name_column = _NAMED[table]
    query = (sa_select(col(table.id), col(name_column), col(table.row_version), col(table.updated_at),
                       col(table.updated_by_id), col(User.name))
             .outerjoin(User, col(User.id) == col(table.updated_by_id)))
    if not whole:
        query = query.where(col(table.id).in_(list(seen)))
    elif stage_id is not None:
        query = query.where(col(Gate.stage_id) == stage_id)
    out = [ChangedMeanwhile(int(row_id), str(title).replace("|", ", "), name or "", at,
                            by_you=by_id is not None and by_id == actor_id, kind=kind)
           for row_id, title, version, at, by_id, name in session.execute(query) if seen.get(row_id) != version]
    return sorted(out, key=lambda c: c.row_id)


def apply_taxonomy(session: Session, data: dict[str, Any], retire_missing: bool) -> dict[str, int]:
    """Upsert a validated taxonomy document by key. Nothing is deleted, so existing tags
    keep working; entries missing from the document are retired when asked."""
    counts = {"added": 0, "updated": 0, "retired": 0}
    stages = {s.key: s for s in session.exec(select(Stage))}
    gates = {g.key: g for g in session.exec(select(Gate))}
    seen_stages: set[str] = set()
    seen_gates: set[str] = set()
    for pos, sd in enumerate(data["stages"]):
        key = sd.get("key") or slugify(sd["name"])
        seen_stages.add(key)
        stage = stages.get(key)
        if stage is None:
            stage = Stage(key=key, name=sd["name"], description=sd.get("description", ""), position=pos)
            session.add(stage)
            session.flush()
            counts["added"] += 1
        else:
            changed = (stage.name, stage.description, stage.position, stage.retired) != (
                sd["name"], sd.get("description", stage.description), pos, False)
            stage.name, stage.position, stage.retired = sd["name"], pos, False
            stage.description = sd.get("description", stage.description)
            counts["updated"] += int(changed)
        for gpos, gd in enumerate(sd.get("gates", [])):
            gkey = gd.get("key") or slugify(gd["question"])
            seen_gates.add(gkey)
            gate = gates.get(gkey)
            if gate is None:
                session.add(Gate(stage_id=stored_id(stage.id), key=gkey, question=gd["question"],
                                 exit_criteria=gd.get("exit_criteria", ""), position=gpos))
                counts["added"] += 1
            else:
                new = (stored_id(stage.id), gd["question"], gd.get("exit_criteria", gate.exit_criteria), gpos, False)
                if (gate.stage_id, gate.question, gate.exit_criteria, gate.position, gate.retired) != new:
                    counts["updated"] += 1
                gate.stage_id, gate.question, gate.exit_criteria, gate.position, gate.retired = new
    values = {(v.facet, v.key): v for v in session.exec(select(FacetValue))}
    seen_values: set[tuple[str, str]] = set()
    for facet, labels in data.get("facets", {}).items():
        for pos, item in enumerate(labels):
            label = item if isinstance(item, str) else item["label"]
            key = slugify(label) if isinstance(item, str) else item.get("key") or slugify(label)
            seen_values.add((facet, key))
            value = values.get((facet, key))
            if value is None:
                session.add(FacetValue(facet=facet, key=key, label=label, position=pos))
                counts["added"] += 1
            else:
                if (value.label, value.position, value.retired) != (label, pos, False):
                    counts["updated"] += 1
                value.label, value.position, value.retired = label, pos, False
    if "synonyms" in data:
        existing = {s.terms: s for s in session.exec(select(Synonym))}
        wanted = ["|".join(t.strip().lower() for t in group if t.strip()) for group in data["synonyms"]]
        for terms in wanted:
            if terms and terms not in existing:
                session.add(Synonym(terms=terms))
                counts["added"] += 1
        for terms, row in existing.items():
            if terms not in wanted:
                session.delete(row)
    if retire_missing:
        retiring: list[Stage | Gate | FacetValue] = [
            *(s for k, s in stages.items() if k not in seen_stages and not s.retired),
            *(g for k, g in gates.items() if k not in seen_gates and not g.retired),
            *(v for k, v in values.items() if k not in seen_values and not v.retired)]
        for entry in retiring:
            entry.retired = True
            counts["retired"] += 1
    return counts


def taxonomy_document(info: TaxonomyInfo) -> dict[str, Any]:
    """A readable, re-importable document of the taxonomy (retired entries are left out)."""
    return {
        "format": "enablement-taxonomy",
        "version": 1,
        "stages": [
            {"key": s.key, "name": s.name, "description": s.description,
             "gates": [{"key": g.key, "question": g.question, "exit_criteria": g.exit_criteria}
                       for g in s.gates if not g.retired]}
            for s in info.stages if not s.retired],
        "facets": {facet: [{"key": v.key, "label": v.label} for v in values if not v.retired]
                   for facet, values in info.facets.items()},
        "synonyms": [list(group) for group in info.synonyms],
    }


def stages(session: Session) -> list[Stage]:
    """Every stage row (retired ones too)."""
    return list(session.exec(select(Stage)))


def gates(session: Session, stage_id: int | None = None) -> list[Gate]:
    """Every gate row, or those of one stage."""
    query = select(Gate)
    if stage_id is not None:
        query = query.where(Gate.stage_id == stage_id)
    return list(session.exec(query))


def facet_values(session: Session, facet: str) -> list[FacetValue]:
    return list(session.exec(select(FacetValue).where(FacetValue.facet == facet)))


def replace_synonyms(session: Session, groups: list[list[str]]) -> None:
    """Store exactly ``groups`` (each already normalised): a group kept as it was keeps its row
    (and version), so an edit elsewhere of another group is not mistaken for a change of it."""
    wanted = ["|".join(terms) for terms in groups]
    existing = {row.terms: row for row in session.exec(select(Synonym))}
    for terms, row in existing.items():
        if terms not in wanted:
            session.delete(row)
    for terms in dict.fromkeys(wanted):
        if terms not in existing:
            session.add(Synonym(terms=terms))


def has_stages(session: Session) -> bool:
    """True once the library holds a taxonomy (a new library is seeded once)."""
    return session.exec(select(Stage.id).limit(1)).first() is not None
