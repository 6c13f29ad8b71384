#!/usr/bin/env bash
# Builds the .deb and the .rpm (`make bundle`). With TAURI_SIGNING_PRIVATE_KEY set, it also
# signs both for the updater (`.sig` beside each) and writes the release manifest,
# <target>/release/bundle/latest.json, with a `linux-x86_64-deb` and a `linux-x86_64-rpm`
# entry; without it, it says it skipped them.
#
# Extra arguments go to `tauri build`: the update test passes `--config`, to point the
# updater at a local server, and `--debug`, which bundles under <target>/debug/ instead.
# RELEASE_URL is where the packages will be published, and RELEASE_NOTES what the update
# offer shows; see "Releases" in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/target-dir.sh

profile=release
for arg in "$@"; do [ "$arg" = --debug ] && profile=debug; done
readonly BUNDLE=$TARGET_DIR/$profile/bundle
say() { echo "bundle: $*" >&2; }

# Tauri compresses the .deb with gzip and has no setting for it (tauri#9846; the .rpm has
# one, `bundle.linux.rpm.compression` in tauri.conf.json, set to xz). dpkg has read xz since
# 1.15.6 and Debian's own archive uses it; it takes a third off the package (BENCHMARKS.md,
# "Package size"). The .deb is repacked before it is signed, so the signature is of the
# bytes a user downloads.
repack_with_xz() {
  local deb=$1 tree
  tree=$(mktemp -d)
  dpkg-deb --raw-extract "$deb" "$tree/package"
  dpkg-deb --root-owner-group -Zxz -z9 -Sextreme --build "$tree/package" "$deb" >/dev/null
  rm -rf "$tree"
}

# Only this build's packages, so that the manifest cannot name an older one.
rm -rf "$BUNDLE/deb" "$BUNDLE/rpm" "$BUNDLE/latest.json"
# Tauri's own signing is off (`createUpdaterArtifacts` in tauri.conf.json): the .deb changes
# after Tauri builds it, so both packages are signed below.
# The CLI asks npm which Tauri packages are installed; npm's log stays in the target directory.
npm_config_cache="$TARGET_DIR/npm-cache" tauri build --bundles deb,rpm "$@"

deb=$(find "$BUNDLE/deb" -maxdepth 1 -name '*.deb')
rpm=$(find "$BUNDLE/rpm" -maxdepth 1 -name '*.rpm')
repack_with_xz "$deb"
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  say "TAURI_SIGNING_PRIVATE_KEY is not set: skipping the updater's signatures and latest.json"
  exit 0
fi

version=$(dpkg-deb -f "$deb" Version)
# Bound to the version, as the app requires (`src-tauri/updates/signature.rs`). The key and
# its password come from the environment, as they would for `tauri build`.
for package in "$deb" "$rpm"; do
  tauri signer sign --app-version "$version" "$package" >/dev/null
done
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
