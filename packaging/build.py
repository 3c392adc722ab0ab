"""Build the one-folder bundle (app + command line) and, on Linux, its tar.gz and .deb.

    python packaging/build.py [--out DIR] [--no-installers]

Needs the ``package`` extra (``pip install '.[package]'``). Steps: build the project's
wheel, unpack it (ui/, db/, assets/ mounted inside the enablement package, as installed),
run PyInstaller on packaging/enablement.spec, then the Linux installers
(packaging/linux/make_installers.py). Prints the bundle's size. Same on every OS: the
release workflow runs it on Linux, Windows and macOS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["enablement", "ui", "db", "assets", "pyproject.toml", "setup.py", "README.md"]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build_wheel(work: Path) -> Path:
    """The project's wheel, built from a copy (the checkout gets no build/ or egg-info)."""
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(ROOT / name, src / name)
    dist = work / "wheel"
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)], check=True)
    (wheel,) = dist.glob("enablement-*.whl")
    return wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the bundle goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder (default: build/)")
    parser.add_argument("--no-installers", action="store_true", help="only the one-folder bundle")
    args = parser.parse_args(argv)
    started = time.monotonic()
    work, out = args.work.absolute(), args.out.absolute()
    work.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(work)
    wheel_root = work / "wheel-root"
    shutil.rmtree(wheel_root, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(wheel_root)
    env = dict(os.environ, ENABLEMENT_WHEEL_ROOT=str(wheel_root))
    env.pop("PYTHONPATH", None)  # the analysis must see the wheel's layout, not the checkout's
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(out), "--workpath", str(work / "pyinstaller"),
                    str(ROOT / "packaging" / "enablement.spec")], check=True, env=env, cwd=work)
    bundle = out / "enablement"
    print(f"bundle: {bundle} ({folder_bytes(bundle) / 1e6:.0f} MB) built in {time.monotonic() - started:.0f} s")
    if sys.platform.startswith("linux") and not args.no_installers:
        from linux.make_installers import make_installers  # packaging/linux/

        for made in make_installers(bundle, out, version=wheel.name.split("-")[1]):
            print(f"installer: {made} ({made.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
