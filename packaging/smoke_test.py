"""Smoke test of an installed Enablement: a wheel in a fresh venv or a frozen bundle.

    python packaging/smoke_test.py --cli PATH/enablement --app PATH/enablement-app \
        [--old-library DIR] [--work DIR] [--quick]

Runs the installed commands as a rep's machine would, with no source tree on the path:
the demo library, an import of normal and hostile files through the sandboxed workers
(one of them grows past the workers' memory cap), a search, ``check``, the app opening
offscreen (it paints its window, then leaves), and, given ``--old-library`` (a library
at the first schema, see ``packaging/old_library.py``), a schema upgrade.

Standard library only: it runs on the CI runners of every OS before anything is installed.
Prints one line per step and exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WORD = "quillfeather"  # a word that no demo piece contains
# The workers' memory cap for the run, and text limits under which a small file fits in it
# (reading reserves 4 bytes a character) while a 78 MB text file, read, decoded and split
# into millions of short paragraphs in the worker, goes well past it (by address space, commit or RSS).
MEMORY_CAP_MB = 256
MAX_TEXT_CHARS = 20_000_000
HOG_BYTES = 78 * 1000 * 1000


class SmokeFailure(Exception):
    pass


def minimal_pdf(text: str, title: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (cross-reference offsets computed)."""
    content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) >>".encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
}


def minimal_docx(path: Path, text: str, extra: dict[str, bytes] | None = None) -> None:
    """A Word document with one paragraph (plus ``extra`` members, e.g. a bomb)."""
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in _DOCX_PARTS.items():
            zf.writestr(name, body)
        zf.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)


