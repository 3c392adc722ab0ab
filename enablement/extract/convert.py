"""Word, PowerPoint and Excel files drawn as PDF by an office renderer (LibreOffice), sandboxed.

The renderer is an untrusted-input parser like any other: every run gets a time limit and a
memory cap, and a run past either is killed with everything it started.

- One run per file, in a private folder holding a copy of the file under a plain name and a
  private LibreOffice profile (``-env:UserInstallation``), so runs never share state, never
  touch the user's own office settings, and two runs never wait on each other's profile lock.
- Its own session (``start_new_session``): ``soffice`` starts ``oosplash`` which starts
  ``soffice.bin``; a kill goes to the whole process group.
- Time: ``limits.render_timeout_seconds`` of wall clock (a cold start alone takes seconds).
- Memory: the resident memory of the run's processes (the renderer and what it started),
  sampled by ``memcap``'s watchdog, against ``limits.memory_bytes`` (an address-space cap
  breaks LibreOffice at start). The sample reads only those processes' entries in /proc, never
  every process on the machine: the watchdog is a thread of the app, and a walk over all of
  /proc every 50 ms took the interpreter lock from the window for ~2 ms each time.
- CPU: the renderer runs at a lower priority (``nice``), so on a machine whose cores it keeps
  busy the app's window still gets a core first (a drawing in the background may wait; a
  keystroke should not).
- What comes back is checked: one PDF, starting ``%PDF-``, at most ``limits.max_file_bytes``.

``office`` names the renderer's command; tests pass a script that hangs, crashes or lies.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract import memcap
from enablement.models.vocab import RENDERED_TYPES

COMMANDS = ("soffice", "libreoffice")
# The environment may name the renderer for every library on this machine, or say "none".
OFFICE_ENV = "ENABLEMENT_OFFICE"
_POLL_SECONDS = 0.05
BACKGROUND_NICENESS = 10  # how much lower than the app the renderer runs (POSIX ``nice``)


@dataclass(frozen=True)
class Converted:
    """A run's outcome: ``pdf`` (a file in the run's folder, the caller moves it) or ``problem``."""

    pdf: Path | None
    problem: str = ""


def find_office(explicit: str = "") -> str | None:
    """The renderer's command: ``explicit`` (a setting) when given, else $ENABLEMENT_OFFICE
    ("none": no renderer), else ``soffice`` or ``libreoffice`` found on PATH; None when there
    is none (previews then fall back)."""
    if not explicit:
        explicit = os.environ.get(OFFICE_ENV, "").strip()
        if explicit.lower() == "none":
            return None
    if explicit:
        return shutil.which(explicit) or (explicit if os.access(explicit, os.X_OK) else None)
    for name in COMMANDS:
        found = shutil.which(name)
        if found:
            return found
    return None


def office_version(office: str, timeout: float = 30.0) -> str:
    """``LibreOffice 7.4.7.2`` (what ``--version`` says, first words), or the command's name."""
    with tempfile.TemporaryDirectory(prefix="enablement-office-") as tmp:
        try:
            out = subprocess.run([office, f"-env:UserInstallation={Path(tmp).as_uri()}", "--version"],
                                 capture_output=True, text=True, timeout=timeout, start_new_session=True)
            words = out.stdout.split()
        except (OSError, subprocess.SubprocessError):
            words = []
    return " ".join(words[:2])[:120] if words else Path(office).name[:120]


