#!/usr/bin/env bash
# Real-browser check of `ocular view`: headless Chromium driven by Selenium opens the page served over a fresh run
# store, filters, opens samples, checks images load, checks hostile model output renders as text, and compares two
# runs side by side. Prints `N passed, M failed` and exits non-zero on any failure.
#
#   bash scripts/check_browser.sh [--screenshots DIR]     (docs/ refreshes the pictures in docs/viewer.md)
#
# Installs what it needs, idempotently: Debian's chromium and chromium-driver (apt-get) and a venv with selenium
# under ~/.cache/ocular/venv-browser (pip, only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "check_browser: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv="$HOME/.cache/ocular/venv-browser"
if ! "$venv/bin/python" -c "import selenium" >/dev/null 2>&1; then
  echo "check_browser: creating $venv with selenium"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q selenium
fi

swift build --product ocular >/dev/null 2>&1 || swift build --product ocular
exec "$venv/bin/python" scripts/check_browser.py --ocular "$(swift build --show-bin-path)/ocular" "$@"
