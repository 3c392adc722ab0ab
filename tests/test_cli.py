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


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = tmp_path / "lib"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--library", str(root), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    assert run("init", "--admin", "Ada")[0] == 0
    return run


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
    assert cli("reindex")[1].startswith("Search index rebuilt: 1 pieces")
    assert cli("users", "add", "Rita", "--role", "rep")[0] == 0
    cli("publish", "1")
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
