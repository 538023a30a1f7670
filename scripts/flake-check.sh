#!/usr/bin/env bash
# Grades the reference solutions and the pristine stubs RUNS times each and
# counts verdicts that differ from the expected ones: every test "passed" on
# the solutions; on the stubs every test "not_started", except the bonus tests
# of the lecture's tasks, which "failed" (the bonus macro's stub is a working
# no-op: code using it compiles and prints nothing, so its test fails). With
# --load, every CPU is kept busy by a spinning process meanwhile, as on a
# loaded laptop or CI box.
#
# Usage: scripts/flake-check.sh [RUNS] [--load]     (RUNS defaults to 30)
# Prints one line per configuration: runs, differing verdicts, and the wall
# time of one grading (min / median / max). Exits 1 if any verdict differed.
set -euo pipefail

runs=30
load=false
for arg in "$@"; do
    case $arg in
        --load) load=true ;;
        *[!0-9]*) echo "usage: $0 [RUNS] [--load]" >&2; exit 2 ;;
        *) runs=$arg ;;
    esac
done

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
cd "$repo"
cargo build --quiet -p checker
checker=target/debug/checker

# The stubs as shipped: exercises/ may hold a student's work.
stubs=target/flake-check/stubs
mkdir -p "$stubs"
cp -r exercises/. "$stubs"
(cd checker/pristine && find . -type f ! -name README.md) | while read -r stub; do
    cp "checker/pristine/$stub" "$stubs/$stub"
done

hogs=()
stop_hogs() { [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true; }
trap stop_hogs EXIT
if $load; then
    for _ in $(seq "$(nproc)"); do
        sh -c 'while :; do :; done' &
        hogs+=($!)
    done
fi

report=$(mktemp)
times=$(mktemp)
differing_total=0
# check LABEL EXPECTED-STATUS ARGS...: grades RUNS times, prints the summary.
check() {
    local label=$1 expected=$2
    shift 2
    "$checker" --quiet "$@" >/dev/null # build once, outside the timings
    local differing=0
    : >"$times"
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        "$checker" --quiet --format json --output "$report" "$@"
        end=$(date +%s.%N)
        echo "$start $end" >>"$times"
        differing=$((differing + $(python3 - "$report" "$expected" <<'PY'
import json, sys
report, expected = json.load(open(sys.argv[1])), sys.argv[2]
def wanted(task, test):
    # The stub of the bonus macro compiles and does nothing: its test fails.
    # A bonus task (the warm-up) is a stub like any other: not started.
    bonus_test = test["bonus"] and not task["bonus"]
    return "failed" if bonus_test and expected == "not_started" else expected
off = [(task["number"], test["name"], test["status"])
       for task in report["tasks"] for test in task["tests"] if test["status"] != wanted(task, test)]
for number, name, status in off:
    print("  differs: task %s %s: %s" % (number, name, status), file=sys.stderr)
print(len(off))
PY
)))
    done
    python3 - "$label" "$load" "$runs" "$differing" "$times" <<'PY'
import statistics, sys
label, load, runs, differing, path = sys.argv[1:]
times = sorted(float(end) - float(start) for start, end in (line.split() for line in open(path)))
print("%-10s load=%-5s runs %3s   differing verdicts %3s   one grading: min %.2f s, median %.2f s, max %.2f s"
      % (label, load, runs, differing, times[0], statistics.median(times), times[-1]))
PY
    differing_total=$((differing_total + differing))
}

check solutions passed --solutions
check stubs not_started --exercises "$stubs"
rm -f "$report" "$times"
[ "$differing_total" -eq 0 ]
