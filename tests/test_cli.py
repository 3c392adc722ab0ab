"""The command line: every command over a real library, one-line errors, --json."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from enablement.cli import main
from tests.filemaker_docs import make_docx, make_pdf, make_pptx


def test_import_list_show_tag_publish_search(cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_pdf(docs / "security.pdf", ["Security review: SOC 2 report and encryption"], title="Security Whitepaper")
    make_docx(docs / "roi.docx", ["Return on investment in nine months"], title="ROI Guide")
    make_pptx(docs / "deck.pptx", [("Executive overview", "Why now")])
    (docs / "empty.pdf").write_bytes(b"")
    code, out, _ = cli("import", str(docs), "--stage", "evaluation", "--type", "Whitepaper")
    assert code == 3  # something was rejected
    assert "rejected" in out and "empty file" in out and "Summary: 3 imported, 1 rejected" in out
    code, out, _ = cli("list", "--json")
    listed = json.loads(out)
    assert code == 0 and sorted(p["title"] for p in listed) == ["Deck", "ROI Guide", "Security Whitepaper"]
    sec = next(p for p in listed if p["title"] == "Security Whitepaper")
    assert [t["label"] for t in sec["tags"] if t["dimension"] == "stage"] == ["Evaluation"]
    assert cli("tag", str(sec["id"]), "--gate", "security-ok", "--owner", "Priya", "--review-by", "2030-01-01")[0] == 0
    assert cli("publish", str(sec["id"]))[1].startswith("Published piece")
    code, out, _ = cli("show", str(sec["id"]))
    assert "Does it pass our security and compliance review?" in out and "Priya" in out
    code, out, _ = cli("search", "soc 2", "--json")
    found = json.loads(out)
    assert code == 0 and found["total"] == 1 and found["hits"][0]["piece"]["title"] == "Security Whitepaper"
    code, out, _ = cli("search", "stage:")
    assert code == 0 and "hint:" in out


def test_errors_are_one_line_never_a_traceback(cli, tmp_path):
    for args, fragment in ((["show", "999"], "No piece with id 999"),
                           (["import", str(tmp_path / "nope")], "No such file or folder"),
                           (["tag", "1", "--stage", "Nirvana"], "No stage called 'Nirvana'"),
                           (["--user", "Ghost", "list"], "No user called 'Ghost'"),
                           (["taxonomy", "import", str(tmp_path / "missing.json")], "Cannot read taxonomy file")):
        code, out, err = cli(*args)
        assert code == 1, args
        assert err.count("\n") == 1 and fragment in err and "Traceback" not in err, err


def test_roles_are_enforced_on_the_command_line(cli, tmp_path):
    assert cli("users", "add", "Rita", "--role", "rep")[0] == 0
    make_pdf(tmp_path / "a.pdf", ["text"])
    code, _, err = cli("--user", "Rita", "import", str(tmp_path / "a.pdf"))
    assert code == 1 and "Rita (rep) may not import files" in err


def test_taxonomy_check_backup_restore_reindex_and_usage(cli, tmp_path):
    make_pdf(tmp_path / "a.pdf", ["Onboarding checklist"], title="Onboarding")
    cli("import", str(tmp_path / "a.pdf"))
    assert cli("taxonomy", "export", str(tmp_path / "t.json"))[0] == 0
    assert cli("taxonomy", "import", str(tmp_path / "t.json"))[1].startswith("Taxonomy merged: 0 added")
    code, out, _ = cli("check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    assert cli("reindex")[1].startswith("Search index rebuilt: 1 piece (")
    assert cli("users", "add", "Rita", "--role", "rep")[0] == 0
    assert cli("publish", "1")[0] == 1  # untagged: refused
    cli("tag", "1", "--gate", "security-ok", "--owner", "Priya", "--review-by", "2030-01-01")
    assert cli("publish", "1")[0] == 0
    event = "7c1c8a5e-5b0b-4bd0-9a53-0f2f3c0e9d11"
    assert "Recorded" in cli("--user", "Rita", "log-use", "1", "sent", "--account", "Acme", "--event-id", event)[1]
    assert "nothing stored twice" in cli("--user", "Rita", "log-use", "1", "sent", "--event-id", event)[1]
    code, out, _ = cli("--user", "Rita", "kit", "create", "Acme call", "--account", "Acme")
    assert cli("--user", "Rita", "kit", "add", "1", "1")[0] == 0
    code, out, _ = cli("--user", "Rita", "kit", "export", "1", str(tmp_path / "kits"))
    assert code == 0 and "Merged PDF" in out and "2 pages" in out
    code, out, _ = cli("--user", "Rita", "request", "create", "Reference video", "--gate", "advocate")
    assert code == 0 and "Request 1 filed" in out
    assert cli("request", "fulfil", "1", "1")[0] == 0
    code, out, _ = cli("request", "list", "--json")
    assert json.loads(out)[0]["status"] == "fulfilled"
    code, out, _ = cli("backup", str(tmp_path / "b.zip"))
    assert code == 0 and (tmp_path / "b.zip").exists()
    root2 = tmp_path / "lib2"
    assert main(["--library", str(root2), "restore", str(tmp_path / "b.zip")]) == 0


def _count_pieces(root: Path) -> int:
    import sqlite3

    con = sqlite3.connect(root / "library.db")
    try:
        return con.execute("select count(*) from pieces").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_mid_import_leaves_a_consistent_library_and_a_rerun_completes(tmp_path):
    docs = tmp_path / "share"
    docs.mkdir()
    for n in range(200):
        make_pdf(docs / f"doc{n:03d}.pdf", [f"Collateral number {n} about workflow automation",
                                              f"Second page of piece {n}"])
    root = tmp_path / "lib"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    cmd = [sys.executable, "-m", "enablement", "--library", str(root)]
    subprocess.run([*cmd, "init", "--admin", "Ada"], check=True, env=env, capture_output=True)
    proc = subprocess.Popen([*cmd, "import", str(docs)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while _count_pieces(root) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the importer and its extraction workers
    proc.wait()
    partial = _count_pieces(root)
    assert 20 <= partial < 200
    check = subprocess.run([*cmd, "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Library is consistent." in check.stdout
    rerun = subprocess.run([*cmd, "import", str(docs), "--json"], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    outcomes = [o["outcome"] for o in json.loads(rerun.stdout)["outcomes"]]
    assert outcomes.count("duplicate") == partial and outcomes.count("ok") == 200 - partial
    assert _count_pieces(root) == 200
    final = subprocess.run([*cmd, "check"], env=env, capture_output=True, text=True)
    assert final.returncode == 0 and "200 pieces" in final.stdout
    # The index (written in batches beside the import) holds every piece exactly once.
    found = subprocess.run([*cmd, "search", "workflow automation", "--json"], env=env, capture_output=True,
                           text=True)
    assert found.returncode == 0 and json.loads(found.stdout)["total"] == 200, found.stdout[-500:]


def _import_two(cli, tmp_path: Path) -> list[int]:
    make_pdf(tmp_path / "a.pdf", ["Pricing sheet for the evaluation"], title="Pricing")
    make_docx(tmp_path / "b.docx", ["Reference customer story"], title="Reference")
    assert cli("import", str(tmp_path / "a.pdf"), str(tmp_path / "b.docx"))[0] == 0
    return sorted(p["id"] for p in json.loads(cli("list", "--json")[1]))


def test_tag_takes_several_pieces_and_search_finds_them(cli, tmp_path):
    ids = _import_two(cli, tmp_path)
    code, out, _ = cli("tag", *map(str, ids), "--stage", "evaluation")
    assert code == 0 and out.strip() == f"Updated 2 pieces: {ids[0]}, {ids[1]}."
    found = json.loads(cli("search", "stage:evaluation", "--json")[1])
    assert sorted(h["piece"]["id"] for h in found["hits"]) == ids
    # --add keeps what a piece has; without it the named dimension is replaced.
    assert cli("tag", str(ids[0]), "--stage", "decision", "--add")[0] == 0
    assert cli("tag", *map(str, ids), "--gate", "security-ok", "--add")[0] == 0
    shown = {i: json.loads(cli("show", str(i), "--json")[1])["summary"] for i in ids}
    stages = {i: sorted(t["label"] for t in s["tags"] if t["dimension"] == "stage") for i, s in shown.items()}
    assert stages == {ids[0]: ["Decision", "Evaluation"], ids[1]: ["Evaluation"]}
    gates = [[t["label"] for t in s["tags"] if t["dimension"] == "gate"] for s in shown.values()]
    assert gates == [["Does it pass our security and compliance review?"]] * 2
    assert cli("tag", str(ids[0]), "--stage", "decision")[0] == 0
    found = json.loads(cli("search", "stage:evaluation", "--json")[1])
    assert [h["piece"]["id"] for h in found["hits"]] == [ids[1]]


def test_bulk_tag_errors_are_one_line_and_change_nothing(cli, tmp_path):
    ids = _import_two(cli, tmp_path)
    for args, fragment in ((["tag", *map(str, ids), "--owner", "Priya"], "change one piece: give one id"),
                           (["tag", str(ids[0]), "999", "--stage", "evaluation"], "No piece with id 999"),
                           (["tag", *map(str, ids)], "Nothing to change")):
        code, _, err = cli(*args)
        assert code == 1 and err.count("\n") == 1 and fragment in err and "Traceback" not in err, err
    found = json.loads(cli("search", "stage:evaluation", "--json")[1])
    assert found["total"] == 0  # the failed bulk tag left piece ids[0] as it was, too


def test_bulk_tag_is_searchable_in_the_same_library_without_a_reindex(cli, tmp_path, capsys):
    """The app's process life: one open library, `tag 1 2 --stage evaluation` then
    `search 'stage:evaluation' --json` through the same command handlers, no reopen, no reindex."""
    from enablement.cli.entry import build_parser
    from enablement.cli.registry import HANDLER
    from enablement.services.library import Library

    ids = _import_two(cli, tmp_path)

    def run(lib: Library, *argv: str) -> str:
        args = build_parser().parse_args(list(argv))
        assert getattr(args, HANDLER).run(args, lib, lib.users.default_actor()) == 0
        return capsys.readouterr().out

    with Library.open(tmp_path / "lib") as lib:
        assert json.loads(run(lib, "search", "stage:evaluation", "--json"))["total"] == 0
        run(lib, "tag", *map(str, ids), "--stage", "evaluation")
        found = json.loads(run(lib, "search", "stage:evaluation", "--json"))
        assert sorted(h["piece"]["id"] for h in found["hits"]) == ids
