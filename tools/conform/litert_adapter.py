#!/usr/bin/env python3
"""LiteRT adapter for IntRS conformance packs (Vectors/conformance-pack.md).

Writes a .tflite model for every IntRS int8 model of a pack (with the FlatBuffers builder of
tools/tflite/make_fixtures.py, imported, and the pack's float32 scales and zero points), runs it in LiteRT's
interpreter with 1 and 2 threads, at batch 1 and batch N (every case of the model stacked, tiled to at least 8
rows, after resize_tensor_input), and writes the outputs in the runner protocol (intrs-runtime-outputs v1).

    python3 tools/conform/litert_adapter.py PACK --resolver ref     --output litert-ref.json
    python3 tools/conform/litert_adapter.py PACK --resolver default --output litert-xnnpack.json

--resolver ref: the reference kernels (OpResolverType.BUILTIN_REF), every layer's output read back
(experimental_preserve_all_tensors). --resolver default: LiteRT's default resolver, which applies its
default XNNPACK delegate; only the model output is reported (tensors inside a delegated partition are not
observable). Requirements (pinned): tools/conform/requirements-litert.txt.

Mapping: conv2d -> CONV_2D, depthwiseConv2d -> DEPTHWISE_CONV_2D (per-channel, quantized dimension 3),
fullyConnected -> FULLY_CONNECTED (per-channel), averagePool2d -> AVERAGE_POOL_2D, maxPool2d -> MAX_POOL_2D,
reshape / flatten -> RESHAPE (new shape [-1, ...] so the batch can grow). Bias scale = float32(S_in * S_w[c]).
The activation clamp is written as the fused activation (NONE, RELU, RELU6); a model whose clamp is not the
one LiteRT derives from that activation and the output scale, or that has add (LiteRT derives ADD's
multipliers from the scales, IntRS models store their own), is skipped and listed in runtime.skipped.
"""
import argparse
import base64
import json
import pathlib
import struct
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tflite"))
from make_fixtures import Graph, conv_opts, dw_opts, fc_opts, pool_opts, reshape_opts  # noqa: E402
from ai_edge_litert import interpreter as litert  # noqa: E402


def f32(x):
    return struct.unpack("<f", struct.pack("<I", int(x["bits"], 16)))[0]


class Unsupported(Exception):
    pass


def decode(t, dtype):
    return np.frombuffer(base64.b64decode(t["data"]), dtype=dtype)


def clamp_of(act, zp, scale):
    """The int8 clamp TFLite derives from a fused activation (CalculateActivationRangeQuantized)."""
    if act == "none":
        return -128, 127
    lo = max(-128, zp)
    if act == "relu":
        return lo, 127
    return lo, min(127, zp + int(np.round(np.float64(6.0) / np.float64(np.float32(scale)))))


def build_tflite(model, info):
    g = Graph(f"IntRS conformance pack model {info['name']} (tools/conform/litert_adapter.py)")
    tinfo = {t["name"]: t for t in info["tensors"]}
    ids = {}

    def act_tensor(name):
        t = tinfo[name]
        ids[name] = g.tensor(name, t["shape"], "int8", [f32(t["scale"])], [t["zeroPoint"]])
        return ids[name]

    x0 = act_tensor("t0")
    for i, L in enumerate(model["layers"]):
        op = L["op"]
        src = f"t{(L.get('inputs') or [i])[0]}"
        dst = f"t{i + 1}"
        act = L.get("fusedActivation", "none")
        if op in ("conv2d", "depthwiseConv2d", "fullyConnected", "averagePool2d", "maxPool2d"):
            want = (L.get("activationMin", -128), L.get("activationMax", 127))
            if clamp_of(act, tinfo[dst]["zeroPoint"], f32(tinfo[dst]["scale"])) != want:
                raise Unsupported(f"layer {i}: clamp {want} is not what LiteRT derives from fused activation {act}")
        x = ids[src]
        if op in ("conv2d", "depthwiseConv2d", "fullyConnected"):
            scales = [f32(s) for s in info["filterScales"][str(i)]]
            shape = L["filter"]["shape"]
            w = decode(L["filter"], np.int8).reshape(shape)
            qdim = 3 if op == "depthwiseConv2d" else 0
            wt = g.tensor(f"{dst}/filter", shape, "int8", scales, [0] * len(scales), qdim, w)
            b = decode(L["bias"], "<i4") if L.get("bias") else np.zeros(len(scales), dtype="<i4")
            s_in = np.float32(f32(tinfo[src]["scale"]))
            bt = g.tensor(f"{dst}/bias", [len(b)], "int32", [float(s_in * np.float32(s)) for s in scales], [0] * len(scales), 0,
                          np.ascontiguousarray(b))
            y = act_tensor(dst)
            if op == "conv2d":
                g.op("CONV_2D", [x, wt, bt], [y], conv_opts(L["padding"], L.get("stride", [1, 1]), L.get("dilation", [1, 1]), act))
            elif op == "depthwiseConv2d":
                g.op("DEPTHWISE_CONV_2D", [x, wt, bt], [y],
                     dw_opts(L["padding"], L.get("stride", [1, 1]), L.get("dilation", [1, 1]), L.get("depthMultiplier", 1), act))
            else:
                g.op("FULLY_CONNECTED", [x, wt, bt], [y], fc_opts(act))
        elif op in ("averagePool2d", "maxPool2d"):
            y = act_tensor(dst)
            g.op("AVERAGE_POOL_2D" if op == "averagePool2d" else "MAX_POOL_2D", [x], [y],
                 pool_opts(L["padding"], L.get("stride", [1, 1]), L["poolSize"], act))
        elif op in ("reshape", "flatten"):
            out_shape = tinfo[dst]["shape"][1:]
            y = act_tensor(dst)
            shp = g.tensor(f"{dst}/shape", [1 + len(out_shape)], "int32", data=np.array([-1] + out_shape, dtype=np.int32))
            g.op("RESHAPE", [x, shp], [y], reshape_opts([-1] + out_shape))
        else:
            raise Unsupported(f"layer {i}: op {op} is not exported to .tflite by this adapter")
    g.inputs, g.outputs = [x0], [ids[info["output"]]]
    return g.serialize(), ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pack")
    ap.add_argument("--output", required=True)
    ap.add_argument("--resolver", choices=["ref", "default"], default="ref")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--save-tflite", help="also write each .tflite model into this directory")
    a = ap.parse_args()
    pack_dir = pathlib.Path(a.pack)
    pack = json.loads((pack_dir / "pack.json").read_text())
    built, skipped = {}, {}
    for info in pack["models"]:
        model = json.loads((pack_dir / info["file"]).read_text())
        try:
            built[info["name"]] = (*build_tflite(model, info), info)
        except Unsupported as e:
            skipped[info["name"]] = str(e)
            continue
        if a.save_tflite:
            pathlib.Path(a.save_tflite).mkdir(parents=True, exist_ok=True)
            (pathlib.Path(a.save_tflite) / f"{info['name']}.tflite").write_bytes(built[info["name"]][0])
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
