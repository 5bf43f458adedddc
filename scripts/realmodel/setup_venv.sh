#!/usr/bin/env bash
# Creates (or reuses) the Python venv of the real-model check and prints its python's path on the last stdout line.
#
#   python=$(bash scripts/realmodel/setup_venv.sh | tail -n 1)
#
# The venv lives outside the clone, at ${OCULAR_CACHE:-$HOME/.cache/ocular}/venv-realmodel, with the versions
# pinned in scripts/realmodel/requirements.txt. A marker file holding a hash of that file is written last, so an
# interrupted install is redone and a changed requirements file reinstalls; a complete venv is reused in a second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/requirements.txt"
cache="${OCULAR_CACHE:-$HOME/.cache/ocular}"
venv="$cache/venv-realmodel"
marker="$venv/.ocular-complete"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  echo "real-model venv: reusing $venv" >&2
  echo "$venv/bin/python"
  exit 0
fi

host_python="${PYTHON:-python3}"
if ! "$host_python" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null; then
  echo "setup_venv.sh: $host_python is missing or older than 3.10; install python3 (>= 3.10) with venv support" >&2
  exit 1
fi
if ! "$host_python" -c 'import venv, ensurepip' 2>/dev/null; then
  # Debian splits venv/ensurepip into python3-venv; install it when we may (CI runs as root).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 && apt-get install -y --no-install-recommends python3-venv >&2
  else
    echo "setup_venv.sh: $host_python has no venv/ensurepip module; install python3-venv" >&2
    exit 1
  fi
fi

start=$(date +%s)
echo "real-model venv: installing into $venv (first time about 5 min and 5.7 GB; cached after)" >&2
mkdir -p "$cache"
rm -rf "$venv"
"$host_python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q --upgrade pip >&2
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$requirements" >&2
"$venv/bin/python" -c 'import torch, torchvision, transformers, accelerate, PIL, fastapi, uvicorn' >&2
echo "$want" >"$marker"
echo "real-model venv: installed in $(($(date +%s) - start)) s ($(du -sh "$venv" | cut -f1))" >&2
echo "$venv/bin/python"
