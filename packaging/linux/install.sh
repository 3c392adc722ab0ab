#!/bin/sh
# Install (or update) Enablement for the current user, no root needed:
#   ./install.sh            from the unpacked enablement-<version>-linux-x86_64 folder
# The app goes to ~/.local/opt/enablement, the commands to ~/.local/bin, the menu entry
# and icon to ~/.local/share. Running a newer version's install.sh replaces the old one;
# libraries (your data folder) are never touched. ./install.sh --uninstall removes it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
opt=$HOME/.local/opt/enablement
bin=$HOME/.local/bin
if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$opt" "$bin/enablement" "$bin/enablement-app" "$data/applications/enablement.desktop" \
         "$data/icons/hicolor/256x256/apps/enablement.png" "$data/icons/hicolor/scalable/apps/enablement.svg"
  echo "Enablement removed (your libraries are kept)."
  exit 0
fi
mkdir -p "$opt.new" "$bin" "$data/applications" "$data/icons/hicolor/256x256/apps" "$data/icons/hicolor/scalable/apps"
cp -R "$here/enablement/." "$opt.new/"
rm -rf "$opt" && mv "$opt.new" "$opt"
ln -sf "$opt/enablement" "$bin/enablement"
ln -sf "$opt/enablement-app" "$bin/enablement-app"
sed "s|^Exec=enablement-app|Exec=$opt/enablement-app|; s|^TryExec=enablement-app|TryExec=$opt/enablement-app|" \
  "$here/share/applications/enablement.desktop" > "$data/applications/enablement.desktop"
cp "$here/share/icons/hicolor/256x256/apps/enablement.png" "$data/icons/hicolor/256x256/apps/"
cp "$here/share/icons/hicolor/scalable/apps/enablement.svg" "$data/icons/hicolor/scalable/apps/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "Enablement installed in $opt; start it from the menu or run: $bin/enablement-app"
