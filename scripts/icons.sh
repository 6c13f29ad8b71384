#!/usr/bin/env bash
# The app's icons for every platform, from one source image, with the Tauri CLI's `icon`
# command: `scripts/icons.sh` writes them into src-tauri/icons/, `scripts/icons.sh --check`
# fails if the committed ones are not what the source gives.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly SOURCE=ui/assets/favicon.svg
readonly ICONS=src-tauri/icons
export PATH="$PWD/node_modules/.bin:$PATH"

generate() {
  local out=$1 all
  all=$(mktemp -d)
  # The desktop set (.ico, .icns and PNGs), without the mobile folders; then the two larger
  # PNGs Linux desktops use.
  tauri icon "$SOURCE" -o "$all" >/dev/null 2>&1
  tauri icon "$SOURCE" -o "$all" -p 256 -p 512 >/dev/null 2>&1
  mkdir -p "$out"
  cp "$all"/*.png "$all"/icon.ico "$all"/icon.icns "$out"/
  rm -rf "$all"
}

if [ "${1:-}" = --check ]; then
  fresh=$(mktemp -d)
  trap 'rm -rf "$fresh"' EXIT
  generate "$fresh"
  # The .icns file's chunks come out in a different order from run to run: same size, same
  # images, other bytes. Every other file is compared byte for byte.
  stale() { echo "icons: $ICONS is not what $SOURCE gives ($*): run scripts/icons.sh" >&2; exit 1; }
  diff -rq --exclude icon.icns "$fresh" "$ICONS" >&2 || stale "see above"
  [ "$(stat -c %s "$fresh/icon.icns")" = "$(stat -c %s "$ICONS/icon.icns")" ] || stale "icon.icns"
  echo "icons: $ICONS is generated from $SOURCE ($(ls "$ICONS" | wc -l) files)"
else
  rm -rf "$ICONS"
  generate "$ICONS"
  echo "icons: wrote $ICONS from $SOURCE"
fi
