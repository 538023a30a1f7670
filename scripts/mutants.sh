#!/usr/bin/env bash
# Mutation testing of the checker: cargo-mutants plants small bugs in the
# modules that decide grades, one at a time, and runs the tests that cover
# them; a mutant the tests do not catch ("missed") is a hole in the tests.
#
# Three phases, each mutant tested against the tests that cover its module:
#   1. the grading logic — verdicts and points, running tests and checking
#      records and tokens, the manifest, verify — against the checker's unit
#      tests (seconds per mutant);
#   2. the student commands (`hint`/`solution`/`reset`) against their
#      end-to-end tests;
#   3. `watch` against its end-to-end tests (the slow phase: each mutant
#      rebuilds the binary and drives a real watch session).
#
# Usage: scripts/mutants.sh [PHASES]   (default "1 2 3")
# Needs cargo-mutants (`cargo install cargo-mutants --locked`). Not part of
# CI: its figures go into the closing notes. Results, with the missed
# mutants listed in missed.txt: mutants.out/phase-N/mutants.out/.
set -euo pipefail
cd "$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "cargo-mutants is not installed: cargo install cargo-mutants --locked" >&2
    exit 2
fi

phases=${1:-"1 2 3"}
status=0
for phase in $phases; do
    case $phase in
        1)
            files=(-f checker/src/verdict.rs -f 'checker/src/run/*.rs'
                   -f checker/src/manifest.rs -f checker/src/verify.rs)
            tests=(--lib)
            timeout=60
            ;;
        2)
            files=(-f checker/src/commands/student.rs)
            tests=(--test student)
            timeout=60
            ;;
        3)
            files=(-f checker/src/commands/watch.rs)
            tests=(--bins --test watch)
            timeout=120
            ;;
        *) echo "usage: $0 [PHASES], phases among 1 2 3" >&2; exit 2 ;;
    esac
    echo "== phase $phase: ${files[*]}"
    start=$(date +%s)
    mkdir -p "mutants.out/phase-$phase"
    cargo mutants --package checker "${files[@]}" --output "mutants.out/phase-$phase" \
        --timeout "$timeout" -- "${tests[@]}" || status=$?
    echo "== phase $phase took $(( $(date +%s) - start )) s"
done
exit "$status"
