#!/usr/bin/env python3
"""Independent numerical check of CF-2 (Proofs/CF-2.md): the binary closed form sigma*PhiInv(pA) is sound under
discrete Gaussian noise N_Z(0, sigma2)^d for integer shifts.

Shares no code with the Swift package. Needs mpmath only (pinned: pip install mpmath==1.3.0; Debian's
python3-mpmath also works). Run by CI (.ci/run) as:  python3 tools/cf2_check.py   (about 20 s of CPU; add -v for per-case times).
Exit status 0 iff every check passes; each failure is printed with its case.

Notation: eps ~ N_Z(0, s2)^d, P[eps_i = z] = exp(-z^2/(2 s2)) / Z(s2); delta integer, n2 = |delta|^2,
T = <delta, eps>, Y ~ N(0, s2 n2), b = 1/s2, midCDF_T(n2) = P[T < n2] + P[T = n2]/2.

Checks, at mp.dps = 60 (all sums truncated where the dropped mass is < 1e-90, far below the tolerances):
  (1) tilting, pointwise: P[T = n2 + j] = exp(-(n2 + 2j)/(2 s2)) P[T = j] for every j in the computed window;
      the identity 1 - midCDF_T(n2) = (1/2) exp(-n2/(2 s2)) E[exp(-b|T|)] (law of T by direct convolution);
      its continuous twin 1 - Phi(|delta|/sigma) = (1/2) exp(-n2/(2 s2)) E[exp(-b|Y|)] (E by numerical quadrature
      of the normal density, not by the closed form).
  (2) characteristic function: phi(t) = E cos(t eps_1) by direct summation over Z equals the Poisson-summation
      form, and phi(t) >= exp(-s2 t^2/2) on a grid of t in [0, 2 pi] plus points beyond.
  (3) E[exp(-b|T|)] = integral of Cauchy(b)(t) phi_T(t) dt (computed on one period with the periodised Cauchy
      kernel sinh(b) / (2 pi (cosh(b) - cos t))), E[exp(-b|Y|)] = integral of Cauchy(b)(t) phi_Y(t) dt,
      and the conclusion E[exp(-b|T|)] > E[exp(-b|Y|)], i.e. Phi(|delta|/sigma) - midCDF_T(n2) > 0.
"""
import math
import sys
import time

import mpmath
from mpmath import mp, mpf, exp, sqrt, pi, cos, cosh, sinh, quad, ncdf, npdf, nstr, inf

mp.dps = 60
TAIL = mpf(10) ** -90
FAIL = []


def check(ok, what):
    if not ok:
        FAIL.append(what)
        print("FAIL:", what)


def window(s2, digits=90):
    """J with sum_{|z| > J} exp(-z^2/(2 s2)) / Z < 10^-digits (Gaussian tail: J^2/(2 s2) > 2.31 digits + 3)."""
    return int(math.ceil(math.sqrt(2 * (2.31 * digits + 3) * float(s2)))) + 2


def pmf(s2):
    J = window(s2)
    w = [exp(-mpf(z) ** 2 / (2 * s2)) for z in range(-J, J + 1)]
    Z = mpmath.fsum(w)
    return J, [x / Z for x in w]


def law_T(pattern, s2):
    """Exact (truncated) law of T = sum a_i eps_i as a dict t -> P[T = t]."""
    J, p = pmf(s2)
    dist = {0: mpf(1)}
    for a in pattern:
        new = {}
        for t, q in dist.items():
            for i, r in enumerate(p):
                u = t + a * (i - J)
                new[u] = new.get(u, 0) + q * r
        dist = new
    return dist


def phi_direct(t, s2):
    J = window(s2, mp.dps + 10)
    num = 1 + 2 * mpmath.fsum(exp(-mpf(z) ** 2 / (2 * s2)) * cos(t * z) for z in range(1, J + 1))
    den = 1 + 2 * mpmath.fsum(exp(-mpf(z) ** 2 / (2 * s2)) for z in range(1, J + 1))
    return num / den


