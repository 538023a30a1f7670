#!/usr/bin/env bash
# Writes the student edition into a temporary folder and runs, in it, the
# commands its README and the task statements tell students to run: its own
# `cargo test` (the checker's unit tests and every task's visible examples,
# in a target folder of its own, as on a student's machine) and
# `cargo run -p checker` on the untouched stubs. Slow (a cold build of the
# edition: minutes), so a script and not a step of `.ci/run`.
#
# Usage: scripts/check-edition.sh        Exits 1 if any command fails.
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
edition=$(mktemp -d)/edition
trap 'rm -rf "$(dirname "$edition")"' EXIT
cd "$repo"
cargo run --quiet -p checker -- assign --out "$edition"

cd "$edition"
log=$(dirname "$edition")/cargo-test.log
start=$(date +%s.%N)
if ! cargo test >"$log" 2>&1; then
    grep -E 'FAILED|panicked' "$log" >&2 || tail -20 "$log" >&2
    echo "cargo test fails in the student edition" >&2
    exit 1
fi
end=$(date +%s.%N)
passed=$(grep -E '^test result' "$log" | awk '{ sum += $4 } END { print sum }')
printf 'edition: cargo test passes: %s tests (%.0f s, cold build included)\n' \
    "$passed" "$(echo "$end - $start" | bc)"

# The stubs grade 0 and the checker exits 0 with a report (not an error).
cargo run --quiet -p checker -- --quiet >/dev/null
echo "edition: cargo run -p checker grades the stubs"
