#!/usr/bin/env python3
"""Brute-force check of CF-4 (Proofs/closed-forms.md): the two-class closed form
R4 = max(sigma PhiInv(pA), -(sigma/2) PhiInv(pB)) (pA > 1/2) is sound under N_Z, and how it compares with the binary
closed form, Cohen's (unsound) two-class radius and the exact two-class Neyman-Pearson answer.

Independent of the Swift code; mpmath only (pip install mpmath==1.3.0). NOT run in CI (several minutes):
    python3 tools/cf4_check.py [MAX_NORM2]      (default 10; exit status 1 on any violation)
For every sigma2 in a grid, every shift pattern with |delta|^2 <= MAX_NORM2 (ENUM-1: covers every integer delta) and a
(pA, pB) grid, it computes the exact margin worstA(pA) - bestB(pB) by NP-1's layer walk on the law of T (mpmath, 40
digits, truncation below 1e-40) and counts the cases R4 certifies (R4 > |delta|) with margin <= 0 ("violations").
It then prints, for the (sigma2, pA, pB) where R4 beats the binary form, the squared radii and the exact least
not-certified |delta|^2 over the searched patterns.
"""
import math
import sys
from mpmath import mp, mpf, exp, sqrt, erfinv
mp.dps = 40
def pmf(s2, J):
    w = [exp(-mpf(z)**2/(2*s2)) for z in range(-J, J+1)]; Z = sum(w); return [x/Z for x in w]
def law(pat, s2):
    J = int(math.sqrt(2*100*float(s2)))+3; p = pmf(s2, J); d = {0: mpf(1)}
    for a in pat:
        n = {}
        for t,q in d.items():
            for i,r in enumerate(p):
                u = t + a*(i-J); n[u] = n.get(u,0)+q*r
        d = n
    return d
def worstA(L, n2, p):
    # walk layers upward on clean masses a_t, shifted b_t = P[T = t - n2]
    acc = mpf(0); res = mpf(0)
    for t in sorted(L):
        a = L[t]; b = L.get(t-n2, 0)
        if acc + a >= p:
            th = (p-acc)/a; return res + th*b
        acc += a; res += b
    return res
def phiinv(p):
    return sqrt(2)*erfinv(2*mpf(p)-1)
def pats(maxn):
    out=[]
    def rec(p,n):
        if p: out.append(tuple(p))
        k = min(p[-1] if p else maxn, int(math.isqrt(maxn-n)))
        while k>=1: rec(p+[k], n+k*k); k-=1
    rec([],0); return out
s2s = [mpf(1)/4, mpf(1)/2, mpf(1), mpf(2), mpf(3), mpf(4), mpf(9)]
pAs = [mpf(x)/1000 for x in (510,550,600,650,700,800,900,950,990,999)]
pBs = [mpf(x)/10000 for x in (1,10,50,100,300,700,1000,2000,3000)]
viol=0; cert=0; cohen_bad=0
rows=[]
P = pats(int(sys.argv[1]) if len(sys.argv)>1 else 10)
for s2 in s2s:
    s=sqrt(s2)
    laws = {pt: law(pt, s2) for pt in P}
    for pA in pAs:
        for pB in pBs:
            if pB >= pA or pA+pB > 1: continue
            R2 = max(s*phiinv(pA), -s*phiinv(pB)/2)
            Rc = s/2*(phiinv(pA)-phiinv(pB))
            Rb = s*phiinv(pA)
            exact_first_fail = None
            for pt in sorted(P, key=lambda q:(sum(a*a for a in q), q)):
                n2 = sum(a*a for a in pt); L = laws[pt]
                m = worstA(L, n2, pA) - (1 - worstA(L, n2, 1-pB))
                if R2 > math.sqrt(n2):
                    cert += 1
                    if m <= 0: viol += 1; print("VIOLATION", s2, pt, pA, pB, m)
                if Rc > math.sqrt(n2) and m <= 0: cohen_bad += 1
                if m <= 0 and exact_first_fail is None: exact_first_fail = n2
            rows.append((float(s2), float(pA), float(pB), float(Rb**2), float(R2**2), float(Rc**2), exact_first_fail))
print("R2 certified", cert, "violations", viol, "cohen over-certified", cohen_bad)

# how close: ratio R2^2 / exact n* (first failing n2, if within the searched norms)
for r in rows:
    if r[6] is not None and r[4] > r[3] * 1.0001:
        print("s2=%.3g pA=%.3f pB=%.4f  binary R^2=%.3f  R2^2=%.3f  Cohen R^2=%.3f  exact first not-certified n2=%s" % r)
sys.exit(1 if viol else 0)