def phi_poisson(t, s2):
    """Poisson summation: e^{-s2 t^2/2} (1 + 2 sum q^{k^2} cosh(2 pi k s2 t)) / (1 + 2 sum q^{k^2}), q = e^{-2 pi^2 s2}."""
    K = int(math.ceil(math.sqrt(2.31 * (mp.dps + 10) / (2 * math.pi ** 2 * float(s2)) + 1) + abs(float(t)) / (2 * math.pi) + 2))
    q = exp(-2 * pi ** 2 * s2)
    num = 1 + 2 * mpmath.fsum(q ** (k * k) * cosh(2 * pi * k * s2 * t) for k in range(1, K + 1))
    den = 1 + 2 * mpmath.fsum(q ** (k * k) for k in range(1, K + 1))
    return exp(-s2 * t ** 2 / 2) * num / den


def run_case(pattern, s2, step3):
    n2 = sum(a * a for a in pattern)
    b = 1 / s2
    sigma = sqrt(s2)
    tag = f"s2={nstr(s2, 6)} pattern={pattern}"
    law = law_T(pattern, s2)
    # (1a) pointwise tilting where both masses are far from the truncation edge.
    J = window(s2)
    span = sum(pattern) * J
    worst = mpf(0)
    for j in range(-span // 3, span // 3):
        if (j in law) != (n2 + j in law):
            check(law.get(j, 0) < TAIL * 1e10 and law.get(n2 + j, 0) < TAIL * 1e10, f"{tag}: support mismatch at j={j}")
            continue
        if j in law:
            lhs = law[n2 + j]
            rhs = exp(-mpf(n2 + 2 * j) / (2 * s2)) * law[j]
            worst = max(worst, abs(lhs - rhs))
    check(worst < mpf(10) ** -50, f"{tag}: pointwise tilting error {nstr(worst, 3)}")
    # (1b) the mid-CDF identity for T.
    # 1 - midCDF_T(n2) = P[T > n2] + P[T = n2]/2, summed directly (no cancellation against 1).
    upT = mpmath.fsum(q for t, q in law.items() if t > n2) + law.get(n2, 0) / 2
    ET = mpmath.fsum(q * exp(-b * abs(t)) for t, q in law.items())
    rhs = exp(-mpf(n2) / (2 * s2)) * ET / 2
    check(abs(upT - rhs) <= mpf(10) ** -45 * upT + mpf(10) ** -85,
          f"{tag}: 1 - midCDF = {nstr(upT, 20)} vs tilted {nstr(rhs, 20)}")
    # (1c) the same identity for Y ~ N(0, s2 n2), with E by quadrature.
    sY = sqrt(s2 * n2)
    EY = 2 * quad(lambda y: exp(-b * y) * npdf(y, 0, sY), [0, sY, 4 * sY, 40 * sY])
    upY = ncdf(-sqrt(mpf(n2)) / sigma)
    rhsY = exp(-mpf(n2) / (2 * s2)) * EY / 2
    check(abs(upY - rhsY) <= mpf(10) ** -40 * upY, f"{tag}: 1 - Phi = {nstr(upY, 20)} vs tilted {nstr(rhsY, 20)}")
    # (3) conclusion: E f(T) > E f(Y), i.e. the gap Phi(|delta|/sigma) - midCDF_T(n2) = upT - upY > 0, resolved
    # well above the truncation and rounding error (relative 1e-40).
    gap = upT - upY
    check(ET > EY and gap > mpf(10) ** -40 * upY,
          f"{tag}: E f(T) = {nstr(ET, 15)}, E f(Y) = {nstr(EY, 15)}, gap {nstr(gap, 5)}")
    if step3:
      with mp.workdps(30):
        # E f(T) via the Cauchy/Fourier representation, one period of the periodised Cauchy kernel (30 digits).
        phiT = lambda t: mpmath.fprod(phi_poisson(a * t, s2) for a in pattern)
        kern = lambda t: sinh(b) / (2 * pi * (cosh(b) - cos(t)))
        fT = 2 * quad(lambda t: kern(t) * phiT(t), mpmath.linspace(0, pi, 5))
        fY = quad(lambda t: b / (pi * (b * b + t * t)) * exp(-s2 * n2 * t * t / 2), [-inf, 0, inf])
        check(abs(fT - ET) < mpf(10) ** -20, f"{tag}: Fourier E f(T) {nstr(fT, 20)} vs direct {nstr(ET, 20)}")
        check(abs(fY - EY) < mpf(10) ** -20, f"{tag}: Fourier E f(Y) {nstr(fY, 20)} vs quadrature {nstr(EY, 20)}")
    return gap / upY


def main():
    t0 = time.time()
    print(f"mpmath {mpmath.__version__}, dps {mp.dps}")
    # (2) phi >= Gaussian, and Poisson form == direct sum.
    s2s = [mpf(1) / 16, mpf(1) / 4, mpf(1) / 2, mpf(3) / 4, mpf(1), mpf(2), mpf(4), mpf(9), mpf(64), mpf(1000)]
    n_phi = n_strict = skipped = 0
    for s2 in s2s:
        ts = [2 * pi * k / 32 for k in range(1, 33)] + [mpf(7), mpf(25)]
        for t in ts:
            # phi(t) is about exp(-s2 dist^2/2), dist = distance of t to 2 pi Z: the direct (cancelling) sum needs
            # that many more digits. Its excess over exp(-s2 t^2/2) is relatively about q = exp(-2 pi^2 s2): resolving
            # it needs that many more again. Points needing more than 300 digits are skipped (counted); the strict
            # check phi > Gaussian is made where the excess is resolvable, otherwise phi >= Gaussian to working precision.
            dist = min(abs(t - 2 * pi * k) for k in range(-1, 6))
            need = 30 + int(float(s2 * dist ** 2 / 2) / math.log(10))
            excess = int(2 * math.pi ** 2 * float(s2) / math.log(10)) + 20
            if need > 300:
                skipped += 1
                continue
            strict = need + excess <= 300
            with mp.workdps(need + excess if strict else need):
                d, p = phi_direct(t, s2), phi_poisson(t, s2)
                g = exp(-s2 * t ** 2 / 2)
                check(abs(d - p) <= mpf(10) ** -25 * p,
                      f"phi s2={nstr(s2, 6)} t={nstr(t, 6)}: direct {nstr(d, 20)} vs Poisson {nstr(p, 20)}")
                if strict:
                    check(d > g, f"phi s2={nstr(s2, 6)} t={nstr(t, 6)}: phi {nstr(d, 20)} <= Gaussian {nstr(g, 20)}")
                    n_strict += 1
                else:
                    check(d >= g * (1 - mpf(10) ** -25),
                          f"phi s2={nstr(s2, 6)} t={nstr(t, 6)}: phi {nstr(d, 20)} < Gaussian {nstr(g, 20)}")
            n_phi += 1
    print(f"(2) phi(t) >= exp(-s2 t^2/2) and Poisson form = direct sum: {n_phi} (s2, t) points, "
          f"{n_strict} of them with phi > Gaussian resolved ({skipped} skipped: more than 300 digits needed); {time.time() - t0:.1f} s")
    # (1), (3) on patterns, including one large part and a small rest at the largest radii.
    cases = []
    for s2 in [mpf(1) / 8, mpf(1) / 4, mpf(1) / 2, mpf(1), mpf(3) / 2, mpf(2), mpf(3), mpf(9), mpf(16)]:
        for pat in [(1,), (2,), (3,), (1, 1), (2, 1), (1, 1, 1), (3, 1), (2, 2, 1), (5, 3, 1), (1,) * 6]:
            cases.append((pat, s2, pat == (2, 1) and s2 in (mpf(1) / 4, mpf(1), mpf(9))))
    for s2 in [mpf(1), mpf(4), mpf(16)]:
        for k in [6, 10, 14]:
            cases.append(((k, 3, 1), s2, False))
    cases += [((1,), mpf(64), False), ((2, 1), mpf(64), False), ((12, 3, 1), mpf(64), False), ((7,), mpf(5) / 7, False)]
    rel = []
    for pat, s2, step3 in cases:
        t1 = time.time()
        rel.append((run_case(pat, s2, step3), pat, s2))
        if "-v" in sys.argv:
            print(f"    {pat} s2={nstr(s2, 6)} step3={step3}: {time.time() - t1:.2f} s")
    rel.sort(key=lambda r: r[0])
    print(f"(1) tilting identities (T and Y) and (3) E f(T) > E f(Y): {len(cases)} (sigma2, pattern) cases; "
          f"Fourier representation re-checked on {sum(1 for c in cases if c[2])}")
    for r, pat, s2 in rel[:3]:
        print(f"    smallest relative gap (Phi - midCDF)/(1 - Phi) = {nstr(r, 6)} at sigma2 = {nstr(s2, 6)}, pattern {pat}")
    print(f"{len(FAIL)} failures; {time.time() - t0:.1f} s")
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
