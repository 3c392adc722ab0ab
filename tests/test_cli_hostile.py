"""No ordinary input reaches "unexpected error": every command, driven with hostile values.

A property-based test (hypothesis) builds command lines for every registered command from
its own argparse definition, filling arguments with huge and negative numbers, NaN, bytes
that are not UTF-8, control and bidi characters, missing and special paths; each run must
end with exit code 0-3 and, when it fails, exactly one line on stderr. The cases the
issue listed are pinned as plain tests beside it. ``demo`` is left out (it builds a whole
library, minutes per example); it has no argument to be hostile with.
"""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enablement.cli import main
from enablement.cli.entry import build_parser, command_line_float, command_line_int
from tests.filemaker_docs import make_pdf

NUMBERS = ["0", "-1", "1", "99999999999999999999999999", "-99999999999999999999999999", "9223372036854775808",
           "nan", "inf", "-inf", "1e309", "3.5", "0x10", "", " "]
TEXTS = ["", " ", "-", "x", "\udcff\udcfe", "bad\udcffutf8", "unicode-\u202egnp.pdf", "a\nb", "\x1b[31mred",
         "99999999999d", "-5d", "12w", "2024-13-45", "2024-02-30", "none", "'; DROP TABLE pieces; --", "tok*",
         "stage: pricing", "nosuchfield:x", "%s%n", "{0}", "é" * 300, "Évaluation", "NaN"]
SKIPPED = {"demo"}


def leaf_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every runnable command line prefix (``("taxonomy", "export")``...) and its parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: dict[tuple[str, ...], argparse.ArgumentParser] = {}
            for name, sub in action.choices.items():
                found.update(leaf_commands(sub, prefix + (name,)))
            return found
    return {prefix: parser}


COMMANDS = {k: v for k, v in leaf_commands(build_parser()).items() if k[0] not in SKIPPED}


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A library with a few pieces, and paths of every awkward kind."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)  # relative names ("-", "") land here, never in the checkout
    root = tmp_path / "lib"
    assert main(["--library", str(root), "init", "--admin", "Ada"]) == 0
    docs = tmp_path / "docs"
    docs.mkdir()
    make_pdf(docs / "guide.pdf", ["Pricing guide"])
    (docs / "unicode-\u202egnp.pdf").write_bytes((docs / "guide.pdf").read_bytes() + b"\n% another copy\n")
    assert main(["--library", str(root), "import", str(docs)]) == 0
    folder = tmp_path / "folder"
    folder.mkdir()
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(stat.S_IRUSR | stat.S_IXUSR)
    # Never an absolute path that a command could create or change: the tests may run as root.
    paths = ["/dev/null", str(tmp_path / "missing" / "dir" / "x.xlsx"), "/proc/version", str(docs / "guide.pdf"), str(folder),
             str(folder / "new.zip"), str(readonly / "x.pdf"), str(readonly), str(root), str(root / "library.db"),
             "", "-", "unicode-\u202egnp.pdf", "bad\udcffname.pdf"]
    return {"root": root, "paths": paths}


def value_for(action: argparse.Action, paths: list[str]) -> st.SearchStrategy[str]:
    if action.choices:
        return st.sampled_from([*map(str, action.choices), *TEXTS[:6]])
    if action.type in (command_line_int, command_line_float):
        return st.sampled_from(NUMBERS) | st.integers(-(2 ** 70), 2 ** 70).map(str)
    if action.type is Path or action.dest in ("xlsx", "pdf", "file", "target", "archive"):
        return st.sampled_from(paths)
    return st.sampled_from(TEXTS) | st.text(max_size=20)


@st.composite
def command_lines(draw: st.DrawFn, paths: list[str]) -> list[str]:
    prefix = draw(st.sampled_from(sorted(COMMANDS)))
    parser = COMMANDS[prefix]
    argv = list(prefix)
    for action in parser._actions:
        if action.dest == "help":
            continue
        if action.option_strings:
            if not draw(st.booleans()):
                continue
            argv.append(action.option_strings[0])
            if action.nargs == 0:
                continue
            argv.append(draw(value_for(action, paths)))
        else:
            count = draw(st.integers(1, 2)) if action.nargs in ("+", "*") else (
                draw(st.integers(0, 1)) if action.nargs == "?" else 1)
            argv += [draw(value_for(action, paths)) for _ in range(count)]
    return argv


