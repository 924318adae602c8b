"""Post-training int8 quantization and an integer-only simulation of the quantized model.

Semantics follow Vectors/model-format.md (TFLite reference kernels; rescale rounding variant "double"):

    input:   q = clamp(Z_in + gridMultiplier * g, -128, 127)
    conv/fc: acc = bias[c] + sum w[c, ...] * (x - Z_x)          (taps outside the image are skipped)
             y   = clamp(Z_out + rescale(acc, M0[c], shift[c]), act_min, act_max)
    maxpool: max over the window (same scale and zero point)
    argmax:  lowest index wins ties

rescale (double rounding, gemmlowp/TFLite):
    SRDHM(x * 2^max(shift, 0), M0) then RoundingDivideByPOT(., max(-shift, 0)).

(M0, shift) are computed EXACTLY from the float32 scales with Python fractions:
    M = S_in * S_w[c] / S_out  (each a float32, converted exactly to a Fraction)
    M = f * 2^e with f in [1/2, 1);  M0 = floor(f * 2^31 + 1/2)  (round half up = half away from zero,
    M > 0);  shift = e;  if M0 == 2^31 then M0 = 2^30 and shift = e + 1.
"""

from fractions import Fraction

import numpy as np

from cnn import Conv2D, Dense, Flatten, MaxPool2, ReLU, pad_amounts


def f32(x):
    return float(np.float32(x))


def multiplier_shift(s_in, s_w, s_out):
    """Exact (M0, shift) of the real multiplier s_in * s_w / s_out (all float32 values)."""
    m = Fraction(f32(s_in)) * Fraction(f32(s_w)) / Fraction(f32(s_out))
    assert m > 0
    e = 0
    f = m
    while f >= 1:
        f /= 2
        e += 1
    while f < Fraction(1, 2):
        f *= 2
        e -= 1
    scaled = f * (1 << 31)
    m0 = (scaled + Fraction(1, 2)).__floor__()
    if m0 == (1 << 31):
        m0 = 1 << 30
        e += 1
    assert (1 << 30) <= m0 < (1 << 31)
    return int(m0), int(e)


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul on int64 arrays holding int32 values (b = M0 > 0, no saturation)."""
    ab = a.astype(np.int64) * np.int64(b)
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    v = ab + nudge
    # division by 2^31 truncating toward zero
    return np.where(v >= 0, v >> 31, -((-v) >> 31))


def rounding_divide_by_pot(x, e):
    if e == 0:
        return x
    mask = np.int64((1 << e) - 1)
    rem = x & mask
    threshold = (mask >> 1) + (x < 0).astype(np.int64)
    return (x >> e) + (rem > threshold).astype(np.int64)


def rescale_double(acc, m0, shift):
    """acc: int64 array of int32 values; per-channel m0/shift along the last axis."""
    out = np.empty_like(acc)
    for c in range(acc.shape[-1]):
        x = acc[..., c]
        left = max(shift[c], 0)
        right = max(-shift[c], 0)
        xs = x << left
        assert np.all(np.abs(xs) < (1 << 31)), "rescale input overflows int32"
        out[..., c] = rounding_divide_by_pot(srdhm(xs, m0[c]), right)
    return out


class QModel:
    """The quantized model: a list of layer dicts in the model-file vocabulary plus numpy arrays."""

    def __init__(self, input_zero_point, grid_multiplier, grid_scale, layers):
        self.input_zero_point = input_zero_point
        self.grid_multiplier = grid_multiplier
        self.grid_scale = grid_scale
        self.layers = layers

    def quantize_input(self, g):
        return np.clip(self.input_zero_point + self.grid_multiplier * np.asarray(g, dtype=np.int64), -128, 127)

    def forward_int(self, g):
        """g: int array [B, H, W, C] of grid values -> int8 logits [B, classes] (as int64)."""
        x = self.quantize_input(g)
        zx = self.input_zero_point
        for L in self.layers:
            op = L["op"]
            if op == "conv2d":
                W = L["q_filter"].astype(np.int64)  # OHWI
                O, k, _, C = W.shape
                B, H, Wd, _ = x.shape
                pt, pb, Ho = pad_amounts(H, k, L["padding_np"])
                pl, pr, Wo = pad_amounts(Wd, k, L["padding_np"])
                # padding with Z_x is the same as skipping the tap: (Z_x - Z_x) * w = 0
                xp = np.pad(x - zx, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
                cols = np.empty((B, Ho, Wo, k, k, C), dtype=np.int64)
                for i in range(k):
                    for j in range(k):
                        cols[:, :, :, i, j, :] = xp[:, i:i + Ho, j:j + Wo, :]
                acc = cols.reshape(-1, k * k * C) @ W.reshape(O, -1).T + L["q_bias"].astype(np.int64)
                assert np.all(np.abs(acc) < (1 << 31))
                y = rescale_double(acc, L["multiplier"], L["shift"]) + L["outputZeroPoint"]
                x = np.clip(y, L["activationMin"], L["activationMax"]).reshape(B, Ho, Wo, O)
                zx = L["outputZeroPoint"]
            elif op == "fullyConnected":
                W = L["q_filter"].astype(np.int64)
                acc = (x - zx) @ W.T + L["q_bias"].astype(np.int64)
                assert np.all(np.abs(acc) < (1 << 31))
                y = rescale_double(acc, L["multiplier"], L["shift"]) + L["outputZeroPoint"]
                x = np.clip(y, L["activationMin"], L["activationMax"])
                zx = L["outputZeroPoint"]
            elif op == "maxPool2d":
                B, H, Wd, C = x.shape
                x = x.reshape(B, H // 2, 2, Wd // 2, 2, C).max(axis=(2, 4))
                x = np.clip(x, L["activationMin"], L["activationMax"])
            elif op == "flatten":
                x = x.reshape(x.shape[0], -1)
            else:
                raise ValueError(op)
        return x


def calibrate_ranges(net, x_real):
    """Runs the float net and returns, per layer, (min, max) of that layer's output over x_real."""
    ranges = []
    x = x_real
    for layer in net.layers:
        x = layer.forward(x)
        ranges.append((float(x.min()), float(x.max())))
    return ranges


