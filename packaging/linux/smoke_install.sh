#!/usr/bin/env bash
# Install the Linux installers into scratch folders and smoke-test what got installed:
#   bash packaging/linux/smoke_install.sh DIST-FOLDER SCRATCH-FOLDER
# - the .deb with dpkg into a scratch root (--root; dependencies are the host's libraries),
#   checking the desktop entry, the icons and the /usr/bin links;
# - the tar.gz's install.sh with HOME pointing into the scratch folder (per user, no root).
set -euo pipefail
dist=$(cd "$1" && pwd)
mkdir -p "$2" && scratch=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)

deb=$(ls "$dist"/enablement_*_amd64.deb)
root="$scratch/deb-root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-script-chrootless --log=/dev/null -i "$deb" >/dev/null
dpkg --root="$root" -s enablement | grep -q "^Status: install ok installed"
test "$(readlink "$root/usr/bin/enablement-app")" = /opt/enablement/enablement-app
test -f "$root/usr/share/icons/hicolor/256x256/apps/enablement.png"
grep -q "^Exec=enablement-app$" "$root/usr/share/applications/enablement.desktop"
python3 "$here/smoke_test.py" --quick --cli "$root/opt/enablement/enablement" \
  --app "$root/opt/enablement/enablement-app" --work "$scratch/deb-smoke"

tarball=$(ls "$dist"/enablement-*-linux-x86_64.tar.gz)
mkdir -p "$scratch/tar" "$scratch/home"
tar -xzf "$tarball" -C "$scratch/tar"
HOME="$scratch/home" XDG_DATA_HOME="$scratch/home/.local/share" "$scratch"/tar/enablement-*/install.sh
grep -q "^Exec=$scratch/home/.local/opt/enablement/enablement-app$" \
  "$scratch/home/.local/share/applications/enablement.desktop"
python3 "$here/smoke_test.py" --quick --cli "$scratch/home/.local/bin/enablement" \
  --app "$scratch/home/.local/bin/enablement-app" --work "$scratch/tar-smoke"
echo "installed and smoke-tested: $(basename "$deb") and $(basename "$tarball")"
