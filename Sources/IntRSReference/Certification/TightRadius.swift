import IntRSExact

/// The tight certified radius for integer shifts (Proofs: ENUM-1, NP-1, NP-3).
///
/// Given the noise, pA (and pB, or the binary form) and the dimension d, n* is the smallest
/// `n = |delta|^2` over integer vectors delta with at most d nonzero entries that are NOT certified;
/// the certificate reads "robust for every integer delta with |delta|^2 < n*".
///
/// Method: the law of T = <delta, eps> depends only on the multiset of nonzero |delta_i| (symmetric noise,
/// permutations). Patterns are the nonincreasing sequences of positive parts; a depth-first search
/// extends a pattern by one part k <= its last part, building the child's law by ONE convolution from the
/// parent's, and never visits a pattern whose norm is >= the best n* found so far (a first bound comes
/// from the single-part patterns (m)). An uncertified pattern ends its branch (all its extensions have a
/// larger norm). The search is complete (ENUM-1).
public enum TightRadius {
    public struct Result: Sendable {
        /// n*, or nil when every pattern with norm <= `maxNorm2` is certified (then n* > maxNorm2).
        public var nStar: Int?
        /// A nonincreasing pattern of parts with |pattern|^2 = n* that is not certified.
        public var witnessPattern: [Int]?
        /// The full analysis of the witness pattern (margins, witness classifier).
        public var witnessAnalysis: ShiftAnalysis?
        /// Patterns whose sign was undecided at the finest precision (counted as not certified).
        public var undecided: [[Int]]
        /// Number of patterns examined (convolutions done).
        public var patternsVisited: Int
        public var maxNorm2: Int
        public var dimension: Int
        /// The certificate in words.
        public var statement: String {
            if let n = nStar { return "robust for every integer delta with at most \(dimension) nonzero entries and |delta|^2 < \(n)" }
            return "robust for every integer delta with at most \(dimension) nonzero entries and |delta|^2 <= \(maxNorm2) (search limit)"
        }
    }

    /// Searches n* among patterns with norm <= maxNorm2.
    /// - Parameters: pB nil selects the binary form (certified iff pA > midCDF_T(n2), NP-3, when the noise
    ///   is layered; the general walk otherwise).
    ///   progress, when given, is called after every pattern examined with (patterns examined so far, the current
    ///   bound on n* (maxNorm2 + 1 while none found), the pattern just examined); the caller throttles its output.
    public static func search(analyzer: ShiftAnalyzer, pA: Rational, pB: Rational?, dimension d: Int,
                              maxNorm2: Int, progress: ((Int, Int, [Int]) -> Void)? = nil) -> Result {
        precondition(d >= 1 && maxNorm2 >= 1)
        let rung = Precision.ladder[0]
        let coord = analyzer.coordinateLaw(rung)
        var undecided: [[Int]] = []
        var visited = 0

        func decide(_ law: ShiftLaw, _ parts: [Int], _ n2: Int) -> Decision {
            let first = decideOn(law, n2)
            if first != .undecided { return first }
            // Raise the precision: rebuild the law at each finer rung.
            for p in Precision.ladder.dropFirst() {
                let d = decideOn(analyzer.lawOfT(parts, precision: p), n2)
                if d != .undecided { return d }
            }
            undecided.append(parts)
            return .undecided
        }
        func decideOn(_ law: ShiftLaw, _ n2: Int) -> Decision {
            if pB == nil && analyzer.noise.likelihoodRatioIsLayered {
                let m = NeymanPearson.midCDF(law, at: n2)
                if pA > m.hi { return .certified }
                if pA <= m.lo { return .notCertified }
                return .undecided
            }
            return ShiftAnalysis.evaluate(law: law, delta: [], n2: n2, pA: pA, pB: pB, precision: rung).decision
        }

        // First bound: single parts.
        var best = maxNorm2 + 1
        var bestPattern: [Int]? = nil
        var m = 1
        while m * m <= maxNorm2 {
            visited += 1
            let law = ShiftLaw.ofShift([m], noise: coord)
            if !decide(law, [m], m * m).isCertified { best = m * m; bestPattern = [m]; break }
            progress?(visited, best, [m])
            m += 1
        }
        // Depth-first search over nonincreasing patterns with norm < best.
        var parts: [Int] = []
        func dfs(_ law: ShiftLaw, _ norm: Int) {
            guard parts.count < d else { return }
            var k = parts.last ?? Int.max
            while k >= 1 {
                if k > 46340 || norm + k * k >= best { k = min(k - 1, isqrt(best - 1 - norm)); continue }
                let n2 = norm + k * k
                let child = law.adding(part: k, of: coord)
                parts.append(k)
                visited += 1
                if !decide(child, parts, n2).isCertified {
                    best = n2; bestPattern = parts
                } else {
                    dfs(child, n2)
                }
                progress?(visited, best, parts)
                parts.removeLast()
                k -= 1
            }
        }
        if best > 1 { dfs(ShiftLaw(fractionBits: coord.fractionBits), 0) }

        var analysis: ShiftAnalysis? = nil
        if let p = bestPattern { analysis = analyzer.analyse(delta: p, pA: pA, pB: pB) }
        return Result(nStar: bestPattern == nil ? nil : best, witnessPattern: bestPattern, witnessAnalysis: analysis,
                      undecided: undecided, patternsVisited: visited, maxNorm2: maxNorm2, dimension: d)
    }

    /// floor(sqrt(x)) for x >= 0 (0 for negative x).
    static func isqrt(_ x: Int) -> Int {
        if x <= 0 { return 0 }
        var r = Int(Double(x).squareRoot())
        while r * r > x { r -= 1 }
        while (r + 1) * (r + 1) <= x { r += 1 }
        return r
    }
}
