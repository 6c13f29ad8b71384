#!/usr/bin/env bash
# Builds the .deb and the .rpm (`make bundle`). With TAURI_SIGNING_PRIVATE_KEY set, it also
# signs both for the updater (`.sig` beside each) and writes the release manifest,
# <target>/release/bundle/latest.json, with a `linux-x86_64-deb` and a `linux-x86_64-rpm`
# entry; without it, it says it skipped them.
#
# Extra arguments go to `tauri build` (tests pass `--config` to point the updater at a
# local server). RELEASE_URL is where the packages will be published, and RELEASE_NOTES
# what the update offer shows; see "Releases" in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/target-dir.sh

readonly BUNDLE=$TARGET_DIR/release/bundle
say() { echo "bundle: $*" >&2; }

args=(--bundles deb,rpm)
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  say "TAURI_SIGNING_PRIVATE_KEY is not set: skipping the updater's signatures and latest.json"
  args+=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
fi
# Only this build's packages, so that the manifest cannot name an older one.
rm -rf "$BUNDLE/deb" "$BUNDLE/rpm" "$BUNDLE/latest.json"
# The CLI asks npm which Tauri packages are installed; npm's log stays in the target directory.
npm_config_cache="$TARGET_DIR/npm-cache" tauri build "${args[@]}" "$@"
[ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ] || exit 0

deb=$(find "$BUNDLE/deb" -maxdepth 1 -name '*.deb')
rpm=$(find "$BUNDLE/rpm" -maxdepth 1 -name '*.rpm')
version=$(dpkg-deb -f "$deb" Version)
release_url=${RELEASE_URL:-https://example.invalid/datastar-desktop/releases/download/v$version}
python3 - "$version" "$release_url" "${RELEASE_NOTES:-Version $version.}" "$deb" "$rpm" \
  >"$BUNDLE/latest.json" <<'PYTHON'
import datetime, json, os, sys, urllib.parse

version, release_url, notes, deb, rpm = sys.argv[1:]

def entry(package):
    with open(package + ".sig") as signature:
        return {
            "signature": signature.read(),
            "url": release_url.rstrip("/") + "/" + urllib.parse.quote(os.path.basename(package)),
        }

json.dump({
    "version": version,
    "notes": notes,
    "pub_date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "platforms": {"linux-x86_64-deb": entry(deb), "linux-x86_64-rpm": entry(rpm)},
}, sys.stdout, indent=2)
PYTHON
say "signed $(basename "$deb") and $(basename "$rpm"); wrote $BUNDLE/latest.json for $release_url"
