#!/usr/bin/env bash
# What the sandbox costs: the launcher's overhead per process, and the
# solutions' test run with and without the sandbox.
#
# Usage: scripts/sandbox-cost.sh [CALLS] [GRADINGS]   (defaults: 200, 7)
# Prints: the mean wall time of starting /bin/true directly, through the
# launcher with every protection, and through the probe; then the median
# `run_secs` (tests only, no build) of grading the solutions with
# `--sandbox off` and `--sandbox auto`, and the protections in force.
set -euo pipefail

calls=${1:-200}
gradings=${2:-7}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
cd "$repo"
cargo build --quiet -p checker
checker=$repo/target/debug/checker
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/work"

mean_ms() { # command... : mean wall time of CALLS runs, in ms
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$calls"); do "$@" > /dev/null; done
    end=$(date +%s%N)
    echo "scale=2; ($end - $start) / $calls / 1000000" | bc
}

direct=$(mean_ms /bin/true)
sandboxed=$(mean_ms "$checker" sandbox-exec --limit-resources --isolate-network \
    --write "$scratch/work" -- /bin/true)
# As a test runs where the checker is root: as the sandbox's own user.
own_user=$(mean_ms "$checker" sandbox-exec --limit-resources --isolate-network --sandbox-user \
    --write "$scratch/work" -- /bin/true)
probe=$(mean_ms "$checker" sandbox-exec --probe)
echo "per process: direct ${direct} ms, in the sandbox ${sandboxed} ms (as the sandbox's user: ${own_user} ms), probe (once per grading) ${probe} ms"

median_run_secs() { # mode
    for _ in $(seq "$gradings"); do
        "$checker" --quiet --solutions --sandbox "$1" --format json |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["timings"]["run_secs"])'
    done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
"$checker" --quiet --solutions > /dev/null # built once, outside the timings
echo "solutions, tests only (median of $gradings): --sandbox off $(median_run_secs off) s, auto $(median_run_secs auto) s"
echo "protections here: $("$checker" sandbox-exec --probe)"
