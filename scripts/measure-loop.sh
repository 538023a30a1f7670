#!/usr/bin/env bash
# Measures the student's loop on this machine, in a fresh clone of this
# repository (dependencies already downloaded into ~/.cargo, nothing built):
#
#   1. the first `cargo run -p checker` (cold build of everything);
#   2. a re-grade with nothing changed;
#   3. a re-grade after a one-line change to one exercise, all tasks and
#      `--task 1` alone;
#   4. the reference solutions (`--solutions`, warm), whose suites run the
#      full timing tests;
#   5. in `watch`, from saving a one-line change to the re-graded result on
#      screen (three saves).
#
# Each line gives the wall time of the whole command and the checker's own
# split (build / run) from its JSON report. Usage: scripts/measure-loop.sh
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
clone=$(mktemp -d)
trap 'rm -rf "$clone"' EXIT
git clone --quiet "$repo" "$clone/repo"
cd "$clone/repo"

# Prints: LABEL  wall-seconds  build-seconds  run-seconds  score
measure() {
    local label=$1
    shift
    local start end
    start=$(date +%s.%N)
    cargo run --quiet -p checker -- --quiet --format json --output "$clone/report.json" "$@"
    end=$(date +%s.%N)
    python3 - "$label" "$start" "$end" "$clone/report.json" <<'PY'
import json, sys
label, start, end, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
report = json.load(open(path))
t = report["timings"]
print(f"{label:<38} wall {end - start:6.2f} s   build {t['build_secs']:6.2f} s   run {t['run_secs']:5.2f} s   score {report['score']}/{report['max_score']}")
PY
}

touch_exercise() {
    echo "// edited $(date +%s%N)" >> exercises/01-async-rewrite/src/lib.rs
}

measure "cold: first cargo run -p checker"
measure "warm: nothing changed"
touch_exercise
measure "warm: one-line edit, all tasks"
touch_exercise
measure "warm: one-line edit, --task 1"  --task 1
measure "warm: --solutions (first time)" --solutions
measure "warm: --solutions (again)" --solutions

# Watch: save, then wait for the re-graded report's last line.
cargo build --quiet -p checker
python3 - <<'PY'
import subprocess, time, threading, queue
proc = subprocess.Popen(["target/debug/checker", "watch", "--quiet", "--lang", "en"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
lines = queue.Queue()
threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
def wait_for(text):
    while True:
        line = lines.get(timeout=120)
        if text in line:
            return
wait_for("watching")
for attempt in range(3):
    time.sleep(1)
    start = time.monotonic()
    with open("exercises/01-async-rewrite/src/lib.rs", "a") as f:
        f.write("// edited in watch\n")
    wait_for("changed: grading task 1")
    wait_for("next:")
    print("%-38s wall %6.2f s" % ("watch: save to re-graded result", time.monotonic() - start))
proc.stdin.write("q\n")
proc.stdin.flush()
proc.wait(timeout=30)
PY
