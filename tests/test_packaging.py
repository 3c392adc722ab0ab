"""The wheel: built from the repository, installed in a fresh venv, run as a rep would.

The venv borrows this venv's installed dependencies through a ``.pth`` line (nothing is
downloaded); ``enablement`` itself comes only from the wheel: no checkout on the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["enablement", "ui", "db", "assets", "pyproject.toml", "setup.py", "README.md"]

pytestmark = pytest.mark.slow


def _clean_env() -> dict[str, str]:
    # pytest-xdist points PYTHONPATH at the checkout; an installed app must not see it.
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SHIPPED:  # a copy, so that building leaves no build/ or egg-info in the checkout
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(src)],
                   check=True, capture_output=True, env=_clean_env(), timeout=300)
    (built,) = out.glob("enablement-*.whl")
    return built


def test_the_wheel_holds_one_package_with_its_data_and_no_benchmarks(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"enablement", wheel.name.split("-py3")[0] + ".dist-info"}
    for needed in ("enablement/assets/taxonomy.json", "enablement/assets/demo/manifest.json",
                   "enablement/db/env.py", "enablement/db/script.py.mako",
                   "enablement/db/versions/0001_initial_schema.py", "enablement/ui/launch.py",
                   "enablement/ui/main_window.py"):
        assert needed in names
    assert not [n for n in names if "/bench/" in n or "/tests/" in n or n.endswith("main.py")]
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"enablement = enablement.cli:main" in entry_points
    assert b"enablement-app = enablement.ui.launch:main" in entry_points


def test_the_installed_wheel_runs_every_command_and_the_app(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True, env=_clean_env()).stdout.strip()
    # This venv's dependencies (PySide6 & co.), appended after the new venv's own packages.
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed",
                    str(wheel)], check=True, capture_output=True, env=_clean_env(), timeout=300)
    where = subprocess.run([str(python), "-c", "import enablement, importlib.util as u; print(enablement.__file__); "
                            "print(u.find_spec('ui'), u.find_spec('db'), u.find_spec('bench'), u.find_spec('main'))"],
                           check=True, capture_output=True, text=True, env=_clean_env(), cwd=tmp_path).stdout
    assert where.splitlines()[0].startswith(site)
    assert where.splitlines()[1] == "None None None None"

    old = tmp_path / "old-library"
    subprocess.run([sys.executable, str(ROOT / "packaging" / "old_library.py"), str(old)], check=True,
                   capture_output=True, timeout=300)
    exe = ".exe" if os.name == "nt" else ""
    smoke = subprocess.run([sys.executable, str(ROOT / "packaging" / "smoke_test.py"),
                            "--cli", str(bindir / f"enablement{exe}"), "--app", str(bindir / f"enablement-app{exe}"),
                            "--old-library", str(old), "--work", str(tmp_path / "work")],
                           capture_output=True, text=True, env=_clean_env(), timeout=900)
    assert smoke.returncode == 0, smoke.stdout[-3000:] + smoke.stderr[-3000:]
    assert '"memory-hog.txt": ["failed", "needed more than 256 MB of memory"]' in smoke.stdout
    assert "upgraded to schema" in smoke.stdout
    assert smoke.stdout.rstrip().endswith("smoke test passed")
