#!/bin/sh
# Screenshots an HTML report (ocular leaderboard --format html) in headless Chromium, to check that it renders.
#
#   scripts/screenshot_report.sh results/leaderboard.html [out.png] [width] [height]
#
# Writes out.png (default: the report's path with .png) and exits 0. When no Chromium is installed it says so and
# exits 0 without a picture (install it with `apt-get install -y chromium` on Debian). The report loads nothing from
# the network; Chromium runs without network access to the page's origin anyway (file://).
set -eu

report=${1:?usage: scripts/screenshot_report.sh REPORT.html [OUT.png] [WIDTH] [HEIGHT]}
out=${2:-${report%.*}.png}
width=${3:-1600}
height=${4:-1400}

if [ ! -f "$report" ]; then
  echo "screenshot_report.sh: $report: no such file" >&2
  exit 2
fi

browser=""
for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$candidate
    break
  fi
done
if [ -z "$browser" ]; then
  echo "screenshot_report.sh: no Chromium found; skipped (apt-get install -y chromium)" >&2
  exit 0
fi

absolute=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM

# --no-sandbox: containers usually run as root, where Chromium's sandbox cannot start.
"$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
  --user-data-dir="$profile" --window-size="$width,$height" --screenshot="$out" "file://$absolute" \
  >/dev/null 2>&1

if [ ! -s "$out" ]; then
  echo "screenshot_report.sh: Chromium wrote no screenshot" >&2
  exit 1
fi
echo "$out"
