#!/usr/bin/env python3
"""ONNX Runtime adapter for IntRS conformance packs (Vectors/conformance-pack.md).

Builds an ONNX graph (QLinearConv, per-channel weight scales) from every IntRS int8 model of a pack, runs it
with ONNX Runtime's CPU provider with 1 and 2 intra-op threads, at batch 1 (one case at a time) and batch N
(every case of the model stacked, tiled to at least 8 rows), and writes the outputs in the runner protocol
(format intrs-runtime-outputs v1): every layer's output tensor ("t1" ... ), not only the last.

Usage:
    python3 tools/conform/onnx_adapter.py PACK --output OUTPUTS.json [--save-onnx DIR]
    intrs conform PACK OUTPUTS.json [--rule float32-half-even]

Requirements (pinned): tools/conform/requirements-onnx.txt.

Mapping (IntRS tensors are NHWC; ONNX Conv is NCHW, so each conv is wrapped in Transposes):
    conv2d           -> QLinearConv, W OHWI -> OIHW, explicit pads (TFLite SAME: before = total // 2)
    depthwiseConv2d  -> QLinearConv with group = C, W [1, KH, KW, C*m] -> [C*m, 1, KH, KW]
    fullyConnected   -> Reshape [N, n, 1, 1], 1x1 QLinearConv, Reshape [N, O]
    maxPool2d        -> MaxPool (int8), padding skipped as TFLite does
    reshape, flatten -> Reshape
    activation clamp -> Clip (int8) when it is narrower than [-128, 127]
averagePool2d and add are not exported (ONNX Runtime has only float-based com.microsoft QLinear versions whose
parameters IntRS does not model); a pack model containing them is skipped and listed in runtime.skipped.
Scales are the pack's float32 values (pack.json: tensors[].scale, filterScales), read from their IEEE bits.
"""
import argparse
import json
import pathlib
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort


def f32(x):
    """A pack float32 ({"value", "bits"}) as a Python float holding that binary32 value."""
    return struct.unpack("<f", struct.pack("<I", int(x["bits"], 16)))[0]


class Unsupported(Exception):
    pass


FORM = "qlinear"


def pads_for(size, kernel, stride, dilation, padding):
    """TFLite output size and padding (before, after) of one spatial dimension."""
    eff = (kernel - 1) * dilation + 1
    if padding == "same":
        out = (size + stride - 1) // stride
        total = max(0, (out - 1) * stride + eff - size)
        return out, total // 2, total - total // 2
    out = (size - eff) // stride + 1
    return out, 0, 0