def convert_to_pdf(source: Path, file_type: str, work: Path, limits: ImportLimits, office: str) -> Converted:
    """Draw ``source`` (a ``file_type`` document) as a PDF inside ``work`` (an empty private
    folder the caller removes), under the limits."""
    if file_type not in RENDERED_TYPES:
        return Converted(None, f"a {file_type.upper() or 'file'} is not drawn as pages")
    work = Path(work).resolve()  # the profile is named by a file URI: an absolute path
    document = work / f"document.{file_type}"  # a plain name: the original's name is never a path here
    out = work / "out"
    profile = work / "profile"
    home = work / "home"
    for folder in (out, profile, home):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, document)
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "TZ")}
    env.update(HOME=str(home), TMPDIR=str(home), SAL_USE_VCLPLUGIN="svp")
    command = [*background_priority(), office, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck", "--convert-to", "pdf",
               "--outdir", str(out), str(document)]
    try:
        process = subprocess.Popen(command, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        return Converted(None, f"the office renderer did not start ({exc.strerror or exc})")
    problem = _wait(process, limits)
    if problem:
        return Converted(None, problem)
    return _checked(out / "document.pdf", process.returncode, limits)


def background_priority() -> list[str]:
    """The words that start a command at a lower CPU priority: ``nice -n 10`` (it replaces
    itself with the command, so the run's process is still the one started), or none where
    there is no ``nice``."""
    nice = shutil.which("nice")
    return [nice, "-n", str(BACKGROUND_NICENESS)] if nice else []


def _wait(process: subprocess.Popen[bytes], limits: ImportLimits) -> str:
    """Wait for the run; kill its process group past the time limit or the memory cap."""
    over_memory = threading.Event()

    def kill(_key: object, _pid: int) -> None:
        over_memory.set()
        _kill_group(process)

    watchdog = None
    if limits.memory_bytes:
        watchdog = memcap.RssWatchdog(limits.memory_bytes, lambda: _run_members(process.pid), kill)
        watchdog.start()
    deadline = time.monotonic() + limits.render_timeout_seconds
    try:
        while process.poll() is None:
            if time.monotonic() >= deadline:
                _kill_group(process)
                return f"the office renderer timed out after {limits.render_timeout_seconds:g} s"
            time.sleep(_POLL_SECONDS)
    finally:
        if watchdog is not None:
            watchdog.stop()
        _kill_group(process)  # whatever the run left behind in its group goes too
        process.wait()
        _gone(process.pid)
    if over_memory.is_set():
        return f"the office renderer needed more than {limits.memory_bytes // (1024 * 1024):,} MB of memory"
    return ""


def _checked(pdf: Path, returncode: int | None, limits: ImportLimits) -> Converted:
    if not pdf.is_file():
        if returncode is not None and returncode < 0:
            return Converted(None, f"the office renderer crashed (signal {-returncode})")
        return Converted(None, "the office renderer could not read the file")
    size = pdf.stat().st_size
    if size > limits.max_file_bytes:
        return Converted(None, "the office renderer made a PDF larger than the file size limit")
    with open(pdf, "rb") as handle:
        if not handle.read(5) == b"%PDF-":
            return Converted(None, "the office renderer returned something that is not a PDF")
    return Converted(pdf)


def _run_members(leader: int) -> list[tuple[object, int]]:
    """(pid, pid) of the run's leader and every process it started, found from the leader's
    down (Linux: /proc/PID/task/TID/children, a few small reads); the whole group by a scan of
    /proc where the kernel does not list children. While the leader runs, what it started is
    its descendants; whatever escaped them is killed with the group when the run ends."""
    members: list[tuple[object, int]] = []
    todo = [leader]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
            children = [_read_proc(f"/proc/{pid}/task/{tid}/children") for tid in tasks]
        except OSError:
            if pid == leader and not members:
                return _group_members(leader)  # no children lists here: the group, by a scan
            continue  # gone meanwhile
        members.append((pid, pid))
        todo.extend(int(child) for listed in children for child in listed.split())
    return members


def _group_members(pgid: int) -> list[tuple[object, int]]:
    """(pid, pid) of every process in the run's process group (Linux: a scan of /proc;
    elsewhere the leader only)."""
    if not os.path.isdir("/proc"):
        return [(pgid, pgid)]
    wanted = str(pgid).encode()
    members: list[tuple[object, int]] = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = _read_proc(f"/proc/{name}/stat")
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split(None, 3)  # after "pid (name) ": state, ppid, pgrp
        if len(fields) > 2 and fields[2] == wanted:
            members.append((int(name), int(name)))
    return members


def _read_proc(path: str) -> bytes:
    """One small /proc file's bytes (plain os calls: this runs many times a second)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def _gone(pgid: int, patience: float = 10.0) -> None:
    """Return once no process of the run's group is alive any more (a SIGKILLed process may
    still run for a moment on a busy machine; a zombie is dead). Bounded: never hangs."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        alive = [pid for _key, pid in _group_members(pgid) if _state(pid) not in ("Z", "X", "")]
        if not alive:
            return
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        time.sleep(_POLL_SECONDS)


def _state(pid: int) -> str:
    """A process's state letter from /proc ('' when it is gone)."""
    try:
        stat = _read_proc(f"/proc/{pid}/stat")
    except OSError:
        return ""
    fields = stat[stat.rfind(b")") + 2:].split(None, 1)
    return fields[0].decode() if fields else ""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
