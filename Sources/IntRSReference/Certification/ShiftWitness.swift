import IntRSExact

/// A base classifier that realises a non-positive Neyman–Pearson margin for an integer shift delta
/// (Proofs: NP-2, the tightness construction).
///
/// With `t(z) = <delta, z - x>` for a noisy input z around the clean input x:
/// - class A on `{t < tauA}` and with probability `thetaA` on the layer `{t = tauA}`;
/// - class B on `{t > tauB}` and with probability `thetaB` on the layer `{t = tauB}`
///   (binary form: B is everything that is not A);
/// - every other point goes to further classes, uniformly at random over enough of them that none
///   has clean probability above pB (two-class form only).
/// The witness is valid when `P[f(x + eps) = A] >= pA`, `P[f(x + eps) = B] <= pB` (two-class form) and
/// `P[f(x + delta + eps) = A] <= P[f(x + delta + eps) = B]` (binary form: `<= 1/2`): then the smoothed
/// classifier is not robustly A at x + delta although the counts allow pA (and pB).
public struct ShiftWitness: Sendable, Equatable, Codable {
    public var delta: [Int]
    public var tauA: Int
    public var thetaA: Rational
    /// nil in the binary form (B = complement of A).
    public var tauB: Int?
    public var thetaB: Rational?

    public init(delta: [Int], tauA: Int, thetaA: Rational, tauB: Int?, thetaB: Rational?) {
        self.delta = delta; self.tauA = tauA; self.thetaA = thetaA; self.tauB = tauB; self.thetaB = thetaB
    }

    /// The weight (0...1) with which a noisy point of layer t is given class A.
    public func weightA(_ t: Int) -> Rational { t < tauA ? Rational(1) : (t == tauA ? thetaA : Rational(0)) }
    /// The weight with which layer t is given class B.
    public func weightB(_ t: Int) -> Rational {
        guard let tb = tauB, let th = thetaB else { return Rational(1) - weightA(t) }
        return t > tb ? Rational(1) : (t == tb ? th : Rational(0))
    }

    /// Builds the witness from the enclosed law of T: A by the lower-mass walk (clean mass >= pA is
    /// guaranteed), B by a walk down from the top on upper masses (clean mass <= pB guaranteed).
    /// Returns nil if the window cannot reach pA.
    public static func build(delta: [Int], law: ShiftLaw, pA: Rational, pB: Rational?) -> ShiftWitness? {
        guard let a = NeymanPearson.lowerWalk(law, p: pA) else { return nil }
        guard let pB else { return ShiftWitness(delta: delta, tauA: a.tau, thetaA: a.theta, tauB: nil, thetaB: nil) }
        let P = pB.timesPowerOfTwo(law.fractionBits)
        var c = Rational(BigInt(law.tail))
        var tauB = law.offset + law.hi.count
        var thetaB = Rational(0)
        if c <= P {
            var i = law.hi.count - 1
            while i >= 0 {
                let h = Rational(BigInt(law.hi[i]))
                if c + h > P { thetaB = (P - c) / h; tauB = law.offset + i; break }
                c += h
                tauB = law.offset + i; thetaB = Rational(1)
                i -= 1
            }
        }
        return ShiftWitness(delta: delta, tauA: a.tau, thetaA: a.theta, tauB: tauB, thetaB: thetaB)
    }

    /// The result of the independent check.
    public struct Check: Sendable, Equatable {
        /// Enclosures of the clean and shifted probabilities of classes A and B.
        public var cleanA: Interval, cleanB: Interval, shiftedA: Interval, shiftedB: Interval
        /// True when the enclosures prove the witness property.
        public var valid: Bool
        /// Number of noise points enumerated.
        public var points: Int
    }

