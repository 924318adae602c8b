#!/usr/bin/env python3
"""Peer benchmark: the IntRS benchmark CNN in ONNX Runtime, int8 (QDQ, per-channel weights) and float32.

Usage: python tools/onnx_peer/bench_onnxruntime.py [--model Benchmarks/cifar-cnn.model.json]
           [--batch 128] [--rounds 5] [--threads 1 2] [--save-dir DIR]
       python tools/onnx_peer/bench_onnxruntime.py --serve --input FILE --batch N [--model ...]

The second form is the peer that `intrs bench int8 --onnxruntime PYTHON` starts once, so that ONNX Runtime's
rounds interleave with the IntRS rows on the same inputs (protocol below, under `serve`).

Reads an intrs-int8-model (conv2d / maxPool2d / flatten / fullyConnected only), exports two ONNX graphs with
the `onnx` package (NCHW; a Transpose before Flatten keeps the model's HWC flatten order):
  - float32: weights w * S_w[c], bias b * S_in * S_w[c], ReLU where the model has it;
  - int8 QDQ: QuantizeLinear / DequantizeLinear around every activation (the model's scales and zero
    points), int8 weights with per-channel scales (axis 0), int32 bias with scale S_in * S_w[c]; ONNX
    Runtime fuses this into QLinearConv / QGemm-style int8 kernels. Its requantisation is float
    (round half to even), so its outputs are NOT bit-exact with IntRS (Proofs/int8-rescale.md).
Then times both, interleaved (each round runs one batch of each), one session per thread count with
intra_op_num_threads = t, and prints GMAC/s per CPU-second (process CPU time) like `intrs bench int8`.
Not a test dependency; versions pinned in requirements.txt.
"""
import argparse
import base64
import json
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def tensor(t, dtype):
    raw = base64.b64decode(t["data"])
    return np.frombuffer(raw, dtype=dtype).reshape(t["shape"])


