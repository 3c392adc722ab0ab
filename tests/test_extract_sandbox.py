"""The sandbox: real files in workers; timeout, memory, crash and cancel are contained.

Misbehaviour comes from ``tests.filemaker_hooks:by_name`` (chosen by file-name prefix).
No test asserts wall-clock times; a guard only stops a broken cancel from hanging CI.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from enablement.config import ImportLimits
from enablement.extract import ExtractionPool, extract_file, memcap
from tests.filemaker_docs import make_docx, make_pdf, make_pptx

HOOK = "tests.filemaker_hooks:by_name"


def _text_file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(f"contents of {name}", encoding="utf-8")
    return path


def test_extract_file_in_a_worker(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", ["Discovery call checklist"], title="Checklist")
    result = extract_file(path, ImportLimits())
    assert (result.outcome, result.title) == ("ok", "Checklist")
    assert "Discovery call checklist" in result.text
    assert result.blocks[0].kind == "page"


@pytest.mark.parametrize("guard", [memcap.default_guard(), memcap.WATCHDOG])
def test_pool_mixed_files_and_misbehaving_parsers(tmp_path: Path, guard: str) -> None:
    limits = ImportLimits(memory_bytes=400 * 1024 * 1024)
    files = {
        "pdf": make_pdf(tmp_path / "a.pdf", ["Renewal playbook"]),
        "docx": make_docx(tmp_path / "b.docx", ["Security questionnaire answers"]),
        "pptx": make_pptx(tmp_path / "c.pptx", [("Roadmap", "Q3 launch")]),
        "crash": _text_file(tmp_path, "crash.txt"),
        "txt": _text_file(tmp_path, "after.txt"),
        "empty": tmp_path / "empty.pdf",
    }
    files["empty"].write_bytes(b"")
    if sys.platform.startswith("linux") or guard == memcap.WATCHDOG:
        files["hog"] = _text_file(tmp_path, "hog.txt")
    with ExtractionPool(limits, workers=2, parser_override=HOOK, memory_guard=guard) as pool:
        for key, path in files.items():
            pool.submit(key, path)
        results = dict(pool.results())
    assert set(results) == set(files)
    assert "Renewal playbook" in results["pdf"].text
    assert "Security questionnaire" in results["docx"].text
    assert "Q3 launch" in results["pptx"].text
    assert results["txt"].text == "contents of after.txt"
    assert (results["crash"].outcome, results["crash"].detail) == ("failed", "the reader crashed")
    assert results["crash"].file_type == "txt"  # sniffed by the parent for the piece
    assert (results["empty"].outcome, results["empty"].detail) == ("rejected", "empty file")
    if "hog" in results:
        assert (results["hog"].outcome, results["hog"].detail) == (
            "failed", "needed more than 400 MB of memory")


def test_timeout_kills_only_the_slow_file(tmp_path: Path) -> None:
    with ExtractionPool(ImportLimits(timeout_seconds=1), workers=1, parser_override=HOOK) as pool:
        pool.submit("slow", _text_file(tmp_path, "slow.txt"))
        pool.submit("next", _text_file(tmp_path, "next.txt"))
        results = dict(pool.results())
    assert (results["slow"].outcome, results["slow"].detail) == ("failed", "timed out after 1 s")
    assert results["next"].text == "contents of next.txt"


def test_a_waiting_job_gets_its_whole_time_limit(tmp_path: Path) -> None:
    """A worker holds its next file while it parses one; that file's time limit starts when the
    worker starts it, not when it was handed over."""
    with ExtractionPool(ImportLimits(timeout_seconds=2), workers=1, parser_override=HOOK) as pool:
        for index in range(2):
            pool.submit(index, _text_file(tmp_path, f"nap{index}.txt"))
        results = dict(pool.results())
    assert [results[i].text for i in range(2)] == ["contents of nap0.txt", "contents of nap1.txt"]


def test_breaking_out_early_keeps_the_other_results(tmp_path: Path) -> None:
    with ExtractionPool(ImportLimits(), workers=2) as pool:
        for index in range(4):
            pool.submit(index, _text_file(tmp_path, f"f{index}.txt"))
        first = next(iter(pool.results()))
        rest = list(pool.results())
    assert sorted([first[0]] + [key for key, _ in rest]) == [0, 1, 2, 3]


def test_workers_are_replaced_after_a_crash(tmp_path: Path) -> None:
    with ExtractionPool(ImportLimits(), workers=1, parser_override=HOOK) as pool:
        for index in range(3):
            pool.submit(f"crash{index}", _text_file(tmp_path, f"crash{index}.txt"))
            pool.submit(f"ok{index}", _text_file(tmp_path, f"ok{index}.txt"))
        results = dict(pool.results())
    assert all(results[f"crash{i}"].detail == "the reader crashed" for i in range(3))
    assert all(results[f"ok{i}"].outcome == "ok" for i in range(3))


def test_cancel_inside_the_loop(tmp_path: Path) -> None:
    with ExtractionPool(ImportLimits(), workers=2, parser_override=HOOK) as pool:
        pool.submit("fast", _text_file(tmp_path, "fast.txt"))
        for index in range(4):
            pool.submit(f"slow{index}", _text_file(tmp_path, f"slow{index}.txt"))
        seen, left = [], ()
        for key, _ in pool.results():
            seen.append(key)
            left = pool.cancel()
        assert seen == ["fast"]
        assert sorted(left) == [f"slow{i}" for i in range(4)]
        # The pool is usable again after a cancel.
        pool.submit("again", _text_file(tmp_path, "again.txt"))
        assert [key for key, _ in pool.results()] == ["again"]


def test_cancel_from_another_thread(tmp_path: Path) -> None:
    pool = ExtractionPool(ImportLimits(), workers=2, parser_override=HOOK)
    for index in range(3):
        pool.submit(index, _text_file(tmp_path, f"slow{index}.txt"))
    collected: list[object] = []
    loop = threading.Thread(target=lambda: collected.extend(pool.results()))
    loop.start()
    loop.join(0.5)  # let the workers start on the slow files
    left = pool.cancel()
    loop.join(20)  # a guard against a hang, not a timing assertion
    try:
        assert not loop.is_alive()
        assert collected == [] and sorted(left) == [0, 1, 2]
    finally:
        pool.close()


def test_many_submits_before_iterating(tmp_path: Path) -> None:
    path = _text_file(tmp_path, "same.txt")
    with ExtractionPool(ImportLimits(), workers=2) as pool:
        for index in range(20_000):  # more wake-ups than a pipe buffer holds
            pool.submit(index, path)
        left = pool.cancel()
    assert len(left) == 20_000


def test_closed_pool_refuses_work(tmp_path: Path) -> None:
    pool = ExtractionPool(ImportLimits(), workers=1)
    pool.close()
    with pytest.raises(RuntimeError):
        pool.submit("x", tmp_path / "x.txt")
