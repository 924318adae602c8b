#!/usr/bin/env python3
"""LiteRT adapter for IntRS conformance packs (Vectors/conformance-pack.md).

Loads the .tflite file `intrs vectors export` wrote for every model of a pack (pack.json models[].exports,
format "tflite", SHA-256 checked; written by IntRS's TFLiteWriter, not converted here), runs it in LiteRT's
interpreter with 1 and 2 threads, at batch 1 and batch N (every case of the model stacked, tiled to at least 8
rows, after resize_tensor_input), and writes the outputs in the runner protocol (intrs-runtime-outputs v1).

    python3 tools/conform/litert_adapter.py PACK --resolver ref     --output litert-ref.json
    python3 tools/conform/litert_adapter.py PACK --resolver default --output litert-xnnpack.json

--resolver ref: the reference kernels (OpResolverType.BUILTIN_REF), every layer's output read back
(experimental_preserve_all_tensors). --resolver default: LiteRT's default resolver, which applies its
default XNNPACK delegate; only the model output is reported (tensors inside a delegated partition are not
observable). Tensors are found by name: the file names IntRS tensor k "t<k>". A model the pack has no .tflite
for (models[].notExported.tflite says why) is skipped and listed in runtime.skipped.
Requirements (pinned): tools/conform/requirements.txt.
"""
import argparse
import hashlib
import json
import pathlib
import sys

import numpy as np
from ai_edge_litert import interpreter as litert  # noqa: E402


def load_tflite(pack_dir, info):
    """The .tflite bytes of a pack model and its tensor indices by name, or raises LookupError with the reason."""
    files = [e for e in info.get("exports") or [] if e["format"] == "tflite"]
    if not files:
        raise LookupError((info.get("notExported") or {}).get("tflite", "the pack has no .tflite file for this model"))
    blob = (pack_dir / files[0]["file"]).read_bytes()
    if hashlib.sha256(blob).hexdigest() != files[0]["sha256"]:
        sys.exit(f"litert_adapter: {pack_dir / files[0]['file']}: SHA-256 differs from pack.json")
    it = litert.Interpreter(model_content=blob)
    ids = {d["name"]: d["index"] for d in it.get_tensor_details() if d["name"] in {t["name"] for t in info["tensors"]}}
    return blob, ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pack")
    ap.add_argument("--output", required=True)
    ap.add_argument("--resolver", choices=["ref", "default"], default="ref")
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    pack_dir = pathlib.Path(a.pack)
    pack = json.loads((pack_dir / "pack.json").read_text())
    built, skipped = {}, {}
    for info in pack["models"]:
        try:
            built[info["name"]] = (*load_tflite(pack_dir, info), info)
        except LookupError as e:
            skipped[info["name"]] = str(e.args[0])
            continue
    resolver = litert.OpResolverType.BUILTIN_REF if a.resolver == "ref" else litert.OpResolverType.AUTO
    by_model = {}
    for c in pack["cases"]:
        if c["model"] in built:
            by_model.setdefault(c["model"], []).append(c)
    runs = []
    for threads in [int(t) for t in a.threads.split(",")]:
        for batch in ("1", "N"):
            out_cases, copy_mismatch, nmax = [], 0, 1
            for name, cases in by_model.items():
                blob, ids, info = built[name]
                report = sorted(ids) if a.resolver == "ref" else [info["output"]]
                it = litert.Interpreter(model_content=blob, num_threads=threads, experimental_op_resolver_type=resolver,
                                        experimental_preserve_all_tensors=(a.resolver == "ref"))
                xshape = next(t["shape"] for t in info["tensors"] if t["name"] == "t0")
                xs = [np.array(c["inputs"]["t0"]["data"], dtype=np.int8).reshape(xshape) for c in cases]
                rows = xs if batch == "1" else [np.concatenate((xs * ((8 + len(xs) - 1) // len(xs)))[: max(8, len(xs))], axis=0)]
                per_case = []
                for xb in rows:
                    it.resize_tensor_input(ids["t0"], list(xb.shape))
                    it.allocate_tensors()
                    it.set_tensor(ids["t0"], xb)
                    it.invoke()
                    res = {n: it.get_tensor(ids[n]) for n in report if n != "t0"}
                    n = xb.shape[0]
                    nmax = max(nmax, n)
                    for k in range(min(n, len(xs))):
                        per_case.append({t: v[k] for t, v in res.items()})
                    for k in range(len(xs), n):
                        if any(not np.array_equal(v[k], v[k % len(xs)]) for v in res.values()):
                            copy_mismatch += 1
                for c, outs in zip(cases, per_case):
                    out_cases.append({"id": c["id"], "outputs": {
                        t: {"dtype": "int8", "shape": [1] + list(v.shape), "data": [int(q) for q in v.reshape(-1)]}
                        for t, v in outs.items()}})
            run = {"name": f"threads={threads},batch={batch}", "threads": threads, "batch": 1 if batch == "1" else nmax,
                   "cases": sorted(out_cases, key=lambda c: c["id"])}
            if copy_mismatch:
                run["notes"] = f"{copy_mismatch} tiled copies in the batch differ from the first copy of their case"
            runs.append(run)
    import importlib.metadata as md
    doc = {"format": "intrs-runtime-outputs", "version": 1,
           "runtime": {"name": "litert", "version": md.version("ai-edge-litert"),
                       "configuration": "reference kernels (BUILTIN_REF)" if a.resolver == "ref"
                       else "default resolver (AUTO: optimized kernels, default XNNPACK delegate)",
                       "skipped": skipped},
           "runs": runs}
    pathlib.Path(a.output).write_text(json.dumps(doc, indent=1) + "\n")
    print(f"litert_adapter ({a.resolver}): {len(built)} models run, {len(skipped)} skipped; wrote {a.output}")
    for n, why in skipped.items():
        print(f"  skipped {n}: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
