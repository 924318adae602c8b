#!/usr/bin/env bash
# Conformance of real runtimes against the int8-rules pack (README.md, `intrs conform`; tools/conform/README.md).
# Usage: tools/conform/run.sh INTRS [OUTDIR]
#   creates tools/.venv-conform (git-ignored) if needed, installs the exact pins of tools/conform/requirements.txt,
#   exports the int8-rules and int8-ops packs (models as .tflite and ONNX written by intrs), runs ONNX Runtime,
#   LiteRT (reference kernels) and LiteRT (default resolver, XNNPACK) with 1 and 2 threads at batch 1 and 8,
#   and requires each runtime to follow the rule the README's verdict table states (intrs conform --rule ...). Reports (Markdown) go to OUTDIR (default: a temporary directory).
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
# (Its outputs travel as .npy files, {"npy": path}, and its inputs are read from the pack's .npy files.)
rm -rf "$out/onnxruntime-qdq.npy"
"$venv/bin/python" "$root/tools/conform/onnx_adapter.py" "$out/pack" --form qdq --npy --output "$out/onnxruntime-qdq.json"
echo "== onnxruntime-qdq (reported only)"
"$intrs" conform "$out/pack" "$out/onnxruntime-qdq.json" --markdown "$out/onnxruntime-qdq.md" | grep -v "^  run " || status=1
# The int8-ops pack (small random models, one per op and case: every op, add, pools, pad, mean, mul, broadcasting add
# and concatenation included; the .tflite and ONNX files written by intrs vectors export). Its cases separate the
# rules only where they happen to (Vectors/README.md).
rm -rf "$out/ops-pack"
"$intrs" vectors export --directory "$root/Vectors" --suite int8-ops -o "$out/ops-pack"
"$venv/bin/python" "$root/tools/conform/litert_adapter.py" "$out/ops-pack" --resolver ref --output "$out/ops-litert-ref.json"
"$venv/bin/python" "$root/tools/conform/litert_adapter.py" "$out/ops-pack" --resolver default --output "$out/ops-litert-xnnpack.json" 2> >(grep -v "^INFO: Created TensorFlow Lite XNNPACK delegate" >&2)
"$venv/bin/python" "$root/tools/conform/onnx_adapter.py" "$out/ops-pack" --output "$out/ops-onnxruntime.json"
checkops() {
  echo "== $1 on int8-ops (expected: $2)"
  "$intrs" conform "$out/ops-pack" "$out/$1.json" --rule "$2" --markdown "$out/$1.md" | grep -v "^  run " || status=1
}
checkops ops-litert-ref double-rounding
# XNNPACK: float32 requantisation on the convolutions; ADD, pools, reshape, pad and concatenation as the reference (any
# rule); MEAN follows single rounding (measured, README.md); MUL is reported, not asserted: its second operand is
# mostly a MEAN inside the delegated graph, whose output the delegate does not expose, so the rules' own (double-
# rounding) mean stands in for XNNPACK's single-rounding one.
checkops ops-litert-xnnpack conv2d=float32-half-even,depthwiseConv2d=float32-half-even,fullyConnected=float32-half-even,add=double-rounding,averagePool2d=float32-half-even,maxPool2d=float32-half-even,reshape=float32-half-even,flatten=float32-half-even,pad=float32-half-even,mean=single-rounding,concatenation=float32-half-even,mul=unasserted
# ONNX Runtime: reported, not asserted (its averagePool2d, mean, mul and broadcasting add, float operators between
# DequantizeLinear and QuantizeLinear, follow none of the known rules).
echo "== ops-onnxruntime on int8-ops (reported only)"
"$intrs" conform "$out/ops-pack" "$out/ops-onnxruntime.json" --markdown "$out/ops-onnxruntime.md" | grep -v "^  run " || status=1
echo "reports: $out/*.md"
exit $status
