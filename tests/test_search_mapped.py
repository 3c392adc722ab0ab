"""An open tantivy index maps its files for random access (Linux), and asks for read-ahead
only while it reads every document in order.

With the system's default read-around, a cold first search at 100k pieces read 250 MB from
disk (8 MB around every page it touched); mapped for random access it reads 71 MB
(``enablement.search.mapped``)."""

from __future__ import annotations

import sys

import pytest

from enablement.search import SearchRequest, mapped, open_backend
from tests.test_search_engines import DOCS, TODAY, VOCAB

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/smaps is Linux's")


def _advice(folder) -> list[set[str]]:  # type: ignore[no-untyped-def]
    """The read-ahead flags ("rr" random, "sr" sequential) of each mapping of a file in ``folder``."""
    found: list[set[str]] = []
    inside = False
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            first = line.split(maxsplit=5)
            if len(first) >= 5 and "-" in first[0] and ":" not in first[0]:
                inside = len(first) == 6 and first[5].strip().startswith(str(folder) + "/")
            elif inside and line.startswith("VmFlags:"):
                found.append({f for f in line.split()[1:] if f in ("rr", "sr")})
    return found


def test_a_searching_reader_maps_its_files_for_random_access_and_a_full_read_in_order(tmp_path):
    backend = open_backend(tmp_path / "index", engine="tantivy", idle_seconds=None)
    backend.rebuild(DOCS)
    assert backend.search(SearchRequest(text="security", today=TODAY), VOCAB).total > 0
    folder = tmp_path / "index" / backend._handle.folder.name
    flags = _advice(folder)
    assert flags and all(f == {"rr"} for f in flags)
    with mapped.reading_in_order(folder):
        assert all(f == {"sr"} for f in _advice(folder))
    assert all(f == {"rr"} for f in _advice(folder))
    assert len(backend.stamps()) == len(DOCS)  # reads every document in order, then back
    assert all(f == {"rr"} for f in _advice(folder))
    backend.close()
