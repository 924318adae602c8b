"""A small float CNN in plain numpy (NHWC activations, OHWI filters), with backpropagation.

Only what the shipped digits model needs: Conv2D (3x3, stride 1, SAME or VALID, via im2col),
ReLU, MaxPool 2x2 stride 2, Flatten (NHWC order: h, then w, then c) and a fully connected layer.
Arithmetic is float64 during training; the exported float weights are rounded to float32.
"""

import numpy as np


def pad_amounts(size, kernel, padding):
    """(before, after, out_size) for stride 1, dilation 1, as TFLite computes SAME/VALID."""
    if padding == "VALID":
        return 0, 0, size - kernel + 1
    total = kernel - 1
    return total // 2, total - total // 2, size


class Conv2D:
    def __init__(self, rng, cin, cout, k, padding):
        self.cin, self.cout, self.k, self.padding = cin, cout, k, padding
        fan_in = cin * k * k
        self.W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(cout, k, k, cin))  # OHWI
        self.b = np.zeros(cout)

    def params(self):
        return [self.W, self.b]

    def _cols(self, x):
        B, H, W, C = x.shape
        k = self.k
        pt, pb, Ho = pad_amounts(H, k, self.padding)
        pl, pr, Wo = pad_amounts(W, k, self.padding)
        xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
        cols = np.empty((B, Ho, Wo, k, k, C))
        for i in range(k):
            for j in range(k):
                cols[:, :, :, i, j, :] = xp[:, i:i + Ho, j:j + Wo, :]
        return cols.reshape(B * Ho * Wo, k * k * C), (B, H, W, C, Ho, Wo, pt, pb, pl, pr)

    def forward(self, x):
        cols, meta = self._cols(x)
        self.cache = (cols, meta)
        B, Ho, Wo = meta[0], meta[4], meta[5]
        out = cols @ self.W.reshape(self.cout, -1).T + self.b
        return out.reshape(B, Ho, Wo, self.cout)

    def backward(self, dout):
        cols, (B, H, W, C, Ho, Wo, pt, pb, pl, pr) = self.cache
        k = self.k
        d2 = dout.reshape(-1, self.cout)
        self.dW = (d2.T @ cols).reshape(self.W.shape)
        self.db = d2.sum(axis=0)
        dcols = (d2 @ self.W.reshape(self.cout, -1)).reshape(B, Ho, Wo, k, k, C)
        dxp = np.zeros((B, H + pt + pb, W + pl + pr, C))
        for i in range(k):
            for j in range(k):
                dxp[:, i:i + Ho, j:j + Wo, :] += dcols[:, :, :, i, j, :]
        return dxp[:, pt:pt + H, pl:pl + W, :]

    def grads(self):
        return [self.dW, self.db]


class ReLU:
    def params(self):
        return []

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask

    def grads(self):
        return []


class MaxPool2:
    """2x2 max pool, stride 2, VALID (input height and width even)."""

    def params(self):
        return []

    def forward(self, x):
        B, H, W, C = x.shape
        r = x.reshape(B, H // 2, 2, W // 2, 2, C).transpose(0, 1, 3, 5, 2, 4).reshape(B, H // 2, W // 2, C, 4)
        idx = r.argmax(axis=-1)
        self.cache = (x.shape, idx)
        return np.take_along_axis(r, idx[..., None], axis=-1)[..., 0]

    def backward(self, dout):
        (B, H, W, C), idx = self.cache
        g = np.zeros((B, H // 2, W // 2, C, 4))
        np.put_along_axis(g, idx[..., None], dout[..., None], axis=-1)
        g = g.reshape(B, H // 2, W // 2, C, 2, 2).transpose(0, 1, 4, 2, 5, 3)
        return g.reshape(B, H, W, C)

    def grads(self):
        return []


class Flatten:
    def params(self):
        return []

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        return dout.reshape(self.shape)

    def grads(self):
        return []


class Dense:
    def __init__(self, rng, nin, nout):
        self.W = rng.normal(0.0, np.sqrt(1.0 / nin), size=(nout, nin))  # [out, in]
        self.b = np.zeros(nout)

    def params(self):
        return [self.W, self.b]

    def forward(self, x):
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, dout):
        self.dW = dout.T @ self.x
        self.db = dout.sum(axis=0)
        return dout @ self.W

    def grads(self):
        return [self.dW, self.db]


class Net:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, d):
        for layer in reversed(self.layers):
            d = layer.backward(d)

    def params(self):
        return [p for layer in self.layers for p in layer.params()]

    def grads(self):
        return [g for layer in self.layers for g in layer.grads()]


def build(rng, arch):
    """arch: list of ("conv", cin, cout, padding) / ("relu",) / ("maxpool",) / ("flatten",) / ("dense", nin, nout)."""
    layers = []
    for spec in arch:
        kind = spec[0]
        if kind == "conv":
            layers.append(Conv2D(rng, spec[1], spec[2], 3, spec[3]))
        elif kind == "relu":
            layers.append(ReLU())
        elif kind == "maxpool":
            layers.append(MaxPool2())
        elif kind == "flatten":
            layers.append(Flatten())
        elif kind == "dense":
            layers.append(Dense(rng, spec[1], spec[2]))
        else:
            raise ValueError(kind)
    return Net(layers)


def softmax_xent(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    n = logits.shape[0]
    loss = -np.log(p[np.arange(n), y] + 1e-300).mean()
    d = p.copy()
    d[np.arange(n), y] -= 1.0
    return loss, d / n


class Adam:
    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0):
        self.params, self.lr, self.b1, self.b2, self.eps, self.wd = params, lr, b1, b2, eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            if self.wd and p.ndim > 1:
                g = g + self.wd * p
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            mh = m / (1 - self.b1 ** self.t)
            vh = v / (1 - self.b2 ** self.t)
            p -= self.lr * mh / (np.sqrt(vh) + self.eps)
