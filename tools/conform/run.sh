#!/usr/bin/env bash
# Conformance of real runtimes against the int8-rules pack (README.md, `intrs conform`; tools/conform/README.md).
# Usage: tools/conform/run.sh INTRS [OUTDIR]
#   creates tools/.venv-conform (git-ignored) if needed, installs the exact pins of tools/conform/requirements.txt,
#   exports the pack, runs ONNX Runtime, LiteRT (reference kernels) and LiteRT (default resolver, XNNPACK) with
#   1 and 2 threads at batch 1 and 8, and requires each runtime to follow the rule the README's verdict table
#   states (intrs conform --rule ...). Reports (Markdown) go to OUTDIR (default: a temporary directory).
# Exit status: 0 all verdicts as stated; 1 a verdict changed or a step failed; 3 the pinned packages could not
#   be installed (no package index reachable), nothing was run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
intrs="$1"
out="${2:-$(mktemp -d)}"
venv="$root/tools/.venv-conform"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || { echo "run.sh: cannot create a venv with $python" >&2; exit 3; }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/tools/conform/requirements.txt" \
  || { echo "run.sh: cannot install tools/conform/requirements.txt" >&2; exit 3; }
mkdir -p "$out"
rm -rf "$out/pack"
"$intrs" vectors export --directory "$root/Vectors" --suite int8-rules -o "$out/pack"
export OMP_NUM_THREADS=1 PYTHONHASHSEED=0
"$venv/bin/python" "$root/tools/conform/onnx_adapter.py" "$out/pack" --output "$out/onnxruntime.json"
"$venv/bin/python" "$root/tools/conform/litert_adapter.py" "$out/pack" --resolver ref --output "$out/litert-ref.json"
"$venv/bin/python" "$root/tools/conform/litert_adapter.py" "$out/pack" --resolver default --output "$out/litert-xnnpack.json" 2> >(grep -v "^INFO: Created TensorFlow Lite XNNPACK delegate" >&2)
status=0
check() {
  echo "== $1 (expected: $2)"
  "$intrs" conform "$out/pack" "$out/$1.json" --rule "$2" --markdown "$out/$1.md" | grep -v "^  run " || status=1
}
check onnxruntime float32-half-even
check litert-ref fullyConnected=float64-half-away,conv2d=double-rounding,depthwiseConv2d=double-rounding
check litert-xnnpack float32-half-even
# ONNX Runtime on the QDQ form: reported, not asserted (its depthwise outputs follow none of the known rules).
"$venv/bin/python" "$root/tools/conform/onnx_adapter.py" "$out/pack" --form qdq --output "$out/onnxruntime-qdq.json"
echo "== onnxruntime-qdq (reported only)"
"$intrs" conform "$out/pack" "$out/onnxruntime-qdq.json" --markdown "$out/onnxruntime-qdq.md" | grep -v "^  run " || status=1
echo "reports: $out/*.md"
exit $status
