#!/usr/bin/env bash
# Checks the freshly built .rpm's contents with the rpm tool: the binary, the .desktop entry,
# the icons, and a declared dependency on WebKitGTK 4.1. (Installing it needs an RPM-based
# system; the .deb check covers the installed app.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/target-dir.sh

fail() { echo "check-rpm: $*" >&2; exit 1; }

rpm=$(find "$TARGET_DIR/release/bundle/rpm" -maxdepth 1 -name '*.rpm' -printf '%T@ %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)
[ -n "$rpm" ] || fail "no .rpm under $TARGET_DIR/release/bundle/rpm: run \`make bundle\`"
echo "check-rpm: $rpm ($(du -h "$rpm" | cut -f1))"

# A throwaway database: rpm would otherwise create one in the user's home.
dbpath=$(mktemp -d)
trap 'rm -rf "$dbpath"' EXIT
rpm() { command rpm --dbpath "$dbpath" "$@"; }

files=$(rpm -qlp "$rpm")
grep -qx '/usr/bin/datastar-desktop' <<<"$files" || fail "no /usr/bin/datastar-desktop"
grep -q '^/usr/share/applications/.*\.desktop$' <<<"$files" || fail "no .desktop entry"
grep -q '^/usr/share/icons/hicolor/.*/apps/datastar-desktop\.png$' <<<"$files" || fail "no icon"
requires=$(rpm -qp --requires "$rpm")
grep -q '^webkit2gtk4\.1' <<<"$requires" || fail "no dependency on webkit2gtk4.1: $requires"
echo "check-rpm: binary, .desktop entry, icons and the WebKitGTK 4.1 dependency are there"
