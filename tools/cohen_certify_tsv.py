#!/usr/bin/env python3
"""Writes a TSV exactly as Cohen et al.'s certify.py would print it for given counts (locuslab/smoothing:
code/core.py computes pABar = proportion_confint(nA, N, alpha=2*alpha, method="beta")[0] = beta.ppf(alpha,
nA, N - nA + 1), abstains when pABar < 0.5, else radius = sigma * norm.ppf(pABar); code/certify.py prints
"{}\t{}\t{}\t{:.3}\t{}\t{}"). For cross-checking `intrs audit --cohen-tsv` with an independent producer.
Needs scipy (tested with scipy 1.17.1); never needed by `swift test`.

    python3 tools/cohen_certify_tsv.py --n 100000 --alpha 0.001 --sigma 0.25 --lines 10000 --seed 6 > honest.tsv
    intrs audit --cohen-tsv honest.tsv --sigma 0.25 --n 100000 --alpha 0.001      # expect 0 failed

Counts are drawn uniformly from [0.45 N, N] (every tenth line within 30 of N, where achievable radii are
sparse); --tamper K replaces the radius of K answered lines near the top by a value between the two largest
achievable radii (which the audit must flag as unachievable)."""
import argparse
import numpy as np
from scipy.stats import beta, norm

ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=100000)
ap.add_argument("--alpha", type=float, default=0.001)
ap.add_argument("--sigma", type=float, default=0.25)
ap.add_argument("--lines", type=int, default=1000)
ap.add_argument("--seed", type=int, default=6)
ap.add_argument("--tamper", type=int, default=0)
a = ap.parse_args()
rng = np.random.default_rng(a.seed)
N = a.n
top = a.sigma * norm.ppf(beta.ppf(a.alpha, N, 1))
below = a.sigma * norm.ppf(beta.ppf(a.alpha, N - 1, 2))
tampered = 0
print("idx\tlabel\tpredict\tradius\tcorrect\ttime")
for i in range(a.lines):
    k = int(rng.integers(int(0.45 * N), N + 1)) if i % 10 else N - int(rng.integers(0, 30))
    p = beta.ppf(a.alpha, k, N - k + 1) if k > 0 else 0.0
    if p < 0.5:
        pred, r = -1, 0.0
    else:
        pred, r = 3, a.sigma * norm.ppf(p)
        if tampered < a.tamper and r >= below:
            r = (top + below) / 2
            tampered += 1
    print("{}\t{}\t{}\t{:.3}\t{}\t{}".format(i, 3, pred, r, int(pred == 3), "0:00:01.000000"))