    /// INDEPENDENT check (no convolution, no walk): sum the product PMF (exact interval arithmetic) of the clean input
    /// (`z - x = e`) and of the shifted input (`z - x - delta = e`) over the witness regions, for every noise vector
    /// `e` of the nonzero coordinates in a box that covers the per-coordinate window at the clean and at the shifted
    /// input, and add the mass outside the box (at most m * tailMass). The first m - 1 coordinates are enumerated
    /// point by point; along the last one the region is an interval of z plus at most one layer point (t is linear in
    /// it), so its masses are summed with exact prefix sums of the per-coordinate PMF (the same exact sum, grouped).
    /// Returns nil when the enumerated part (all coordinates but the last) has more than `maxPoints` points.
    /// `points` in the result is the number of noise points the sum covers (the whole box, saturating).
    public func check(noise: EnclosedLaw, pA: Rational, pB: Rational?, maxPoints: Int = 200_000) -> Check? {
        if case .checked(let c) = check(noise: noise, pA: pA, pB: pB, maxPoints: maxPoints, stop: { false }) { return c }
        return nil
    }

    /// What ``check(noise:pA:pB:maxPoints:stop:)`` found.
    public enum CheckOutcome: Sendable, Equatable {
        /// The check ran to the end (its `valid` says whether the witness property is proven).
        case checked(Check)
        /// Not run: no nonzero entry, or more than `maxPoints` points to enumerate.
        case tooLarge
        /// Interrupted: `stop` said true before the sum was complete (nothing is claimed).
        case stopped
    }

    /// Points enumerated by ``check(noise:pA:pB:maxPoints:stop:)`` between two questions to `stop`.
    public static let pointsPerStopCheck = 64

