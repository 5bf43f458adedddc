#!/usr/bin/env bash
# Scale-out check (issue 14): ocular eval through a real nginx (least_conn) in front of three real model servers,
# one killed mid-run and restarted; the run must lose nothing and score as an undisturbed run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
fi
python="$(bash scripts/realmodel/setup_venv.sh | tail -n 1)"
swift build --product ocular >/dev/null
ocular="$(swift build --show-bin-path)/ocular"
exec python3 scripts/realmodel/router_check.py --python "$python" --ocular "$ocular"