def build_onnx(model, info):
    """The ONNX model for one IntRS model; tensor k of IntRS is ONNX value "t<k>" (NHWC, batch first)."""
    nodes, inits = [], []
    tinfo = {t["name"]: t for t in info["tensors"]}
    shapes = {t["name"]: t["shape"][1:] for t in info["tensors"]}

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def scale(t):
        return const(f"{t}_scale", np.array(f32(tinfo[t]["scale"]), dtype=np.float32))

    def zp(t):
        return const(f"{t}_zp", np.array(tinfo[t]["zeroPoint"], dtype=np.int8))

    for i, L in enumerate(model["layers"]):
        op = L["op"]
        src = f"t{(L.get('inputs') or [i])[0]}"
        dst = f"t{i + 1}"
        xs = shapes[src]
        amin, amax = L.get("activationMin", -128), L.get("activationMax", 127)
        raw = dst if (amin, amax) == (-128, 127) else f"{dst}_raw"
        if op in ("conv2d", "depthwiseConv2d", "fullyConnected"):
            fs = np.array([f32(s) for s in info["filterScales"][str(i)]], dtype=np.float32)
            bias = decode_tensor(L["bias"]).astype(np.int32) if L.get("bias") else np.zeros(len(fs), dtype=np.int32)
            if op == "fullyConnected":
                n = int(np.prod(xs))
                w = decode_tensor(L["filter"]).astype(np.int8).reshape(len(fs), n, 1, 1)
                nodes.append(helper.make_node("Reshape", [src, const(f"{dst}_s4", np.array([0, n, 1, 1], dtype=np.int64))], [f"{dst}_x4"]))
                xin, attrs, after = f"{dst}_x4", dict(kernel_shape=[1, 1]), ("Reshape", np.array([0, len(fs)], dtype=np.int64))
            else:
                kh, kw = L["filter"]["shape"][1], L["filter"]["shape"][2]
                sh, sw = L.get("stride", [1, 1])
                dh, dw = L.get("dilation", [1, 1])
                _, pt, pb = pads_for(xs[0], kh, sh, dh, L["padding"])
                _, pl, pr = pads_for(xs[1], kw, sw, dw, L["padding"])
                f = decode_tensor(L["filter"]).astype(np.int8).reshape(L["filter"]["shape"])
                if op == "conv2d":
                    w, group = f.transpose(0, 3, 1, 2), 1
                else:
                    w, group = f.transpose(3, 0, 1, 2), xs[2]
                nodes.append(helper.make_node("Transpose", [src], [f"{dst}_nchw_in"], perm=[0, 3, 1, 2]))
                xin = f"{dst}_nchw_in"
                attrs = dict(kernel_shape=[kh, kw], strides=[sh, sw], dilations=[dh, dw], pads=[pt, pl, pb, pr], group=group)
                after = ("Transpose", None)
            if FORM == "qlinear":
                nodes.append(helper.make_node(
                    "QLinearConv",
                    [xin, scale(src), zp(src), const(f"{dst}_w", np.ascontiguousarray(w)), const(f"{dst}_ws", fs),
                     const(f"{dst}_wz", np.zeros(len(fs), dtype=np.int8)), scale(dst), zp(dst), const(f"{dst}_b", bias)],
                    [f"{dst}_conv"], **attrs))
            else:
                # QDQ: DequantizeLinear (activation per tensor, weights and int32 bias per channel) -> float Conv
                # -> QuantizeLinear. The bias scale is float32(S_in * S_w[c]).
                s_in = np.float32(f32(tinfo[src]["scale"]))
                nodes.append(helper.make_node("DequantizeLinear", [xin, scale(src), zp(src)], [f"{dst}_xf"]))
                nodes.append(helper.make_node("DequantizeLinear", [const(f"{dst}_w", np.ascontiguousarray(w)), const(f"{dst}_ws", fs),
                                                                   const(f"{dst}_wz", np.zeros(len(fs), dtype=np.int8))], [f"{dst}_wf"], axis=0))
                nodes.append(helper.make_node("DequantizeLinear", [const(f"{dst}_b", bias), const(f"{dst}_bs", (s_in * fs).astype(np.float32)),
                                                                   const(f"{dst}_bz", np.zeros(len(fs), dtype=np.int32))], [f"{dst}_bf"], axis=0))
                nodes.append(helper.make_node("Conv", [f"{dst}_xf", f"{dst}_wf", f"{dst}_bf"], [f"{dst}_yf"], **attrs))
                nodes.append(helper.make_node("QuantizeLinear", [f"{dst}_yf", scale(dst), zp(dst)], [f"{dst}_conv"]))
            if after[0] == "Reshape":
                nodes.append(helper.make_node("Reshape", [f"{dst}_conv", const(f"{dst}_s2", after[1])], [raw]))
            else:
                nodes.append(helper.make_node("Transpose", [f"{dst}_conv"], [raw], perm=[0, 2, 3, 1]))
        elif op == "maxPool2d":
            kh, kw = L["poolSize"]
            sh, sw = L.get("stride", [1, 1])
            _, pt, pb = pads_for(xs[0], kh, sh, 1, L["padding"])
            _, pl, pr = pads_for(xs[1], kw, sw, 1, L["padding"])
            nodes.append(helper.make_node("Transpose", [src], [f"{dst}_nchw_in"], perm=[0, 3, 1, 2]))
            nodes.append(helper.make_node("MaxPool", [f"{dst}_nchw_in"], [f"{dst}_pool"], kernel_shape=[kh, kw],
                                          strides=[sh, sw], pads=[pt, pl, pb, pr]))
            nodes.append(helper.make_node("Transpose", [f"{dst}_pool"], [raw], perm=[0, 2, 3, 1]))
        elif op in ("reshape", "flatten"):
            target = [0] + list(shapes[dst])
            nodes.append(helper.make_node("Reshape", [src, const(f"{dst}_shape", np.array(target, dtype=np.int64))], [raw]))
        else:
            raise Unsupported(f"layer {i}: op {op} is not exported to ONNX by this adapter")
        if raw != dst:
            nodes.append(helper.make_node("Clip", [raw, const(f"{dst}_lo", np.array(amin, dtype=np.int8)),
                                                   const(f"{dst}_hi", np.array(amax, dtype=np.int8))], [dst]))

    n_tensors = len(model["layers"]) + 1
    def vi(k):
        return helper.make_tensor_value_info(f"t{k}", TensorProto.INT8, ["N"] + list(shapes[f"t{k}"]))
    graph = helper.make_graph(nodes, info["name"], [vi(0)], [vi(k) for k in range(1, n_tensors)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="intrs tools/conform/onnx_adapter.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def decode_tensor(t):
    """Decodes an IntRS Int8Tensor (base64 little-endian data; see Vectors/model-format.md)."""
    import base64
    dtype = {"int8": np.int8, "int32": "<i4", "float32": "<f4"}[t["dtype"]]
    return np.frombuffer(base64.b64decode(t["data"]), dtype=dtype)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pack")
    ap.add_argument("--output", required=True)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--save-onnx", help="also write each ONNX model into this directory")
    ap.add_argument("--form", choices=["qlinear", "qdq"], default="qlinear",
                    help="QLinearConv nodes, or QDQ (DequantizeLinear -> Conv -> QuantizeLinear)")
    ap.add_argument("--optimization", choices=["all", "disable"], default="all",
                    help="ONNX Runtime graph optimization level (all: default, fuses QDQ into QLinear kernels; disable: none)")
    a = ap.parse_args()
    global FORM
    FORM = a.form
    pack_dir = pathlib.Path(a.pack)
    pack = json.loads((pack_dir / "pack.json").read_text())
    sessions, skipped = {}, {}
    for info in pack["models"]:
        model = json.loads((pack_dir / info["file"]).read_text())
        try:
            om = build_onnx(model, info)
        except Unsupported as e:
            skipped[info["name"]] = str(e)
            continue
        if a.save_onnx:
            pathlib.Path(a.save_onnx).mkdir(parents=True, exist_ok=True)
            onnx.save(om, str(pathlib.Path(a.save_onnx) / f"{info['name']}.onnx"))
        sessions[info["name"]] = (om.SerializeToString(), info)
    runs = []
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
                        n: {"dtype": "int8", "shape": [1] + list(v.shape), "data": [int(x) for x in v.reshape(-1)]}
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