    /// ``check(noise:pA:pB:maxPoints:)`` that can be interrupted (a time budget): `stop` is asked before the sum
    /// starts and then every ``pointsPerStopCheck`` enumerated points (and as often while the last coordinate's prefix
    /// sums are built), and `.stopped` is returned as soon as it says true. Up to 200,000 points of exact interval
    /// products can take tens of seconds; one group of 64 points takes milliseconds (about 0.1 ms a point at sigma2 = 8, release).
    public func check(noise: EnclosedLaw, pA: Rational, pB: Rational?, maxPoints: Int = 200_000,
                      stop: () -> Bool) -> CheckOutcome {
        let parts = delta.filter { $0 != 0 }
        let m = parts.count
        guard m >= 1 else { return .tooLarge }
        if stop() { return .stopped }
        let lo0 = noise.offset, hi0 = noise.offset + noise.masses.count - 1
        // z_i ranges over the window at the clean input and the window shifted by delta_i.
        let ranges = parts.map { k in min(lo0, lo0 + k) ... max(hi0, hi0 + k) }
        var enumerated = 1, covered = 1
        for (i, r) in ranges.enumerated() {
            let (c, o) = covered.multipliedReportingOverflow(by: r.count)
            covered = o ? Int.max : c
            if i < m - 1 { enumerated *= r.count; if enumerated > maxPoints { return .tooLarge } }
        }
        func p(_ e: Int) -> Interval {
            noise.support.contains(e) ? noise.masses[e - noise.offset] : Interval(exactly: Rational(0))
        }
        // The last coordinate: exact prefix sums (lower and upper ends apart) of its clean and shifted masses.
        let c = parts[m - 1], last = ranges[m - 1]
        var clean = (lo: [Rational(0)], hi: [Rational(0)]), shifted = (lo: [Rational(0)], hi: [Rational(0)])
        for z in last {
            if (z - last.lowerBound) % Self.pointsPerStopCheck == 0, stop() { return .stopped }
            let a = p(z), b = p(z - c)
            clean.lo.append(clean.lo[clean.lo.count - 1] + a.lo); clean.hi.append(clean.hi[clean.hi.count - 1] + a.hi)
            shifted.lo.append(shifted.lo[shifted.lo.count - 1] + b.lo); shifted.hi.append(shifted.hi[shifted.hi.count - 1] + b.hi)
        }
        /// Exact sum of the masses over z in zs (clipped to the last range).
        func sum(_ pre: (lo: [Rational], hi: [Rational]), _ zs: ClosedRange<Int>?) -> Interval {
            guard let zs, zs.upperBound >= last.lowerBound, zs.lowerBound <= last.upperBound else { return Interval(exactly: 0) }
            let a = max(zs.lowerBound, last.lowerBound) - last.lowerBound, b = min(zs.upperBound, last.upperBound) - last.lowerBound + 1
            return Interval(lo: pre.lo[b] - pre.lo[a], hi: pre.hi[b] - pre.hi[a])
        }
        func floorDiv(_ a: Int, _ b: Int) -> Int { let q = a / b; return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q }
        func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }
        /// Along the last coordinate (t = s + c z): the z with t < tau (below = true) or t > tau, and the layer z (t = tau).
        func region(_ s: Int, tau: Int, below: Bool) -> (full: ClosedRange<Int>?, layer: Int?) {
            let r = tau - s
            let layer: Int? = r % c == 0 ? r / c : nil
            let wantSmallZ = below == (c > 0)            // t < tau with c > 0, or t > tau with c < 0: z below the layer
            if wantSmallZ {
                let top = below ? (c > 0 ? floorDiv(r - 1, c) : floorDiv(r + 1, c)) : (c > 0 ? floorDiv(r, c) : floorDiv(r, c))
                let hi = layer.map { $0 - 1 } ?? top
                return (hi >= last.lowerBound ? last.lowerBound ... hi : nil, layer)
            } else {
                let bottom = layer.map { $0 + 1 } ?? (ceilDiv(r, c))
                return (bottom <= last.upperBound ? bottom ... last.upperBound : nil, layer)
            }
        }
        // Class B's region: (tauB, thetaB) in the two-class form; the complement of A in the binary form.
        let tB = tauB ?? tauA, thB = thetaB ?? (Rational(1) - thetaA)
        var cA = Interval(exactly: 0), cB = Interval(exactly: 0), sA = Interval(exactly: 0), sB = Interval(exactly: 0)
        var z = ranges.dropLast().map { $0.lowerBound }
        for point in 0 ..< enumerated {
            if point % Self.pointsPerStopCheck == 0, point > 0, stop() { return .stopped }
            var s = 0
            var p0 = Interval(exactly: 1), p1 = Interval(exactly: 1)
            for i in 0 ..< m - 1 {
                s += parts[i] * z[i]
                p0 = p0 * p(z[i])
                p1 = p1 * p(z[i] - parts[i])
            }
            if !(p0.hi.isZero && p1.hi.isZero) {
                let a = region(s, tau: tauA, below: true), b = region(s, tau: tB, below: false)
                func layerMass(_ zl: Int?, _ pre: (lo: [Rational], hi: [Rational]), _ w: Rational) -> Interval {
                    guard let zl, !w.isZero else { return Interval(exactly: 0) }
                    return sum(pre, zl ... zl) * Interval(exactly: w)
                }
                cA = cA + p0 * (sum(clean, a.full) + layerMass(a.layer, clean, thetaA))
                sA = sA + p1 * (sum(shifted, a.full) + layerMass(a.layer, shifted, thetaA))
                cB = cB + p0 * (sum(clean, b.full) + layerMass(b.layer, clean, thB))
                sB = sB + p1 * (sum(shifted, b.full) + layerMass(b.layer, shifted, thB))
            }
            // next z (odometer over the first m - 1 coordinates)
            var i = 0
            while i < m - 1 { if z[i] < ranges[i].upperBound { z[i] += 1; break }; z[i] = ranges[i].lowerBound; i += 1 }
        }
        let out = Rational(m) * noise.tailMass
        func widen(_ x: Interval) -> Interval { Interval(lo: x.lo, hi: Rational.min(x.hi + out, Rational(1))) }
        cA = widen(cA); cB = widen(cB); sA = widen(sA); sB = widen(sB)
        var valid = cA.lo >= pA
        if let pB, let tb = tauB, let thb = thetaB {
            let disjoint = tauA < tb || (tauA == tb && thetaA + thb <= Rational(1))
            valid = valid && disjoint && cB.hi <= pB && sA.hi <= sB.lo
        } else {
            valid = valid && sA.hi <= Rational(1, 2)
        }
        return .checked(Check(cleanA: cA, cleanB: cB, shiftedA: sA, shiftedB: sB, valid: valid, points: covered))
    }
}
