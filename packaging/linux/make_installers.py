"""Linux installers from the one-folder bundle: a per-user tar.gz and a .deb.

- ``enablement-<version>-linux-x86_64.tar.gz``: the bundle, the desktop entry and icons,
  and ``install.sh`` (per user, no root: ~/.local/opt, ~/.local/bin, ~/.local/share).
- ``enablement_<version>_amd64.deb``: /opt/enablement, /usr/bin links, the desktop entry and
  icons; its Depends names the system libraries Qt needs on a fresh desktop.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# What Qt's xcb platform plugin, Qt GUI and OpenGL link to (ldd of the bundle's libqxcb.so,
# libQt6XcbQpa/Gui/Widgets and the xcb GL integrations, mapped to packages with dpkg -S; then
# checked by running the app under Xvfb on a minimal Debian 12: see README "Install").
DEBIAN_DEPENDS = [
    "libc6 (>= 2.31)", "libegl1", "libgl1", "libfontconfig1", "libfreetype6", "libdbus-1-3",
    "libglib2.0-0 | libglib2.0-0t64", "libx11-6", "libx11-xcb1", "libxkbcommon0", "libxkbcommon-x11-0",
    "libxcb1", "libxcb-cursor0", "libxcb-glx0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-randr0", "libxcb-render0", "libxcb-render-util0", "libxcb-shape0", "libxcb-shm0", "libxcb-sync1",
    "libxcb-util1", "libxcb-xfixes0", "libxcb-xkb1",
]


def _share(target: Path, assets: Path) -> None:
    """The desktop entry and icons under ``target`` (a share/ folder)."""
    (target / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "enablement.desktop", target / "applications" / "enablement.desktop")
    for size, name in (("256x256", "enablement-256.png"), ("scalable", "enablement.svg")):
        folder = target / "icons" / "hicolor" / size / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(assets / "icons" / name, folder / ("enablement" + Path(name).suffix))


def make_tarball(bundle: Path, out: Path, version: str) -> Path:
    name = f"enablement-{version}-linux-x86_64"
    stage = out / "stage-tar" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(bundle, stage / "enablement", symlinks=True)
    _share(stage / "share", bundle / "_internal" / "enablement" / "assets")
    shutil.copy(HERE / "install.sh", stage / "install.sh")
    (stage / "install.sh").chmod(0o755)
    target = out / f"{name}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(stage, arcname=name)
    shutil.rmtree(stage.parent)
    return target


def make_deb(bundle: Path, out: Path, version: str) -> Path:
    root = out / "stage-deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / "enablement", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    for command in ("enablement", "enablement-app"):
        (root / "usr" / "bin" / command).symlink_to(f"/opt/enablement/{command}")
    _share(root / "usr" / "share", bundle / "_internal" / "enablement" / "assets")
    size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: enablement\nVersion: {version}\nArchitecture: amd64\nMaintainer: Enablement team "
        f"<enablement@localhost>\nSection: office\nPriority: optional\nInstalled-Size: {size_kb}\n"
        f"Depends: {', '.join(DEBIAN_DEPENDS)}\n"
        "Description: sales-enablement content library\n"
        " Find the right piece of collateral for the buyer's next step: import, tag,\n"
        " search and share battlecards, case studies and decks.\n", encoding="utf-8")
    target = out / f"enablement_{version}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(target)],
                   check=True, capture_output=True)
    shutil.rmtree(root)
    return target


def make_installers(bundle: Path, out: Path, version: str) -> list[Path]:
    made = [make_tarball(bundle, out, version)]
    if shutil.which("dpkg-deb"):
        made.append(make_deb(bundle, out, version))
    return made
