"""Every query the README teaches finds something in the demo library, as marketing sees it.

A reader who types the README's examples into the demo must not meet "0 results": the demo
carries an archived piece and an untagged draft for ``status:archived`` and ``gate:none``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from enablement.models.vocab import Status
from enablement.services.demo import create_demo_library
from enablement.services.library import Library

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_examples() -> list[str]:
    """The backticked queries of the README's "You type | It finds" table."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("| You type |"))
    examples: list[str] = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        examples += re.findall(r"`([^`]+)`", line.split("|")[1])
    return examples


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = create_demo_library(tmp_path_factory.mktemp("demo") / "library")
    yield library
    library.close()


def test_the_readme_table_is_read() -> None:
    examples = readme_examples()
    assert "gate:none" in examples and "status:archived" in examples and '"security review"' in examples
    assert len(examples) >= 20


@pytest.mark.parametrize("query", readme_examples())
def test_each_readme_example_finds_a_piece_in_the_demo(demo: Library, query: str) -> None:
    marketer = demo.users.actor("Priya Raman")
    found = demo.search.search(marketer, query, limit=5)
    assert found.results.total > 0, f"the README's example {query!r} finds nothing in the demo"


def test_the_demo_has_the_tagging_to_do_and_an_archived_piece_only_marketing_sees(demo: Library) -> None:
    untagged = demo.search.search(demo.users.actor("Priya Raman"), "gate:none persona:none stage:none")
    assert [p.status for p in untagged.pieces] == [Status.DRAFT]
    archived = demo.search.search(demo.users.actor("Priya Raman"), "status:archived")
    assert [p.status for p in archived.pieces] == [Status.ARCHIVED]
    rep = demo.users.actor("Sam Rivera")
    assert demo.search.search(rep, "status:archived").results.total == 0
    assert demo.search.search(rep, "fleet dispatch").results.total == 0
