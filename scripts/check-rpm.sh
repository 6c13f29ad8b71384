#!/usr/bin/env bash
# Checks the freshly built .rpm's contents with the rpm tool: the binary, the .desktop entry,
# the icons, and the declared dependencies: WebKitGTK 4.1, and the system's SQLite and OpenSSL,
# which the app links on Linux. (Installing it needs an RPM-based
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
for package in webkit2gtk4.1 sqlite-libs openssl-libs; do
  grep -qx "$package" <<<"$requires" || fail "no dependency on $package: $requires"
done
echo "check-rpm: binary, .desktop entry, icons, and the dependencies on WebKitGTK 4.1, SQLite and OpenSSL are there"
