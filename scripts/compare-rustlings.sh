#!/usr/bin/env bash
# Compares the student's loop with rustlings', side by side on this machine.
#
# In a fresh clone of this repository whose exercises hold the reference
# solutions (a student who solved everything), it measures:
#
#   1. the first `cargo run -p checker` of the clone (dependencies already
#      downloaded into ~/.cargo, nothing built), split into cargo's build of
#      the checker and the checker's first grading;
#   2. for every task, PAIRS re-grades after a one-line edit of that task
#      (`cargo run -p checker -- --task N`), each paired with rustlings
#      re-checking a solved std-only exercise after a one-line edit
#      (`rustlings run structs1`), run alternately so that both see the same
#      machine; then the same for a re-grade of all tasks at once;
#   3. the checker's own split of one re-grade per task (cargo's check of
#      the checker, the grading build, the tests) from its JSON report.
#
# rustlings is installed into a temporary root (`cargo install rustlings
# --root ...`), or taken from RUSTLINGS=/path/to/rustlings; nothing of it
# lands in this repository. Medians are printed; the machine should be quiet.
#
# Usage: scripts/compare-rustlings.sh [PAIRS]     (PAIRS defaults to 10)
set -euo pipefail

pairs=${1:-10}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rustlings=${RUSTLINGS:-}
if [ -z "$rustlings" ]; then
    echo "installing rustlings 6.5.0 into $work/rustlings-root ..." >&2
    cargo install --quiet --locked rustlings --version 6.5.0 --root "$work/rustlings-root"
    rustlings=$work/rustlings-root/bin/rustlings
fi
(cd "$work" && "$rustlings" init >/dev/null)
exercise=$work/rustlings/exercises/07_structs/structs1.rs
cp "$work/rustlings/solutions/07_structs/structs1.rs" "$exercise"
(cd "$work/rustlings" && "$rustlings" run structs1 >/dev/null)

git clone --quiet "$repo" "$work/repo"
cd "$work/repo"
for solution in solutions/*/; do
    task=$(basename "$solution")
    (cd "$solution" && find . -path ./target -prune -o -name '*.rs' -path '*src/*' -print) |
        while read -r file; do cp "$solution/$file" "exercises/$task/$file"; done
done

# Prints the seconds COMMAND took (its output discarded).
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$start" "$end"
}

edit() { echo "// edited $(date +%s%N)" >>"$1"; }

echo "== first cargo run -p checker of a fresh clone"
build=$(seconds cargo build -p checker)
first=$(seconds cargo run -q -p checker -- --quiet --format json --output "$work/first.json")
python3 - "$build" "$first" "$work/first.json" <<'PY'
import json, sys
build, first = float(sys.argv[1]), float(sys.argv[2])
t = json.load(open(sys.argv[3]))["timings"]
print(f"cargo build of the checker {build:6.1f} s")
print(f"first grading              {first:6.1f} s  (build {t['build_secs']:.1f} s, tests {t['run_secs']:.1f} s)")
print(f"total                      {build + first:6.1f} s")
PY

rustlings_once() { (cd "$work/rustlings" && edit "$exercise" && seconds "$rustlings" run structs1); }

echo "== re-grade after a one-line edit, $pairs pairs each, medians"
printf '%-24s %8s %10s %7s   %s\n' task ours rustlings ratio "split of ours: cargo / build / tests"
for target in 0 1 2 3 4 all; do
    ours=()
    theirs=()
    splits=()
    for _ in $(seq "$pairs"); do
        if [ "$target" = all ]; then
            edit exercises/01-async-rewrite/src/lib.rs
            ours+=("$(seconds cargo run -q -p checker -- --quiet --format json --output "$work/r.json")")
        else
            edit "$(ls -d exercises/0"$target"-*)/src/lib.rs"
            ours+=("$(seconds cargo run -q -p checker -- --quiet --task "$target" --format json --output "$work/r.json")")
        fi
        splits+=("$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print(t["build_secs"], t["run_secs"])' "$work/r.json")")
        theirs+=("$(rustlings_once)")
    done
    python3 - "$target" "${ours[*]}" "${theirs[*]}" "$(printf '%s;' "${splits[@]}")" <<'PY'
import statistics, sys
target, ours, theirs, splits = sys.argv[1:5]
ours = [float(x) for x in ours.split()]
theirs = [float(x) for x in theirs.split()]
splits = [tuple(map(float, s.split())) for s in splits.split(";") if s]
o, r = statistics.median(ours), statistics.median(theirs)
build = statistics.median(b for b, _ in splits)
tests = statistics.median(t for _, t in splits)
name = "all tasks" if target == "all" else f"task {target}"
print(f"{name:<24} {o:7.2f}s {r:9.2f}s {o / r:6.2f}x   {o - build - tests:.2f} / {build:.2f} / {tests:.2f} s")
PY
done
