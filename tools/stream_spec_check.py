#!/usr/bin/env python3
"""Independent re-implementation of Vectors/stream-spec.md (written from the document, not the Swift
code) checked against the vector files. Standard library only.

    python3 tools/stream_spec_check.py [Vectors]

Exit status 0 when every chacha20 and sampler case (exact CKS and CDT tables) is reproduced, samples
and cumulative word counts alike. Follows stream-spec version 2 (Bernoulli(1/2) takes one bit of the
stream's bit-word) and checks that sampler.v2.json says it was generated for that version."""
import json, math, sys, os

M = 0xFFFFFFFF

def rotl(v, r): return ((v << r) | (v >> (32 - r))) & M

def block(key_words, counter, nonce_words):  # RFC 8439 section 2.3
    s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] + key_words + [counter] + nonce_words
    x = s[:]
    def qr(a, b, c, d):
        x[a] = (x[a] + x[b]) & M; x[d] = rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & M; x[b] = rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & M; x[d] = rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & M; x[b] = rotl(x[b] ^ x[c], 7)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return [(x[i] + s[i]) & M for i in range(16)]

def le_words(b): return [int.from_bytes(b[i:i + 4], 'little') for i in range(0, len(b), 4)]

class Stream:  # section 1
    def __init__(self, seed_hex, example, phase, index):
        self.key = le_words(bytes.fromhex(seed_hex)); self.nonce = [example, phase, index]
        self.buf = []; self.block = 0; self.used = 0
        self.bitword = 0; self.bits_left = 0  # section 1.1
    def word(self):
        if not self.buf:
            self.buf = block(self.key, self.block, self.nonce); self.block += 1
        self.used += 1
        return self.buf.pop(0)
    def bit(self):  # section 1.1: least significant first; a fresh word when none is left
        if self.bits_left == 0:
            self.bitword = self.word(); self.bits_left = 32
        b = self.bitword & 1
        self.bitword >>= 1; self.bits_left -= 1
        return b

def uniform(n, s):  # section 2
    if n == 1: return 0
    if n <= 1 << 32:
        while True:
            m = s.word() * n
            if (m & M) >= (1 << 32) % n: return m >> 32
    B = (n - 1).bit_length(); L = (B + 31) // 32
    while True:
        x = sum(s.word() << (32 * i) for i in range(L)) & ((1 << B) - 1)
        if x < n: return x

def bern(a, b, s):  # section 3
    if a == 0: return False
    if a == b: return True
    if b == 2 * a: return s.bit() == 1
    return uniform(b, s) < a

def bexp_small(x, y, s):  # section 4
    k = 1
    while bern(x, y * k, s): k += 1
    return k % 2 == 1

def bexp(x, y, s):
    if x <= y: return bexp_small(x, y, s)
    f, r = divmod(x, y)
    for _ in range(f):
        if not bexp_small(1, 1, s): return False
    return bexp_small(r, y, s)

def dlap(t, s):  # section 5
    while True:
        u = uniform(t, s)
        if not bexp(u, t, s): continue
        v = 0
        while bexp(1, 1, s): v += 1
        x = u + t * v
        neg = bern(1, 2, s)
        if neg and x == 0: continue
        return -x if neg else x

def dgauss(p, q, s):  # section 6
    g = math.gcd(p, q); p //= g; q //= g
    t = math.isqrt(p // q) + 1
    y = 2 * p * q * t * t
    while True:
        c = dlap(t, s)
        if bexp((abs(c) * q * t - p) ** 2, y, s): return c

def table_sample(lo_value, bits, thr, s):  # section 7 (thr includes the implied 2^b)
    lo, W = 0, 1 << bits
    for _ in range(bits // 32):
        W >>= 32; lo += s.word() * W
        i = next(i for i, T in enumerate(thr) if T > lo)
        if thr[i] >= lo + W: return lo_value + i
    raise AssertionError("unreachable")

def main():
    d = sys.argv[1] if len(sys.argv) > 1 else 'Vectors'
    bad = 0; n = 0
    cc = json.load(open(os.path.join(d, 'chacha20.v1.json')))
    for g in cc['groups']:
        for c in g['cases']:
            n += 1
            if 'serializedBlock' in c:
                w = block(le_words(bytes.fromhex(c['key'])), c['counter'], le_words(bytes.fromhex(c['nonce'])))
                got = b''.join(x.to_bytes(4, 'little') for x in w).hex()
                if got != c['serializedBlock']: bad += 1; print('chacha20 case', c['id'], 'differs')
            else:
                st = c['stream']; s = Stream(c['seed'], st['example'], st['phase'], st['index'])
                if [s.word() for _ in c['words']] != c['words']: bad += 1; print('chacha20 case', c['id'], 'differs')
    tables = {}
    for g in json.load(open(os.path.join(d, 'noise-table.v1.json')))['groups']:
        for c in g['cases']:
            t = c['table']
            tables[(t['family'], t['sigma2'], t['bits'])] = (t['minValue'], t['bits'], [int(h, 16) for h in t['thresholds']] + [1 << t['bits']])
    sf = json.load(open(os.path.join(d, 'sampler.v2.json')))
    if not any('stream-spec.md version 2' in x for x in sf['sources']):
        bad += 1; print('sampler.v2.json: sources do not name stream-spec.md version 2')
    for g in sf['groups']:
        p = g['parameters']
        num, _, den = p['sigma2'].partition('/'); num = int(num); den = int(den or 1)
        for c in g['cases']:
            n += 1
            st = c['stream']; s = Stream(c['seed'], st['example'], st['phase'], st['index'])
            samples, words = [], []
            for _ in c['samples']:
                if p['sampler'] == 'exact': samples.append(dgauss(num, den, s))
                else: samples.append(table_sample(*tables[(p['noise'], p['sigma2'], p['bits'])], s))
                words.append(s.used)
            if samples != c['samples'] or words != c['wordsAfterEach']:
                bad += 1; print('sampler case', c['id'], g['description'], 'differs')
    print(f'{n - bad}/{n} cases reproduced from the specification')
    sys.exit(1 if bad else 0)

main()