def build(model, quantized):
    nodes, inits = [], []
    inp = model["input"]
    s_in = inp["scale"]
    z_in = inp["zeroPoint"]
    h, w, c = inp["shape"]
    x = "input"
    graph_inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", c, h, w])]
    counter = [0]

    def name(base):
        counter[0] += 1
        return f"{base}_{counter[0]}"

    def const(arr, base):
        n = name(base)
        inits.append(numpy_helper.from_array(arr, n))
        return n

    def qdq(x, scale, zp):
        s = const(np.array(scale, dtype=np.float32), "s")
        z = const(np.array(zp, dtype=np.int8), "z")
        q = name("q")
        d = name("dq")
        nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [q]))
        nodes.append(helper.make_node("DequantizeLinear", [q, s, z], [d]))
        return d

    scale, zp = s_in, z_in
    if quantized:
        x = qdq(x, scale, zp)
    for L in model["layers"]:
        op = L["op"]
        if op in ("conv2d", "fullyConnected"):
            wq = tensor(L["filter"], np.int8)
            sw = np.array(L["filterScales"], dtype=np.float32)
            b = tensor(L["bias"], np.int32)
            if op == "conv2d":
                wq = np.ascontiguousarray(wq.transpose(0, 3, 1, 2))  # OHWI -> OIHW
            if quantized:
                wn = const(wq, "w")
                wd = name("wdq")
                nodes.append(helper.make_node("DequantizeLinear", [wn, const(sw, "ws"), const(np.zeros(len(sw), np.int8), "wz")], [wd], axis=0))
                bn = const(b, "b")
                bd = name("bdq")
                nodes.append(helper.make_node("DequantizeLinear", [bn, const((scale * sw).astype(np.float32), "bs"), const(np.zeros(len(sw), np.int32), "bz")], [bd], axis=0))
            else:
                shape = (-1,) + (1,) * (wq.ndim - 1)
                wd = const((wq.astype(np.float32) * sw.reshape(shape)).astype(np.float32), "w")
                bd = const((b.astype(np.float64) * scale * sw).astype(np.float32), "b")
            y = name(op)
            if op == "conv2d":
                pads = "SAME_UPPER" if L["padding"] == "same" else "VALID"
                nodes.append(helper.make_node("Conv", [x, wd, bd], [y], auto_pad=pads, strides=L.get("stride", [1, 1])))
            else:
                nodes.append(helper.make_node("Gemm", [x, wd, bd], [y], transB=1))
            x = y
            if L.get("fusedActivation") == "relu":
                r = name("relu")
                nodes.append(helper.make_node("Relu", [x], [r]))
                x = r
            scale, zp = L["outputScale"], L["outputZeroPoint"]
            if quantized:
                x = qdq(x, scale, zp)
        elif op == "maxPool2d":
            y = name("pool")
            nodes.append(helper.make_node("MaxPool", [x], [y], kernel_shape=L["poolSize"], strides=L["stride"]))
            x = y
        elif op == "flatten":
            t = name("nhwc")
            nodes.append(helper.make_node("Transpose", [x], [t], perm=[0, 2, 3, 1]))
            y = name("flat")
            nodes.append(helper.make_node("Flatten", [t], [y], axis=1))
            x = y
        else:
            raise SystemExit(f"unsupported op {op} for the ONNX export")
    out = helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", 10])
    g = helper.make_graph(nodes, "intrs-bench-" + ("int8" if quantized else "float32"), graph_inputs, [out], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def macs(model):
    total = 0
    for L in model["layers"]:
        if L["op"] == "conv2d":
            o, kh, kw, i = L["filter"]["shape"]
            oh, ow, _ = L["outputShape"]
            total += oh * ow * o * kh * kw * i
        elif L["op"] == "fullyConnected":
            o, i = L["filter"]["shape"]
            total += o * i
    return total


def sessions_for(graphs, threads):
    sessions = {}
    for k, g in graphs.items():
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sessions[k] = ort.InferenceSession(g.SerializeToString(), so, providers=["CPUExecutionProvider"])
    return sessions


def serve(args, model, graphs):
    """Line protocol on stdin / stdout, one JSON object per line, for `intrs bench int8`.

    Input: --input FILE holds --batch inputs as raw little-endian float32 in the model's HWC order and real
    units (IntRS writes S_in * (clamp(Z + m * g, -128, 127) - Z), the float baseline's input stage); it is
    transposed to NCHW here. Start-up answer: {"ready": true, "onnxruntime": ver, "onnx": ver,
    "contenders": [...]} or {"error": msg} (then exit 1). Requests:
      {"threads": t}         -> new sessions with intra_op_num_threads = t, one warm-up run each; {"ok": true}
      {"run": contender}     -> one timed batch: {"cpu": s, "wall": s, "classes": [argmax per input]}
                                (cpu = this process's CPU time, time.process_time; wall = perf_counter)
    A bad request gets {"error": msg}; end of input ends the peer.
    """
    def answer(obj):
        print(json.dumps(obj), flush=True)

    h, w, c = model["input"]["shape"]
    try:
        raw = np.fromfile(args.input, dtype="<f4")
        if raw.size != args.batch * h * w * c:
            raise ValueError(f"{args.input}: {raw.size} floats, expected batch {args.batch} x {h} x {w} x {c}")
        x = np.ascontiguousarray(raw.reshape(args.batch, h, w, c).transpose(0, 3, 1, 2)).astype(np.float32)
    except Exception as e:  # noqa: BLE001 - reported to the caller, which prints it as a note
        answer({"error": f"input: {e}"})
        raise SystemExit(1)
    answer({"ready": True, "onnxruntime": ort.__version__, "onnx": onnx.__version__, "contenders": list(graphs)})
    sessions = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if "threads" in req:
                sessions = sessions_for(graphs, int(req["threads"]))
                for s in sessions.values():
                    s.run(None, {"input": x})  # warm-up
                answer({"ok": True})
            elif "run" in req:
                s = sessions.get(req["run"])
                if s is None:
                    raise ValueError(f"unknown contender {req['run']!r} or no threads request yet")
                c0, w0 = time.process_time(), time.perf_counter()
                y = s.run(None, {"input": x})[0]
                w1, c1 = time.perf_counter(), time.process_time()
                answer({"cpu": c1 - c0, "wall": w1 - w0, "classes": [int(v) for v in np.argmax(y, axis=1)]})
            else:
                raise ValueError(f"unknown request {line!r}")
        except Exception as e:  # noqa: BLE001
            answer({"error": str(e)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="Benchmarks/cifar-cnn.model.json")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--save-dir")
    ap.add_argument("--serve", action="store_true", help="peer mode for intrs bench int8 (see serve())")
    ap.add_argument("--input", help="with --serve: raw float32 inputs, HWC, real units")
    args = ap.parse_args()
    try:
        model = json.load(open(args.model))
        graphs = {"ort-int8-qdq": build(model, True), "ort-float32": build(model, False)}
    except (Exception, SystemExit) as e:  # noqa: BLE001
        if not args.serve:
            raise
        print(json.dumps({"error": f"model {args.model}: {e}"}), flush=True)
        raise SystemExit(1)
    if args.serve:
        if not args.input:
            print(json.dumps({"error": "--serve needs --input"}), flush=True)
            raise SystemExit(1)
        serve(args, model, graphs)
        return
    n_macs = macs(model)
    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
        for k, g in graphs.items():
            onnx.save(g, os.path.join(args.save_dir, k + ".onnx"))
    h, w, c = model["input"]["shape"]
    rng = np.random.default_rng(42)
    image = rng.integers(0, 256, size=(c, h, w))
    noisy = image[None] + np.rint(rng.normal(0, 32, size=(args.batch, c, h, w)))
    x = (np.clip(noisy, 0, 255) * model["input"]["scale"]).astype(np.float32)
    print(f"onnxruntime {ort.__version__}, onnx {onnx.__version__}; model {args.model}: {n_macs} multiply-adds per inference; "
          f"batch {args.batch}, {args.rounds} interleaved rounds (median); load average {os.getloadavg()}")
    print("contender     | threads | inf/s (wall) | GMAC/s per CPU-s | GMAC/s/core (wall)")
    for t in args.threads:
        sessions = sessions_for(graphs, t)
        for s in sessions.values():
            s.run(None, {"input": x})  # warm-up
        wall = {k: [] for k in sessions}
        cpu = {k: [] for k in sessions}
        for _ in range(args.rounds):
            for k, s in sessions.items():
                c0, w0 = time.process_time(), time.perf_counter()
                s.run(None, {"input": x})
                w1, c1 = time.perf_counter(), time.process_time()
                wall[k].append(w1 - w0)
                cpu[k].append(c1 - c0)
        for k in sessions:
            mw = float(np.median(wall[k]))
            per_cpu = float(np.median([args.batch * n_macs / v / 1e9 for v in cpu[k]]))
            print(f"{k:13s} | {t:7d} | {args.batch / mw:12.1f} | {per_cpu:16.2f} | {args.batch * n_macs / mw / 1e9 / t:18.2f}")


if __name__ == "__main__":
    main()
