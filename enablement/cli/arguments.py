"""Options that several commands share: tags named on the command line, and dates."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Literal

from enablement.errors import InvalidInput
from enablement.models.dto import TagSelection
from enablement.models.vocab import FACETS
from enablement.services.library import Library
from enablement.services.taxonomy import resolve_tag

FACET_FLAGS = (("persona", "--persona"), ("industry", "--industry"), ("product", "--product"),
               ("content_type", "--type"), ("language", "--language"))


def add_tag_args(sp: argparse.ArgumentParser) -> None:
    """``--stage``, ``--gate`` and one option per facet, each repeatable."""
    sp.add_argument("--stage", action="append", default=None, help="stage name or key (repeatable)")
    sp.add_argument("--gate", action="append", default=None, help="gate key or question (repeatable)")
    for facet, flag in FACET_FLAGS:
        sp.add_argument(flag, dest=facet, action="append", default=None, help=f"{facet} label or key (repeatable)")


def tag_selection(lib: Library, args: argparse.Namespace) -> TagSelection | None:
    """Tags named on the command line (None when none were given)."""
    taxonomy = lib.taxonomy.get()
    stages = [resolve_tag(taxonomy, "stage", s) for s in args.stage] if args.stage else None
    gates = [resolve_tag(taxonomy, "gate", g) for g in args.gate] if args.gate else None
    facets = {f: [resolve_tag(taxonomy, f, v) for v in getattr(args, f)]
              for f in FACETS if getattr(args, f, None)}
    if stages is None and gates is None and not facets:
        return None
    return TagSelection(stages, gates, facets or None)


def optional_tag(lib: Library, dimension: str, text: str | None) -> int | None:
    """The id of the tag named by an optional single-valued option."""
    return resolve_tag(lib.taxonomy.get(), dimension, text) if text else None


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date, or a clear error."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"'{text}' is not a date (use YYYY-MM-DD).") from exc


def parse_date_arg(text: str | None) -> date | None | Literal["keep"]:
    """'keep' when not given, None for 'none', else a date (clear error otherwise)."""
    if text is None:
        return "keep"
    if text.strip().lower() == "none":
        return None
    return parse_date(text)
