#!/usr/bin/env bash
# One command: install deps if missing, train, export to ONNX, verify, write model.json + MODEL_CARD.md.
# usage: inference-processor/training/train.sh [default|tiny|all]     (default: default)
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3   # Debian's python (python3-torch); a pyenv python3 on PATH has no torch

missing=()
for p in python3-torch python3-onnx python3-numpy libopenblas0-openmp; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi

case "${1:-default}" in
  default) configs=(default) ;;
  tiny)    configs=(tiny) ;;
  all)     configs=(default tiny) ;;
  *) echo "usage: $0 [default|tiny|all]" >&2; exit 2 ;;
esac

mkdir -p out
for c in "${configs[@]}"; do
  echo "=== $c: train ==="
  $PY train.py --config "$c" 2>&1 | tee "out/train-$c.log"
  echo "=== $c: export + verify ==="
  $PY export.py --config "$c" 2>&1 | tee "out/export-$c.log"
done
