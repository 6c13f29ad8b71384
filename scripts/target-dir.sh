# Sourced by the scripts that read what cargo built. Sets TARGET_DIR to cargo's own answer,
# so that a CARGO_TARGET_DIR (or a `build.target-dir` in a cargo config) shared between
# projects is honoured.
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
readonly TARGET_DIR
