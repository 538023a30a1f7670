#!/usr/bin/env bash
# Trusted grading of one student's repository: the course's checker and
# suites (the checkout this script is in) grade only the student's source
# files, in the sandbox, and write the grade in every format the platforms
# read. The instructor's workflow (grade.yml, beside this script) runs it;
# so can an instructor's own machine or any CI.
#
# usage: grade-submission.sh SUBMISSION OUT_DIR [STUDENT]
#   SUBMISSION  a clone of the student's repository (or its exercises/ folder)
#   OUT_DIR     where grade.json, grade.xml (JUnit), summary.md and
#               results.json (Gradescope) are written
#   STUDENT     the student's id, carried into every report
# CHECKER overrides the checker command (default: build and run this
# checkout's, in release mode); SANDBOX the sandbox mode (default: strict,
# which refuses to grade where a protection is missing).
set -euo pipefail

course=$(cd "$(dirname "$0")/../../.." && pwd)
submission=${1:?usage: grade-submission.sh SUBMISSION OUT_DIR [STUDENT]}
out=${2:?usage: grade-submission.sh SUBMISSION OUT_DIR [STUDENT]}
student=${3:-}

if [ -n "${CHECKER:-}" ]; then
    checker=("$CHECKER")
else
    checker=(cargo run --release --quiet --manifest-path "$course/Cargo.toml" -p checker --)
fi
exercises=$submission
if [ -d "$submission/exercises" ]; then
    exercises=$submission/exercises
fi
mkdir -p "$out"

args=(--repo "$course" --quiet --sandbox "${SANDBOX:-strict}" --exercises "$exercises"
    --output "json=$out/grade.json"
    --output "junit=$out/grade.xml"
    --output "markdown=$out/summary.md"
    --output "gradescope=$out/results.json")
if [ -n "$student" ]; then
    args+=(--student "$student")
fi
"${checker[@]}" "${args[@]}"
