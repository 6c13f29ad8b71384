#!/usr/bin/env bash
# Installs the freshly built .deb, starts the installed app under Xvfb, checks that it serves
# its page and shows its window, then removes the package again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/readiness.sh
source scripts/target-dir.sh

readonly PACKAGE=datastar-desktop
readonly BINARY=/usr/bin/datastar-desktop
# The window's title, as tauri.conf.json gives it.
TITLE=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["app"]["windows"][0]["title"])')
readonly TITLE

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "check-deb: $*" >&2; exit 1; }

# Runs inside Xvfb: start the installed app, and check it the way a user would see it.
check_installed_app() {
  local url
  app_out=$(mktemp) app_log=$(mktemp) home=$(mktemp -d)
  # A private home and no session bus: the check never touches the user's files or app.
  env -u DBUS_SESSION_BUS_ADDRESS HOME="$home" XDG_CONFIG_HOME="$home/.config" \
    XDG_DATA_HOME="$home/.local/share" XDG_CACHE_HOME="$home/.cache" \
    XDG_STATE_HOME="$home/.local/state" XDG_RUNTIME_DIR="$home" NO_AT_BRIDGE=1 \
    "$BINARY" >"$app_out" 2>"$app_log" &
  app_pid=$!
  trap 'kill "$app_pid" 2>/dev/null || true; rm -rf "$app_out" "$app_log" "$home"' EXIT

  url=$(url_when_ready "$app_out") \
    || fail "the installed app printed no readiness line: $(cat "$app_out" "$app_log")"

  # Without the window's session cookie the server must refuse, with its own message.
  local answer
  answer=$(curl -s -w ' %{http_code}' "$url")
  [[ "$answer" == *"not signed in"*" 401" ]] || fail "unexpected answer from $url: $answer"

  # The window maps itself only after its page has loaded.
  for _ in $(seq 150); do
    xwininfo -root -tree | grep -qF "\"$TITLE\"" && break
    sleep 0.2
  done
  xwininfo -root -tree | grep -qF "\"$TITLE\"" || fail "no window appeared"
  echo "check-deb: the installed app serves $url and shows its window"
}

if [ "${1:-}" = --inside-xvfb ]; then
  check_installed_app
  exit 0
fi

deb=$(find "$TARGET_DIR/release/bundle/deb" -maxdepth 1 -name '*.deb' -printf '%T@ %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)
[ -n "$deb" ] || fail "no .deb under $TARGET_DIR/release/bundle/deb: run \`make bundle\`"
echo "check-deb: $deb ($(du -h "$deb" | cut -f1))"

# The package's budget: BENCHMARKS.md ("Package size") says where the bytes go.
readonly MAX_DEB_BYTES=$((5 * 1024 * 1024))
size=$(stat -c %s "$deb")
[ "$size" -le "$MAX_DEB_BYTES" ] || fail "the .deb is $size bytes, over its budget of $MAX_DEB_BYTES"

contents=$(dpkg-deb -c "$deb")
grep -q 'usr/share/applications/.*\.desktop$' <<<"$contents" || fail "no .desktop entry"
grep -q "usr/share/icons/hicolor/.*/apps/$PACKAGE.png" <<<"$contents" || fail "no icon"
grep -q "${BINARY#/}\$" <<<"$contents" || fail "no $BINARY"

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$deb")" >/dev/null
trap 'as_root apt-get remove -y -qq "$PACKAGE" >/dev/null' EXIT

# The desktop entry is valid, hands a link to the app (`%u`), and claims the app's scheme
# (src-tauri/linux/app.desktop; the stock template has no `%u`).
entry=$(dpkg -L "$PACKAGE" | grep '^/usr/share/applications/.*\.desktop$')
desktop-file-validate "$entry" || fail "$entry is not a valid desktop entry"
scheme=$(node -p 'require("./tauri.conf.json").plugins["deep-link"].desktop.schemes[0]')
grep -qx "Exec=$PACKAGE %u" "$entry" || fail "$entry does not pass a link on: $(grep ^Exec "$entry")"
grep -qx "MimeType=x-scheme-handler/$scheme;" "$entry" || fail "$entry does not claim $scheme://"
echo "check-deb: $entry is valid, and opens $scheme:// links"

# Every library the binary links comes from a package the .deb depends on, directly or
# through those: none is there only because this machine happens to have it.
read -ra declared < <(dpkg-deb -f "$deb" Depends | tr ',|' '  ' | sed 's/([^)]*)//g')
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "${declared[@]}" 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u)
for lib in $(objdump -p "$BINARY" | awk '/NEEDED/ { print $2 }'); do
  owner=$(dpkg -S "*/$lib" 2>/dev/null | head -n 1 | cut -d: -f1)
  [ -n "$owner" ] || fail "$BINARY links $lib, which no installed package provides"
  grep -qx "$owner" <<<"$closure" || fail "$BINARY links $lib (from $owner), which the .deb does not depend on"
done
echo "check-deb: every library the app links is among the .deb's dependencies: ${declared[*]}"
xvfb-run -a "$0" --inside-xvfb