def make_files(folder: Path) -> dict[str, str]:
    """Normal and hostile files; returns file name → the outcome expected (a regex)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = minimal_pdf(f"Renewal {WORD} checklist", "Renewal checklist")
    (folder / "renewal-checklist.pdf").write_bytes(pdf)
    minimal_docx(folder / "discovery-notes.docx", f"Discovery notes {WORD} for the buyer")
    (folder / "talk-track.md").write_text(f"# Talk track\n\nOpening lines with {WORD}.\n", encoding="utf-8")
    (folder / "cut-short.pdf").write_bytes(pdf[: len(pdf) // 2])
    (folder / "not-really.pdf").write_bytes(b"MZ\x90\x00" + os.urandom(4096))
    (folder / "empty.docx").write_bytes(b"")
    minimal_docx(folder / "bomb.docx", "bomb", {"word/media/zeros.bin": bytes(64 * 1024 * 1024)})
    with open(folder / "memory-hog.txt", "w", encoding="ascii") as fh:
        line = "pricing renewal words for the buyer\n\n" * 1000  # millions of short paragraphs
        for _ in range(HOG_BYTES // len(line) + 1):
            fh.write(line)
    return {
        "renewal-checklist.pdf": "ok",
        "discovery-notes.docx": "ok",
        "talk-track.md": "ok",
        "cut-short.pdf": "failed|rejected",
        "not-really.pdf": "failed|rejected",
        "empty.docx": "failed|rejected",
        "bomb.docx": "failed|rejected",
        "memory-hog.txt": "failed",
    }


class Smoke:
    def __init__(self, cli: Path, app: Path, work: Path) -> None:
        self.cli, self.app, self.work = cli, app, work
        self.stdout = ""
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        # Keep the user's own folders out of it: state and data go under the work folder.
        self.env.update({"XDG_STATE_HOME": str(work / "state"), "XDG_DATA_HOME": str(work / "data"),
                         "XDG_CONFIG_HOME": str(work / "config"), "QT_QPA_PLATFORM": "offscreen",
                         "PYTHONIOENCODING": "utf-8"})

    def run(self, exe: Path, *args: str, ok: tuple[int, ...] = (0,), timeout: float = 600,
            env: dict[str, str] | None = None) -> str:
        started = time.monotonic()
        proc = subprocess.run([str(exe), *args], capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, env=env or self.env, cwd=self.work)
        output = proc.stdout + proc.stderr
        self.stdout = proc.stdout
        shown = " ".join([exe.name, *args])
        if proc.returncode not in ok or "Traceback" in output or "unexpected error" in output:
            raise SmokeFailure(f"{shown} exited {proc.returncode}:\n{output[-4000:]}")
        print(f"ok   {shown}  ({time.monotonic() - started:.1f} s)", flush=True)
        return output

    def library_run(self, library: Path, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        return self.run(self.cli, "--library", str(library), *args, ok=ok)

    def demo_import_search_check(self, quick: bool = False) -> None:
        library = self.work / "library"
        if quick:  # an installed copy of a bundle already checked in full: skip the demo
            self.library_run(library, "init", "--admin", "Avery Admin")
        else:
            out = self.library_run(library, "demo")
            expect("Demo library ready" in out, "demo did not report a ready library", out)
        # A low memory cap, so that one file is stopped by it (the workers are capped).
        (library / "settings.json").write_text(json.dumps(
            {"limits": {"memory_bytes": MEMORY_CAP_MB * 1024 * 1024, "max_text_chars": MAX_TEXT_CHARS}}),
            encoding="utf-8")
        expected = make_files(self.work / "incoming")
        out = self.library_run(library, "import", "--json", str(self.work / "incoming"), ok=(0, 3))
        try:
            outcomes = {Path(o["path"]).name: (o["outcome"], o["detail"] or "")
                        for o in json.loads(self.stdout)["outcomes"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise SmokeFailure(f"import --json printed no outcomes ({exc}):\n{out[-4000:]}") from exc
        for name, pattern in expected.items():
            status, detail = outcomes.get(name, ("(missing)", ""))
            expect(re.fullmatch(pattern, status) is not None, f"{name}: {status} {detail}, expected /{pattern}/", out)
        hog_detail = outcomes["memory-hog.txt"][1]
        expect(f"needed more than {MEMORY_CAP_MB} MB of memory" in hog_detail,
               f"the memory cap did not stop memory-hog.txt ({hog_detail})", out)
        print(f"     outcomes: {json.dumps(outcomes)}", flush=True)
        out = self.library_run(library, "search", WORD)
        for title in ("Renewal checklist", "Discovery notes", "Talk track"):
            expect(title.lower() in out.lower(), f"search {WORD} did not find {title!r}", out)
        out = self.library_run(library, "check")
        expect("consistent" in out, "check did not report a consistent library", out)
        self.open_app(library)

    def open_app(self, library: Path) -> None:
        env = dict(self.env, ENABLEMENT_REPORT_STARTUP="1", ENABLEMENT_STARTUP_EXIT_MS="500")
        out = self.run(self.app, "--library", str(library), "--user", "Avery Admin", env=env, timeout=180)
        # A windowed Windows executable has no stderr to print on; there, leaving on its own
        # with exit 0 is the proof (the probe only quits the app after the first paint).
        if not (os.name == "nt" and not out.strip()):
            expect("ENABLEMENT_STARTUP painted" in out, "the app did not paint its window", out)

    def upgrade(self, old: Path) -> None:
        library = self.work / "old-library"
        shutil.copytree(old, library)
        out = self.library_run(library, "check")
        expect("consistent" in out, "check after the upgrade did not pass", out)
        schema = re.search(r"schema (\S+?);", out)
        backups = sorted(p.name for p in (library / "backups").glob("before-upgrade-*"))
        expect(schema is not None and bool(backups), "no schema upgrade happened (no backup before it)", out)
        print(f"     upgraded to schema {schema.group(1) if schema else '?'}; kept {backups[0]}", flush=True)
        self.open_app(library)


def expect(condition: bool, message: str, output: str = "") -> None:
    if not condition:
        raise SmokeFailure(message + ("\n--- output ---\n" + output[-4000:] if output else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", type=Path, required=True, help="the installed enablement command")
    parser.add_argument("--app", type=Path, required=True, help="the installed enablement-app command")
    parser.add_argument("--old-library", type=Path, help="a library at the first schema, to upgrade")
    parser.add_argument("--work", type=Path, help="a scratch folder (default: a temporary one)")
    parser.add_argument("--quick", action="store_true", help="a new empty library instead of the demo")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="enablement-smoke-"))
    work.mkdir(parents=True, exist_ok=True)
    smoke = Smoke(args.cli.absolute(), args.app.absolute(), work.absolute())
    try:
        smoke.demo_import_search_check(quick=args.quick)
        if args.old_library:
            smoke.upgrade(args.old_library.absolute())
    except (SmokeFailure, subprocess.TimeoutExpired, OSError) as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
