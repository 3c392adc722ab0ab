"""The shared taxonomy: the buyer cycle (stages and gates), facets and synonyms."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from enablement.config import ASSETS_DIR
from enablement.errors import InvalidInput
from enablement.models.vocab import FACETS

TAXONOMY_FORMAT = "enablement-taxonomy"


def slugify(text: str) -> str:
    """A stable lowercase key from a display name ("Is it worth it?" → "is-it-worth-it")."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:80] or "item"


def default_taxonomy() -> dict[str, Any]:
    """The default buyer cycle shipped in assets/taxonomy.json."""
    return load_taxonomy_file(ASSETS_DIR / "taxonomy.json")


def load_taxonomy_file(path: Path) -> dict[str, Any]:
    """Read and validate a taxonomy file; raise InvalidInput naming what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"Cannot read taxonomy file {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise InvalidInput(f"{path} is not valid JSON: {exc}") from exc
    validate_taxonomy(data)
    return data


def validate_taxonomy(data: Any) -> None:
    """Check the shape of a taxonomy document."""
    if not isinstance(data, dict) or data.get("format") != TAXONOMY_FORMAT:
        raise InvalidInput(f"Not a taxonomy file (expected \"format\": \"{TAXONOMY_FORMAT}\").")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        raise InvalidInput("A taxonomy needs a non-empty list of stages.")
    seen_gates: set[str] = set()
    seen_stages: set[str] = set()
    for i, stage in enumerate(stages, 1):
        if not isinstance(stage, dict) or not str(stage.get("name", "")).strip():
            raise InvalidInput(f"Stage {i} has no name.")
        key = stage.get("key") or slugify(stage["name"])
        if key in seen_stages:
            raise InvalidInput(f"Stage key '{key}' appears twice.")
        seen_stages.add(key)
        for j, gate in enumerate(stage.get("gates", []), 1):
            if not isinstance(gate, dict) or not str(gate.get("question", "")).strip():
                raise InvalidInput(f"Gate {j} of stage '{stage['name']}' has no question.")
            gkey = gate.get("key") or slugify(gate["question"])
            if gkey in seen_gates:
                raise InvalidInput(f"Gate key '{gkey}' appears twice.")
            seen_gates.add(gkey)
    facets = data.get("facets", {})
    if not isinstance(facets, dict):
        raise InvalidInput("\"facets\" must map a facet name to a list of values.")
    for facet, values in facets.items():
        if facet not in FACETS:
            raise InvalidInput(f"Unknown facet '{facet}'; facets are: {', '.join(FACETS)}.")
        if not isinstance(values, list):
            raise InvalidInput(f"Facet '{facet}' must list its values.")
    synonyms = data.get("synonyms", [])
    if not isinstance(synonyms, list) or any(not isinstance(g, list) for g in synonyms):
        raise InvalidInput("\"synonyms\" must be a list of term lists.")
