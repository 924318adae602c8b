#!/usr/bin/env python3
"""ONNX Runtime adapter for IntRS conformance packs (Vectors/conformance-pack.md).

Loads the ONNX file `intrs vectors export` wrote for every model of a pack (pack.json models[].exports, format
"onnx-qlinear" or "onnx-qdq", SHA-256 checked; written by IntRS's ONNXWriter, not converted here), checks it
with onnx.checker (full check, shape inference), runs it with ONNX Runtime's CPU provider with 1 and 2
intra-op threads, at batch 1 (one case at a time) and batch N (every case of the model stacked, tiled to at
least 8 rows), and writes the outputs in the runner protocol (format intrs-runtime-outputs v1): every layer's
output tensor ("t1" ... ), not only the last.

Usage:
    python3 tools/conform/onnx_adapter.py PACK --output OUTPUTS.json [--form qlinear|qdq] [--optimization all|disable]
    intrs conform PACK OUTPUTS.json [--rule float32-half-even]

Requirements (pinned): tools/conform/requirements.txt. The graphs (ONNXWriter's doc comment and
tools/conform/README.md): conv2d, depthwiseConv2d and fullyConnected as QLinearConv (or QDQ around a float
Conv), maxPool2d as int8 MaxPool, averagePool2d and add as QDQ around a float AveragePool / Add, pad as Pad,
reshape and flatten as Reshape, a narrow clamp as Clip; NHWC tensors, Transposes around the NCHW operators.
"""
import argparse
import hashlib
import json
import pathlib
import sys

import numpy as np
import onnx
import onnxruntime as ort


def load_onnx(pack_dir, info, form):
    """The ONNX bytes of a pack model in `form`, checked, or raises LookupError with the reason."""
    fmt = f"onnx-{form}"
    files = [e for e in info.get("exports") or [] if e["format"] == fmt]
    if not files:
        raise LookupError((info.get("notExported") or {}).get(fmt, f"the pack has no {fmt} file for this model"))
    path = pack_dir / files[0]["file"]
    blob = path.read_bytes()
    if hashlib.sha256(blob).hexdigest() != files[0]["sha256"]:
        sys.exit(f"onnx_adapter: {path}: SHA-256 differs from pack.json")
    try:
        onnx.checker.check_model(onnx.load_from_string(blob), full_check=True)
    except Exception as e:  # noqa: BLE001 - report any checker failure with the file
        sys.exit(f"onnx_adapter: {path}: onnx.checker refuses the file: {e}")
    return blob


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pack")
    ap.add_argument("--output", required=True)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--form", choices=["qlinear", "qdq"], default="qlinear",
                    help="QLinearConv nodes, or QDQ (DequantizeLinear -> Conv -> QuantizeLinear)")
    ap.add_argument("--npy", action="store_true",
                    help="read each input from the pack's npy/case-ID/t0.npy (checked against pack.json) and write every output "
                         "as a .npy file beside OUTPUT (OUTPUT-stem.npy/RUN/case-ID/TENSOR.npy), referenced as {\"npy\": path}")
    ap.add_argument("--optimization", choices=["all", "disable"], default="all",
                    help="ONNX Runtime graph optimization level (all: default, fuses QDQ into QLinear kernels; disable: none)")
    a = ap.parse_args()
    pack_dir = pathlib.Path(a.pack)
    pack = json.loads((pack_dir / "pack.json").read_text())
    sessions, skipped = {}, {}
    for info in pack["models"]:
        try:
            sessions[info["name"]] = (load_onnx(pack_dir, info, a.form), info)
        except LookupError as e:
            skipped[info["name"]] = str(e.args[0])
    runs = []
    out_path = pathlib.Path(a.output)

    def npy_ref(run_index, case_id, name, v):
        rel = pathlib.Path(f"{out_path.stem}.npy") / f"run{run_index}" / f"case-{case_id}" / f"{name}.npy"
        (out_path.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        np.save(out_path.parent / rel, np.ascontiguousarray(v.reshape((1,) + v.shape)).astype(np.int8), allow_pickle=False)
        return {"npy": str(rel)}

    for threads in [int(t) for t in a.threads.split(",")]:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if a.optimization == "all"
                                          else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
        live = {n: ort.InferenceSession(b, opts, providers=["CPUExecutionProvider"]) for n, (b, _) in sessions.items()}
        for batch in ("1", "N"):
            out_cases, copy_mismatch = [], 0
            by_model = {}
            for c in pack["cases"]:
                if c["model"] in live:
                    by_model.setdefault(c["model"], []).append(c)
            for name, cases in by_model.items():
                sess, info = live[name], sessions[name][1]
                names = [o.name for o in sess.get_outputs()]
                xshape = next(t["shape"] for t in info["tensors"] if t["name"] == "t0")
                xs = [np.array(c["inputs"]["t0"]["data"], dtype=np.int8).reshape(xshape) for c in cases]
                if a.npy:
                    for c, x in zip(cases, xs):
                        y = np.load(pack_dir / "npy" / f"case-{c['id']}" / "t0.npy", allow_pickle=False)
                        if y.dtype != np.int8 or not np.array_equal(y, x):
                            sys.exit(f"onnx_adapter: {pack_dir}/npy/case-{c['id']}/t0.npy differs from pack.json's input")
                if batch == "1":
                    results = [sess.run(names, {"t0": x}) for x in xs]
                    per_case = [[r[0] for r in res] for res in results]
                else:
                    tiled = (xs * ((8 + len(xs) - 1) // len(xs)))[: max(8, len(xs))]
                    res = sess.run(names, {"t0": np.concatenate(tiled, axis=0)})
                    per_case = [[r[k] for r in res] for k in range(len(xs))]
                    for k in range(len(xs), len(tiled)):
                        if any(not np.array_equal(r[k], r[k % len(xs)]) for r in res):
                            copy_mismatch += 1
                for c, outs in zip(cases, per_case):
                    out_cases.append({"id": c["id"], "outputs": {
                        n: npy_ref(len(runs), c["id"], n, v) if a.npy else
                        {"dtype": "int8", "shape": [1] + list(v.shape), "data": [int(x) for x in v.reshape(-1)]}
                        for n, v in zip(names, outs)}})
            run = {"name": f"threads={threads},batch={batch}", "threads": threads,
                   "batch": 1 if batch == "1" else max(8, max((len(v) for v in by_model.values()), default=1)),
                   "cases": sorted(out_cases, key=lambda c: c["id"])}
            if copy_mismatch:
                run["notes"] = f"{copy_mismatch} tiled copies in the batch differ from the first copy of their case"
            runs.append(run)
    doc = {"format": "intrs-runtime-outputs", "version": 1,
           "runtime": {"name": "onnxruntime", "version": ort.__version__,
                       "configuration": f"CPUExecutionProvider, {'QLinearConv' if a.form == 'qlinear' else 'QDQ'} graph (onnx {onnx.__version__}), "
                                        + ("default graph optimizations" if a.optimization == "all" else "graph optimizations disabled"),
                       "skipped": skipped},
           "runs": runs}
    pathlib.Path(a.output).write_text(json.dumps(doc, indent=1) + "\n")
    print(f"onnx_adapter: {len(sessions)} models run, {len(skipped)} skipped; wrote {a.output}")
    for n, why in skipped.items():
        print(f"  skipped {n}: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
