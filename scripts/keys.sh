#!/usr/bin/env bash
# Makes this app's own update-signing key pair and puts its public half in tauri.conf.json
# (`plugins.updater.pubkey`), which the app checks every update against. The private half
# stays out of the repository: KEY_FILE, by default ~/.tauri/datastar-desktop.key. Sign a
# release with it through TAURI_SIGNING_PRIVATE_KEY (see scripts/bundle.sh).
#
# A config that already holds a key keeps it: replacing it means that every copy installed
# with the old key refuses the next update. FORCE=1 replaces it anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly CONFIG=tauri.conf.json
key_file=${KEY_FILE:-$HOME/.tauri/datastar-desktop.key}

current=$(node -e 'console.log(require("./'"$CONFIG"'").plugins.updater.pubkey)')
if [ -n "$current" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "error: $CONFIG already has an updater key; FORCE=1 replaces it, and then every" \
    "installed copy refuses the next update" >&2
  exit 1
fi
if [ -e "$key_file" ]; then
  echo "error: $key_file exists; move it away or set KEY_FILE" >&2
  exit 1
fi

mkdir -p "$(dirname "$key_file")"
# No password: CI signs without a prompt. Keep the file private instead.
(umask 077 && tauri signer generate --ci --password "" --write-keys "$key_file" >/dev/null)
node -e '
  const fs = require("fs");
  const [config, pub] = process.argv.slice(1);
  const json = JSON.parse(fs.readFileSync(config, "utf8"));
  json.plugins.updater.pubkey = fs.readFileSync(pub, "utf8").trim();
  fs.writeFileSync(config, JSON.stringify(json, null, 2) + "\n");
' "$CONFIG" "$key_file.pub"
echo "The private key is in $key_file (keep it safe: every update must be signed with it);"
echo "its public half is now in $CONFIG."