def run(root: Path, argv: list[str], capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    try:
        code = main(["--library", str(root), *argv])
    except SystemExit as exc:  # argparse: --help, or a usage mistake
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_clean(code: int, err: str, argv: list[str]) -> None:
    shown = [a.encode("utf-8", "backslashreplace").decode() for a in argv]
    assert code in (0, 1, 2, 3), (shown, code, err)
    assert "unexpected error" not in err, (shown, err)
    if code != 0:
        assert len(err.strip().splitlines()) == 1, (shown, err)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_command_with_hostile_values_ends_in_a_clear_outcome(world, capsys, data):  # type: ignore[no-untyped-def]
    argv = data.draw(command_lines(world["paths"]))  # type: ignore[arg-type]
    code, _, err = run(world["root"], argv, capsys)  # type: ignore[arg-type]
    assert_clean(code, err, argv)


ISSUE_CASES = [
    (["show", "99999999999999999999999999"], 2, "too large"),
    (["publish", "99999999999999999999999999"], 2, "too large"),
    (["show", "99999"], 1, "99999"),
    (["report", "used", "--since", "99999999999d"], 1, "further than the calendar"),
    (["report", "hours-saved", "--hours-per-piece", "nan"], 2, "not a finite number"),
    (["report", "used", "--xlsx", "{missing}/x.xlsx"], 1, "No such file or directory"),
    (["backup", "/proc/version"], 1, "existing file"),
    (["search", "bad\udcffutf8"], 2, "query is not valid UTF-8"),
    (["--user", "bad\udcffutf8", "list"], 2, "user is not valid UTF-8"),
    (["import", "--link", "https://example.com", "--title", "bad\udcff"], 2, "title is not valid UTF-8"),
    (["import", "/dev/null"], 1, "not a regular file"),
]


@pytest.mark.parametrize("argv, code, words", ISSUE_CASES, ids=[" ".join(c[0])[:40] for c in ISSUE_CASES])
def test_the_cases_found_by_hand_are_one_line_messages(world, capsys, argv, code, words):  # type: ignore[no-untyped-def]
    argv = [a.replace("{missing}", str(world["root"]) + "/missing/dir") for a in argv]
    got, _, err = run(world["root"], argv, capsys)  # type: ignore[arg-type]
    assert got == code and words in err and len(err.strip().splitlines()) == 1, (got, err)


def test_a_command_on_a_folder_with_no_library_does_not_create_one(world, tmp_path, capsys):  # type: ignore[no-untyped-def]
    code, _, err = run(tmp_path / "new-place", ["list"], capsys)
    assert code == 1 and "No library in" in err and "enablement init" in err
    assert not (tmp_path / "new-place").exists()


def test_titles_and_names_are_printed_escaped(world, capsys):  # type: ignore[no-untyped-def]
    import json

    root = world["root"]
    code, out, _ = run(root, ["list", "--json"], capsys)  # type: ignore[arg-type]
    listed = json.loads(out)
    spoofed = next(p["id"] for p in listed if "\u202e" in p["title"])
    plain = next(p["id"] for p in listed if p["id"] != spoofed)
    code, out, _ = run(root, ["show", str(spoofed)], capsys)  # type: ignore[arg-type]
    assert code == 0 and "unicode-\\u202egnp.pdf" in out and "\u202e" not in out
    assert run(root, ["tag", str(plain), "--title", "Line one\nFAKE ROW 99\u202e"], capsys)[0] == 0  # type: ignore[arg-type]
    code, out, _ = run(root, ["list"], capsys)  # type: ignore[arg-type]
    assert code == 0 and "Line one\\nFAKE ROW 99\\u202e" in out and "\u202e" not in out
    assert len(out.strip().splitlines()) == 3  # two pieces and the count: no row was split
    code, out, _ = run(root, ["show", str(plain), "--json"], capsys)  # type: ignore[arg-type]
    assert json.loads(out)["summary"]["title"] == "Line one\nFAKE ROW 99\u202e"  # JSON stays exact


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions, so nothing is read-only to it")
def test_a_read_only_library_still_answers_reads(world, capsys):  # type: ignore[no-untyped-def]
    root: Path = world["root"]  # type: ignore[assignment]
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        for argv in (["list"], ["search", "pricing"], ["show", "1"], ["check", "--quick"]):
            code, _, err = run(root, argv, capsys)
            assert_clean(code, err, argv)
    finally:
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