def quantize(net, input_zero_point, grid_multiplier, grid_scale, calib_x_real):
    """Quantizes the float net (Conv2D/ReLU/MaxPool2/Flatten/Dense, ReLU directly after conv/dense).

    Activation scales per tensor from the min/max of the float outputs over the calibration data:
    a conv/dense followed by ReLU gets S = max / 255, Z = -128 (range [0, max]); a conv/dense without
    ReLU gets S = (max - min) / 255, Z = round(-128 - min / S). Scales are rounded to float32 first.
    """
    ranges = calibrate_ranges(net, calib_x_real)
    s_x = f32(grid_scale / grid_multiplier)
    layers = []
    mods = net.layers
    i = 0
    while i < len(mods):
        layer = mods[i]
        if isinstance(layer, (Conv2D, Dense)):
            relu = i + 1 < len(mods) and isinstance(mods[i + 1], ReLU)
            lo, hi = ranges[i + 1] if relu else ranges[i]
            if relu:
                s_out = f32(max(hi, 1e-6) / 255.0)
                z_out = -128
                amin, amax = -128, 127
            else:
                lo, hi = min(lo, 0.0), max(hi, 0.0)
                s_out = f32((hi - lo) / 255.0)
                z_out = int(np.clip(np.round(-128 - lo / s_out), -128, 127))
                amin, amax = -128, 127
            Wf = layer.W.astype(np.float32)
            bf = layer.b.astype(np.float32)
            O = Wf.shape[0]
            absmax = np.abs(Wf.reshape(O, -1)).max(axis=1)
            s_w = np.array([f32(max(a, 1e-12) / 127.0) for a in absmax], dtype=np.float64)
            shp = (O,) + (1,) * (Wf.ndim - 1)
            qW = np.clip(np.rint(Wf.astype(np.float64) / s_w.reshape(shp)), -127, 127).astype(np.int8)
            qb = np.rint(bf.astype(np.float64) / (s_x * s_w)).astype(np.int64)
            assert np.all(np.abs(qb) < (1 << 31))
            ms = [multiplier_shift(s_x, s_w[c], s_out) for c in range(O)]
            if relu:
                amin = max(-128, z_out)
            L = {
                "op": "conv2d" if isinstance(layer, Conv2D) else "fullyConnected",
                "q_filter": qW, "q_bias": qb.astype(np.int32),
                "float_filter": Wf, "float_bias": bf,
                "multiplier": [m for m, _ in ms], "shift": [s for _, s in ms],
                "filterScales": [float(s) for s in s_w],
                "outputScale": s_out, "outputZeroPoint": z_out,
                "activationMin": amin, "activationMax": amax,
                "fusedActivation": "relu" if relu else "none",
                "inputScale": s_x,
            }
            if isinstance(layer, Conv2D):
                L["padding_np"] = layer.padding
            layers.append(L)
            s_x = s_out
            i += 2 if relu else 1
        elif isinstance(layer, MaxPool2):
            z = layers[-1]["outputZeroPoint"] if layers else input_zero_point
            layers.append({"op": "maxPool2d", "outputZeroPoint": z, "outputScale": s_x,
                           "activationMin": -128, "activationMax": 127})
            i += 1
        elif isinstance(layer, Flatten):
            z = layers[-1]["outputZeroPoint"] if layers else input_zero_point
            layers.append({"op": "flatten", "outputZeroPoint": z, "outputScale": s_x,
                           "activationMin": -128, "activationMax": 127})
            i += 1
        else:
            raise ValueError(f"unsupported layer order at {i}: {type(layer).__name__}")
    return QModel(input_zero_point, grid_multiplier, grid_scale, layers)
