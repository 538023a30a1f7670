#!/usr/bin/env bash
# Renders a class report (`checker class-report`) in headless Chromium to a
# PNG, so a person can look at it. Needs Debian's chromium package
# (`apt-get install chromium`); not part of CI.
#
# usage: scripts/render-class-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
set -euo pipefail
report=${1:?usage: scripts/render-class-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]}
png=${2:-${report%.html}.png}
size=${3:-1200x2400}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium is not installed: apt-get install chromium" >&2
    exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# The flags keep a headless Chromium from reaching out to the network (the
# page needs none) and from needing a sandbox of its own when run as root.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars \
    --window-size="${size/x/,}" --screenshot="$(realpath -m "$png")" \
    "file://$(realpath "$report")" 2>/dev/null
echo "rendered $report to $png ($size)"
