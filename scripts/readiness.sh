# Sourced by the check scripts. A server's first stdout line is its readiness line,
# `Listening on URL` (ui/src/readiness.rs); this is the one shell reader of it.

# url_when_ready FILE: waits up to 10 s for FILE's first line, and prints its URL.
url_when_ready() {
  local line=
  for _ in $(seq 100); do
    line=$(head -n 1 "$1")
    [ -n "$line" ] && break
    sleep 0.1
  done
  [[ "$line" == "Listening on http://"* ]] || return 1
  printf '%s\n' "${line#Listening on }"
}
