"""Trains the shipped digits CNN with discrete Gaussian noise augmentation and quantizes it to int8.

Run through tools/train/retrain.sh (it pins the environment and the BLAS thread count). Outputs:
  Sources/IntRSCLI/Resources/digits-test.v1.json   the test set (Vectors/dataset-format.md)
  Sources/IntRSCLI/Resources/digits-cnn.v1.json    the int8 model + float weights (Vectors/model-format.md)
  tools/train/expected/digits-cnn.v1.test-logits.json
      the Python integer-only simulation's int8 logits and class for every test example, which the
      Swift test ShippedDigitsModelTests compares with the Swift reference and fast evaluators.
See tools/train/README.md.
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse
import base64
import hashlib
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cnn  # noqa: E402
import quantize  # noqa: E402

GRID_MAX = 16            # load_digits grey levels are the integers 0..16
GRID_SCALE = 1.0 / 16.0  # one grid step in [0, 1] pixel units
SIGMA2_GRID = 16         # sigma = 0.25 pixel units = 4 grid units
TEST_SIZE = 360
INPUT_ZERO_POINT = -8    # q = g - 8: grid values -120..135 pass unclipped
GRID_MULTIPLIER = 1

ARCH = [
    ("conv", 1, 8, "SAME"), ("relu",), ("maxpool",),
    ("conv", 8, 16, "VALID"), ("relu",),
    ("flatten",), ("dense", 64, 10),
]


class DiscreteGaussianTable:
    """Inverse-CDF sampler of N_Z(0, sigma2) from the PMF exp(-k^2 / (2 sigma2)) / Z computed in double
    precision on |k| <= 16 sigma (the mass beyond is below 1e-55). NOT an exact sampler: good enough for
    training. Certification uses the exact samplers of the Swift runtime."""

    def __init__(self, sigma2):
        kmax = int(np.ceil(16 * np.sqrt(sigma2)))
        self.ks = np.arange(-kmax, kmax + 1, dtype=np.int64)
        p = np.exp(-(self.ks.astype(np.float64) ** 2) / (2.0 * sigma2))
        self.cdf = np.cumsum(p / p.sum())
        self.cdf[-1] = 1.0

    def sample(self, rng, shape):
        u = rng.random(shape)
        return self.ks[np.minimum(np.searchsorted(self.cdf, u, side="right"), len(self.ks) - 1)]


def to_real(g):
    """Grid values [B, 64] -> float input [B, 8, 8, 1] in [0, 1] pixel units, with the int8 input clip."""
    g = np.clip(g, (-128 - INPUT_ZERO_POINT) // GRID_MULTIPLIER, (127 - INPUT_ZERO_POINT) // GRID_MULTIPLIER)
    return (g.astype(np.float64) * GRID_SCALE).reshape(-1, 8, 8, 1)


def train(X, y, rng, noise, epochs, batch, lr):
    net = cnn.build(rng, ARCH)
    opt = cnn.Adam(net.params(), lr=lr)
    n = len(y)
    for ep in range(epochs):
        opt.lr = lr * 0.5 * (1.0 + np.cos(np.pi * ep / epochs))
        perm = rng.permutation(n)
        for s in range(0, n, batch):
            b = perm[s:s + batch]
            g = X[b] + noise.sample(rng, (len(b), X.shape[1]))
            loss, d = cnn.softmax_xent(net.forward(to_real(g)), y[b])
            net.backward(d)
            opt.step(net.grads())
    return net


def float32_net(net):
    """A copy of the net evaluated with the float32-rounded weights (what the model file keeps)."""
    for layer in net.layers:
        for p in layer.params():
            p[...] = p.astype(np.float32).astype(np.float64)
    return net


def b64(arr, dtype):
    return base64.b64encode(np.ascontiguousarray(arr, dtype=dtype).tobytes()).decode("ascii")


def tensor(arr, dtype, name):
    a = np.asarray(arr)
    return {"dtype": name, "shape": list(a.shape), "data": b64(a, dtype)}


def canonical_json(value, indent=""):
    """The bytes Swift's CanonicalJSON (JSONEncoder: prettyPrinted, sortedKeys, withoutEscapingSlashes)
    writes for the same value: "key" : value, two-space indentation, integral doubles without ".0"."""
    inner = indent + "  "
    if isinstance(value, dict):
        assert value, "empty objects are not used"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)} : {canonical_json(value[k], inner)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[\n\n" + indent + "]"
        return "[\n" + ",\n".join(inner + canonical_json(v, inner) for v in value) + "\n" + indent + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        assert np.isfinite(value)
        if value == int(value) and abs(value) < 2.0 ** 53:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(type(value))


def model_json(qm, description):
    layers = []
    shape = [8, 8, 1]
    for i, L in enumerate(qm.layers):
        op = L["op"]
        out = {"op": op, "outputZeroPoint": int(L["outputZeroPoint"]), "outputScale": float(L["outputScale"])}
        if op == "conv2d":
            O, k, _, C = L["q_filter"].shape
            pad = L["padding_np"].lower()
            _, _, ho = cnn.pad_amounts(shape[0], k, L["padding_np"])
            _, _, wo = cnn.pad_amounts(shape[1], k, L["padding_np"])
            shape = [ho, wo, O]
            out.update({
                "name": f"conv{i}", "padding": pad, "stride": [1, 1], "dilation": [1, 1],
                "filter": tensor(L["q_filter"], "<i1", "int8"), "bias": tensor(L["q_bias"], "<i4", "int32"),
                "floatFilter": tensor(L["float_filter"], "<f4", "float32"),
                "floatBias": tensor(L["float_bias"], "<f4", "float32"),
            })
        elif op == "fullyConnected":
            O = L["q_filter"].shape[0]
            shape = [O]
            out.update({
                "name": f"fc{i}",
                "filter": tensor(L["q_filter"], "<i1", "int8"), "bias": tensor(L["q_bias"], "<i4", "int32"),
                "floatFilter": tensor(L["float_filter"], "<f4", "float32"),
                "floatBias": tensor(L["float_bias"], "<f4", "float32"),
            })
        elif op == "maxPool2d":
            shape = [shape[0] // 2, shape[1] // 2, shape[2]]
            out.update({"name": f"pool{i}", "poolSize": [2, 2], "stride": [2, 2], "padding": "valid"})
        elif op == "flatten":
            shape = [int(np.prod(shape))]
            out.update({"name": "flatten"})
        if op in ("conv2d", "fullyConnected"):
            out.update({"multiplier": [int(m) for m in L["multiplier"]], "shift": [int(s) for s in L["shift"]],
                        "filterScales": [float(s) for s in L["filterScales"]],
                        "activationMin": int(L["activationMin"]), "activationMax": int(L["activationMax"]),
                        "fusedActivation": L["fusedActivation"]})
        out["outputShape"] = shape
        layers.append(out)
    return {
        "format": "intrs-int8-model",
        "version": 1,
        "name": "digits-cnn",
        "description": description,
        "rounding": "double",
        "input": {"shape": [8, 8, 1], "zeroPoint": INPUT_ZERO_POINT, "gridMultiplier": GRID_MULTIPLIER,
                  "scale": GRID_SCALE / GRID_MULTIPLIER, "gridScale": GRID_SCALE},
        "layers": layers,
        "classLabels": [str(c) for c in range(10)],
    }


def dataset_json(X, y, src_idx, provenance):
    """The dataset file, one example per line (Vectors/dataset-format.md)."""
    header = {
        "format": "intrs-grid-dataset",
        "version": 1,
        "schema": "Vectors/dataset.v1.schema.json",
        "name": "digits-test",
        "description": ("Test part of scikit-learn's bundled handwritten digits (load_digits): 8x8 images, "
                        "grey levels 0..16 used directly as grid values; one grid step is 1/16 in [0, 1] "
                        "pixel units."),
        "provenance": provenance,
        "shape": [8, 8, 1],
        "layout": "HWC",
        "gridMin": 0,
        "gridMax": GRID_MAX,
        "gridScale": "1/16",
        "numberOfClasses": 10,
        "classNames": [str(c) for c in range(10)],
        "numberOfExamples": int(len(y)),
    }
    lines = ["{"]
    for k in sorted(header):
        if isinstance(header[k], dict):
            v = json.dumps(header[k], sort_keys=True, indent=2).replace("\n", "\n  ")
        else:
            v = json.dumps(header[k])
        lines.append(f"  {json.dumps(k)}: {v},")
    lines.append('  "examples": [')
    for i in range(len(y)):
        ex = {"index": i, "sourceIndex": int(src_idx[i]), "label": int(y[i]), "grid": [int(v) for v in X[i]]}
        sep = "," if i + 1 < len(y) else ""
        lines.append("    " + json.dumps(ex, separators=(", ", ": ")) + sep)
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def lines_json(obj):
    """JSON with one top-level key per line and one array element per line (compact and diff-friendly)."""
    out = ["{"]
    keys = sorted(obj)
    for n, k in enumerate(keys):
        v = obj[k]
        end = "," if n + 1 < len(keys) else ""
        if isinstance(v, list) and v and isinstance(v[0], (list, dict)):
            out.append(f"  {json.dumps(k)}: [")
            out += ["    " + json.dumps(e, sort_keys=True) + ("," if i + 1 < len(v) else "") for i, e in enumerate(v)]
            out.append("  ]" + end)
        else:
            out.append(f"  {json.dumps(k)}: {json.dumps(v)}{end}")
    out.append("}")
    return "\n".join(out) + "\n"


def noisy_cases(qm, Xte, noise, seed):
    """Noisy inputs with their simulated int8 logits, for the Swift bit-for-bit test: the first 50 test
    images plus N_Z(0, 16) noise, and the next 50 plus N_Z(0, 4096) noise (sigma 64 grid units, so that
    the input clamp to [-128, 127] is exercised)."""
    rng = np.random.default_rng(seed)
    wide = DiscreteGaussianTable(4096)
    g = np.concatenate([Xte[:50] + noise.sample(rng, Xte[:50].shape),
                        Xte[50:100] + wide.sample(rng, Xte[50:100].shape)])
    q = qm.quantize_input(g)
    assert np.any(q == -128) and np.any(q == 127), "the wide noise must reach the clamp"
    lg = qm.forward_int(g.reshape(-1, 8, 8, 1))
    return [{"example": int(i), "sigma2": 16 if i < 50 else 4096,
             "grid": [int(v) for v in g[i]], "logits": [int(v) for v in lg[i]]} for i in range(len(g))]


def noisy_accuracy(predict, X, y, noise, seed, draws):
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(draws):
        g = X + noise.sample(rng, X.shape)
        hits += int((predict(g) == y).sum())
    return hits / (draws * len(y))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20261126, help="split, init, batches, noise (default 20261126)")
    ap.add_argument("--epochs", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))
    ap.add_argument("--check", action="store_true",
                    help="write nothing; retrain and compare with the committed outputs byte for byte (exit 1 if any differs)")
    args = ap.parse_args()
    if args.epochs < 1:
        ap.error(f"--epochs {args.epochs}: must be >= 1")
    if args.batch < 1:
        ap.error(f"--batch {args.batch}: must be >= 1")
    if not (args.lr > 0 and np.isfinite(args.lr)):
        ap.error(f"--lr {args.lr}: must be a positive number")
    if not os.path.isdir(os.path.join(args.root, "Sources", "IntRSCLI", "Resources")):
        ap.error(f"--root {args.root}: not the repository root (no Sources/IntRSCLI/Resources)")
    t0 = time.time()
    root = args.root

    digits = load_digits()
    X = digits.data.astype(np.int64)
    y = digits.target.astype(np.int64)
    assert X.min() == 0 and X.max() == GRID_MAX and np.all(digits.data == X)
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=TEST_SIZE, stratify=y, random_state=args.seed)
    tr, te = np.sort(tr), np.sort(te)
    split_rule = (f"sklearn.model_selection.train_test_split(numpy.arange(1797), test_size={TEST_SIZE}, "
                  f"stratify=target, random_state={args.seed}); both parts sorted by source index; "
                  f"the remaining {len(tr)} examples are the training set")
    provenance = {
        "source": f"scikit-learn {sklearn.__version__} sklearn.datasets.load_digits() (copy of the UCI ML "
                  "Optical Recognition of Handwritten Digits test set, bundled with scikit-learn)",
        "sourceLibrary": "scikit-learn",
        "sourceLibraryVersion": sklearn.__version__,
        "loader": "sklearn.datasets.load_digits",
        "sourceExamples": int(len(y)),
        "split": split_rule,
        "seed": args.seed,
        "generator": "tools/train/train.py",
        "sourceIndexMeaning": "row of load_digits().data",
    }

    rng = np.random.default_rng(args.seed)
    noise = DiscreteGaussianTable(SIGMA2_GRID)
    net = train(X[tr], y[tr], rng, noise, args.epochs, args.batch, args.lr)
    net = float32_net(net)
    t_train = time.time() - t0

    # Calibration: 8 noisy copies of every training image (own stream), plus the clean images.
    crng = np.random.default_rng([args.seed, 1])
    calib = np.concatenate([X[tr]] + [X[tr] + noise.sample(crng, X[tr].shape) for _ in range(8)])
    qm = quantize.quantize(net, INPUT_ZERO_POINT, GRID_MULTIPLIER, GRID_SCALE, to_real(calib))

    def pred_float(g):
        return net.forward(to_real(g)).argmax(axis=1)

    def pred_int(g):
        return qm.forward_int(g.reshape(-1, 8, 8, 1)).argmax(axis=1)

    Xte, yte = X[te], y[te]
    acc_f = float((pred_float(Xte) == yte).mean())
    flogits = net.forward(to_real(Xte))
    logits = qm.forward_int(Xte.reshape(-1, 8, 8, 1))
    cls = logits.argmax(axis=1)
    acc_q = float((cls == yte).mean())
    agree = float((cls == pred_float(Xte)).mean())
    draws = 20
    nacc_f = noisy_accuracy(pred_float, Xte, yte, noise, [args.seed, 2], draws)
    nacc_q = noisy_accuracy(pred_int, Xte, yte, noise, [args.seed, 2], draws)
    macs = 8 * 8 * 8 * 9 + 2 * 2 * 16 * 72 + 64 * 10

    description = (
        f"Digits CNN: conv3x3 1->8 SAME + ReLU, maxpool 2x2, conv3x3 8->16 VALID + ReLU, flatten, fc 64->10 "
        f"(at most {macs} multiply-adds). Trained by tools/train/train.py (numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, seed {args.seed}, {args.epochs} epochs, Adam, batch {args.batch}) on the "
        f"{len(tr)}-example training part of load_digits with discrete Gaussian noise N_Z(0, {SIGMA2_GRID}) "
        f"grid units^2 (sigma 0.25 in [0, 1] pixel units) added to every training image; per-channel "
        f"symmetric int8 weights, activation scales from min/max on noisy training data. Clean test accuracy "
        f"({len(te)} examples): float {acc_f:.4f}, int8 {acc_q:.4f}; accuracy under one noise draw "
        f"(mean of {draws}): float {nacc_f:.4f}, int8 {nacc_q:.4f}.")
    model = model_json(qm, description)
    model_text = canonical_json(model) + "\n"
    data_text = dataset_json(Xte, yte, te, provenance)

    res = os.path.join(root, "Sources", "IntRSCLI", "Resources")
    expected = {
        "description": ("Int8 logits and ArgMax classes of the Python integer-only simulation "
                        "(tools/train/quantize.py) of digits-cnn.v1.json on every example of "
                        "digits-test.v1.json, in file order (logits, classes), and on 100 noisy inputs "
                        "(noisy); float logits (7 significant digits, float64 arithmetic on the float32 "
                        "weights) and classes of the float model (floatLogits, floatClasses). "
                        "Written by tools/train/train.py."),
        "model": "Sources/IntRSCLI/Resources/digits-cnn.v1.json",
        "modelSHA256": hashlib.sha256(model_text.encode()).hexdigest(),
        "dataset": "Sources/IntRSCLI/Resources/digits-test.v1.json",
        "datasetSHA256": hashlib.sha256(data_text.encode()).hexdigest(),
        "cleanAccuracyFloat": acc_f,
        "cleanAccuracyInt8": acc_q,
        "classes": [int(c) for c in cls],
        "logits": [[int(v) for v in row] for row in logits],
        "noisy": noisy_cases(qm, Xte, noise, [args.seed, 3]),
        "floatClasses": [int(c) for c in flogits.argmax(axis=1)],
        "floatLogits": [[float(f"{v:.7g}") for v in row] for row in flogits],
    }
    outputs = [
        (os.path.join(res, "digits-cnn.v1.json"), model_text),
        (os.path.join(res, "digits-test.v1.json"), data_text),
        (os.path.join(root, "tools", "train", "expected", "digits-cnn.v1.test-logits.json"), lines_json(expected)),
    ]
    differ = []
    if args.check:
        for path, text in outputs:
            try:
                with open(path, encoding="utf-8") as f:
                    same = f.read() == text
            except OSError:
                same = False
            print(f"{'same  ' if same else 'DIFFER'} {os.path.relpath(path, root)}")
            if not same:
                differ.append(path)
    else:
        # Everything is computed before anything is written; each file is replaced atomically.
        os.makedirs(os.path.join(root, "tools", "train", "expected"), exist_ok=True)
        for path, text in outputs:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)

    print(f"train examples {len(tr)}, test examples {len(te)}, seed {args.seed}")
    print(f"training time {t_train:.1f} s, total {time.time() - t0:.1f} s")
    print(f"clean test accuracy: float {acc_f:.4f}  int8 {acc_q:.4f}  (int8/float class agreement {agree:.4f})")
    print(f"noisy test accuracy (sigma2 = {SIGMA2_GRID} grid units^2, {draws} draws): "
          f"float {nacc_f:.4f}  int8 {nacc_q:.4f}")
    for L in qm.layers:
        if "multiplier" in L:
            print(f"  {L['op']}: out scale {L['outputScale']:.6g} zp {L['outputZeroPoint']}, shifts "
                  f"{min(L['shift'])}..{max(L['shift'])}")
    print("model sha256", hashlib.sha256(model_text.encode()).hexdigest())
    print("data  sha256", hashlib.sha256(data_text.encode()).hexdigest())
    if differ:
        print(f"--check: {len(differ)} output(s) differ from the committed files", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
