#!/usr/bin/env bash
# Writes the .tflite fixtures and the digits .tflite, and records LiteRT's reference-kernel outputs:
#   creates tools/.venv (git-ignored) if needed, installs the exact pins of tools/tflite/requirements.txt,
#   then runs tools/tflite/make_fixtures.py (fixed seed). `--check` then fails if any output differs from the
#   committed files (git diff). See tools/tflite/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/tools/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || { echo "make.sh: cannot create a venv with $python (Debian: apt-get install python3-venv)" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/tools/tflite/requirements.txt"
export OMP_NUM_THREADS=1 PYTHONHASHSEED=0
"$venv/bin/python" "$root/tools/tflite/make_fixtures.py"
if [ "${1:-}" = "--check" ]; then
  cd "$root"
  git diff --exit-code --stat -- Tests/Fixtures/tflite Sources/IntRSCLI/Resources/digits-cnn.v1.tflite Fuzz/corpus/tflite && echo "same"
fi
