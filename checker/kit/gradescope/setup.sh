#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (network available). It installs the Rust toolchain, builds the checker,
# and builds the suites' dependencies by grading the stubs once, so that each
# submission compiles only its own crates.
set -euo pipefail

apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates curl gcc libc6-dev python3 >/dev/null
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | sh -s -- -y --quiet --profile minimal --default-toolchain stable
# shellcheck source=/dev/null
. "$HOME/.cargo/env"

cd /autograder/source
# Not --locked: the bundle's workspace has no solutions, so cargo drops their
# entries from Cargo.lock (every other version stays as locked).
cargo build --quiet --release -p checker
./target/release/checker --repo . --quiet --format json --output json=/tmp/stubs.json
