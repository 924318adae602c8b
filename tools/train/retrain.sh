#!/usr/bin/env bash
# Retrains the shipped digits model from scratch, deterministically:
#   creates tools/.venv (git-ignored) if needed, installs the exact pins of tools/train/requirements.txt,
#   then runs tools/train/train.py with its fixed seed on one BLAS thread. Extra arguments go to train.py.
# Writes Sources/IntRSCLI/Resources/digits-cnn.v1.json, Sources/IntRSCLI/Resources/digits-test.v1.json
# and tools/train/expected/digits-cnn.v1.test-logits.json. See tools/train/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/tools/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || { echo "retrain.sh: cannot create a venv with $python (Debian: apt-get install python3-venv)" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/tools/train/requirements.txt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 BLIS_NUM_THREADS=1 PYTHONHASHSEED=0
exec "$venv/bin/python" "$root/tools/train/train.py" --root "$root" "$@"
