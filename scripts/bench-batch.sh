#!/usr/bin/env bash
# Benchmarks `checker batch`: generates N submissions of a realistic mix,
# grades them as a class, and reports the total time, the time per
# submission, the disk growth of target/, and a re-run (which must regrade
# nothing).
#
# usage: scripts/bench-batch.sh N [OUT]
#
# The mix, by share of the class: untouched stubs 15%, half done (tasks
# 0-2 solved) 25%, full solutions 25%, a realistic mistake per task (the
# suites' mutants) 15%, a compile error 10%, a panic 5%, a hang 5%. Every
# submission's files carry its own number, so every one really builds.
# Dependencies are built once before the clock starts (the goal's premise).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:?usage: scripts/bench-batch.sh N [OUT]}
out=${2:-target/bench-batch}
class=$out/class
rm -rf "$out"
mkdir -p "$class"

python3 - "$count" "$class" <<'PY'
import pathlib, random, shutil, sys, tomllib

count, class_dir = int(sys.argv[1]), pathlib.Path(sys.argv[2])
repo = pathlib.Path(".")
tasks = sorted(p.name for p in (repo / "exercises").iterdir() if p.is_dir())
random.seed(20261127)

def mutant(path):
    data = tomllib.loads(path.read_text())
    return None if data.get("add") else data

def mutated(task, data):
    relative = data.get("file", "src/lib.rs")
    text = (repo / "solutions" / task / relative).read_text()
    for edit in data["replace"]:
        if edit["find"] not in text:
            return None
        text = text.replace(edit["find"], edit["with"], 1)
    return relative, text

mistakes = {}
for task in tasks:
    found = []
    for path in sorted((repo / "checker/suites" / task / "mutants").glob("*.toml")):
        data = mutant(path)
        if data and data["kind"] == "mistake":
            found.append(data)
    mistakes[task] = found
hostile = lambda task, name: mutant(repo / "checker/tests/fixtures/hostile" / task / f"{name}.toml")

kinds = (["stubs"] * 15 + ["half"] * 25 + ["full"] * 25 + ["mistake"] * 15
         + ["compile_error"] * 10 + ["panic"] * 5 + ["hang"] * 5)
for number in range(count):
    kind = kinds[(number * 37) % len(kinds)]
    student = class_dir / f"student-{number:03}"
    shutil.copytree(repo / "exercises", student / "exercises",
                    ignore=shutil.ignore_patterns("target"))
    for index, task in enumerate(tasks):
        solved = kind != "stubs" and not (kind == "half" and index > 2)
        base = "solutions" if solved else "checker/pristine"
        for source in (repo / base / task).rglob("*.rs"):
            relative = source.relative_to(repo / base / task)
            if relative.parts[0] in ("src", "macros"):
                target = student / "exercises" / task / relative
                target.write_text(source.read_text())
    planted = []
    if kind == "mistake":
        for task in tasks:
            if mistakes[task]:
                planted.append((task, random.choice(mistakes[task])))
    elif kind == "compile_error":
        planted.append(("01-async-rewrite", hostile("01-async-rewrite", "compile_error")))
    elif kind == "panic":
        planted.append(("02-timing-decorator", hostile("02-timing-decorator", "abort")))
    elif kind == "hang":
        planted.append(("02-timing-decorator", hostile("02-timing-decorator", "endless_loop")))
    for task, data in planted:
        edited = mutated(task, data)
        if edited:
            relative, text = edited
            (student / "exercises" / task / relative).write_text(text)
    for lib in (student / "exercises").glob("*/src/lib.rs"):
        lib.write_text(lib.read_text() + f"\n// submission {number}\n")
print(f"generated {count} submissions in {class_dir}")
PY

cargo build --quiet -p checker
checker=target/debug/checker
# The premise: dependencies built once (grading the solutions builds them).
$checker --quiet --solutions --output "json=$out/warm.json"

before=$(du -sk target | cut -f1)
start=$(date +%s.%N)
$checker batch "$class" --out "$out/grades" --quiet
end=$(date +%s.%N)
after=$(du -sk target | cut -f1)
again_start=$(date +%s.%N)
rerun=$($checker batch "$class" --out "$out/grades" --quiet)
again_end=$(date +%s.%N)

python3 - "$count" "$start" "$end" "$before" "$after" "$again_start" "$again_end" "$rerun" "$out/grades/class.json" <<'PY'
import json, sys
count, start, end, before, after, again_start, again_end, rerun, record = sys.argv[1:]
count, total = int(count), float(end) - float(start)
growth_mb = (int(after) - int(before)) / 1024
students = json.load(open(record))["students"]
scores = sorted(s["score"] for s in students)
print(f"submissions:          {count}")
print(f"batch total:          {total:.1f} s ({total / count:.2f} s per submission)")
print(f"disk growth (target): {growth_mb:.0f} MB")
print(f"re-run, unchanged:    {float(again_end) - float(again_start):.1f} s: {rerun.splitlines()[0]}")
print(f"scores:               min {scores[0]}, median {scores[len(scores) // 2]}, max {scores[-1]}")
print(f"could not be graded:  {sum(1 for s in students if s['error'])}")
PY
