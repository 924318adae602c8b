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
///
/// Under discrete Gaussian noise the lattice collapse (Proofs: COL-1, ``LatticeCollapse``) decides whole classes
/// (gcd g, |delta/g|^2) through a one-dimensional law: the search first tries to go class by class with no pattern
/// enumeration (``searchByClass(analyzer:oracle:pA:pB:dimension:maxNorm2:renyi:budget:progress:)``), and otherwise
/// enumerates patterns, looking each pattern's class up before any convolution. Same n* either way.
public enum TightRadius {
    /// A limit on the work of one search. When it runs out the result is a SOUND partial certificate
    /// (``Result/certifiedNorm2``), not the tight answer.
    public struct Budget: Sendable, Equatable {
        /// Stop after this many patterns have been examined (convolutions done).
        public var maxPatterns: Int?
        /// Stop after this much wall time (seconds).
        public var maxSeconds: Double?
        public init(maxPatterns: Int? = nil, maxSeconds: Double? = nil) { self.maxPatterns = maxPatterns; self.maxSeconds = maxSeconds }
        public static let unlimited = Budget()
    }

    public struct Result: Sendable {
        /// n*, or nil when every pattern with norm <= `maxNorm2` is certified (then n* > maxNorm2), or when
        /// the search stopped on its budget (`complete == false`; see `nStarUpperBound`).
        public var nStar: Int?
        /// A nonincreasing pattern of parts with |pattern|^2 = n* (or = `nStarUpperBound`) that is not certified:
        /// the single part (m) when n* = m^2 and (m) is not certified; otherwise, when the lattice collapse (COL-1)
        /// proves some class (g, n*/g^2) non-certified, the pattern with the fewest parts over all such classes (ties:
        /// smallest g, then first in enumeration order); otherwise the first non-certified pattern in enumeration
        /// order. Either way `witnessAnalysis` is its exact analysis.
        public var witnessPattern: [Int]?
        /// The full analysis of the witness pattern (margins, witness classifier). nil when there is no witness, and
        /// when the time budget ran out before or during this analysis (the pattern's non-certification was decided
        /// during the search, exactly or by COL-1, and stands; only this re-analysis, which can take seconds, is left out).
        public var witnessAnalysis: ShiftAnalysis?
        /// Patterns whose sign was undecided at every rung of the analyzer's ladder, up to its cap (counted as not
        /// certified).
        public var undecided: [[Int]]
        /// Number of patterns examined (convolutions done).
        public var patternsVisited: Int
        public var maxNorm2: Int
        public var dimension: Int
        /// The Rényi floor (REN-1) used, or nil when the noise has no Rényi shift bound (rounded Gaussian,
        /// test laws). Patterns with norm <= n_R are certified without a decision.
        public var renyi: RenyiFloor.Result?
        /// False when the budget ran out before the search finished.
        public var complete: Bool
        /// Smallest norm of a pattern proven NOT certified when the search was stopped early (n* <= this).
        public var nStarUpperBound: Int?
        /// The sound certificate: every integer delta with at most `dimension` nonzero entries and
        /// |delta|^2 <= certifiedNorm2 is certified (0: nothing). Complete search: n* - 1, or maxNorm2.
        /// Stopped search: max(n_R, the largest m such that every pattern with norm <= m was examined).
        public var certifiedNorm2: Int
        /// Patterns certified by the lattice collapse (COL-1) without a convolution (counted in `patternsVisited`).
        public var collapsedPatterns: Int = 0
        /// Classes (gcd, |delta/gcd|^2) the collapse certified, and the largest total-variation bound tau they used.
        public var collapsedClasses: Int = 0
        public var collapseLargestTau: Rational? = nil
        /// True when the class-by-class search answered (COL-1 decided every class between n_R and the answer; no
        /// pattern was enumerated): `patternsVisited` then counts the single parts and classes examined.
        public var searchedByClass: Bool = false
        /// n_R, or 0 when not applicable.
        public var renyiFloor: Int { renyi?.nR ?? 0 }
        /// The certificate in words.
        public var statement: String {
            if !complete && certifiedNorm2 == 0 {
                return "NOT the tight answer (search budget exhausted after \(patternsVisited) patterns): no shift is certified by this run"
                    + (nStarUpperBound.map { "; n* <= \($0) (a non-certified pattern was found)" } ?? "")
            }
            if !complete {
                return "NOT the tight answer (search budget exhausted after \(patternsVisited) patterns): robust for every integer delta "
                    + "with at most \(dimension) nonzero entries and |delta|^2 <= \(certifiedNorm2) (Rényi floor n_R = \(renyiFloor), REN-1, "
                    + "and every pattern up to that norm enumerated or covered)"
                    + (nStarUpperBound.map { "; n* <= \($0) (a non-certified pattern was found)" } ?? "")
            }
            if let n = nStar { return "robust for every integer delta with at most \(dimension) nonzero entries and |delta|^2 < \(n)" }
            if renyiFloor >= maxNorm2 {
                return "robust for every integer delta with |delta|^2 <= \(maxNorm2) (REN-1: Rényi floor n_R = \(renyiFloor) >= the search limit; no enumeration needed)"
            }
            return "robust for every integer delta with at most \(dimension) nonzero entries and |delta|^2 <= \(maxNorm2) (search limit)"
        }
    }

    /// Searches n* among patterns with norm <= maxNorm2.
    /// - Parameters: pB nil selects the binary form (certified iff pA > midCDF_T(n2), NP-3, when the noise
    ///   is layered; the general walk otherwise). pA and pB are the values to certify with (after any d*eta
    ///   accounting). When the noise has the Rényi shift bound (discrete Gaussian), the Rényi floor n_R
    ///   (REN-1) is computed first: patterns with norm <= n_R are certified without a decision, and when
    ///   maxNorm2 <= n_R the search returns at once.
    ///   progress, when given, is called after every pattern examined with (patterns examined so far, the current
    ///   bound on n* (maxNorm2 + 1 while none found), the pattern just examined); the caller throttles its output.
    ///   budget: when it runs out the result has `complete == false` and a sound partial certificate.
    ///   collapse: use COL-1 (discrete Gaussian only; false gives the exhaustive exact search, for audits and tests).
    ///   byClass: with the collapse, try the class-by-class search first (false: always enumerate; tests).
    ///
    /// A child whose whole subtree has norms <= n_R (child norm + (free parts) * part^2 <= n_R) is not visited.
    /// Order: at every depth parts are tried in INCREASING size, so that when the search stops, the smallest
    /// norm of a pattern not yet examined is min over the stack of (prefix norm + (next part)^2) (ENUM-1).
    ///
    /// Phases: the Rényi floor (REN-1); the class-by-class search (``searchByClass(analyzer:oracle:pA:pB:dimension:maxNorm2:renyi:budget:clock:progress:)``);
    /// otherwise the pattern enumeration (``PatternEnumeration``: single parts, then depth first) and the witness's
    /// exact analysis. The time budget is one deadline for all of them, measured from this call.
    public static func search(analyzer: ShiftAnalyzer, pA: Rational, pB: Rational?, dimension d: Int,
                              maxNorm2: Int, budget: Budget = .unlimited, fastRung: Bool = true, collapse: Bool = true,
                              byClass: Bool = true, progress: ((Int, Int, [Int]) -> Void)? = nil) -> Result {
        precondition(d >= 1 && maxNorm2 >= 1)
        let clock = SearchClock(maxSeconds: budget.maxSeconds)
        let renyi: RenyiFloor.Result? = analyzer.noise.renyiShiftBound
            ? RenyiFloor.floor(sigma2: analyzer.noise.sigma2, pA: pA, pB: pB) : nil
        let nR = renyi?.nR ?? 0
        if nR >= maxNorm2 {
            return Result(nStar: nil, witnessPattern: nil, witnessAnalysis: nil, undecided: [], patternsVisited: 0,
                          maxNorm2: maxNorm2, dimension: d, renyi: renyi, complete: true, nStarUpperBound: nil,
                          certifiedNorm2: maxNorm2)
        }
        // COL-1: classes (gcd, |delta/gcd|^2) certified at once through a one-dimensional comparison law.
        let oracle: LatticeCollapse.Oracle? = collapse && analyzer.noise.latticeCollapse
            ? LatticeCollapse.Oracle(sigma2: analyzer.noise.sigma2, pA: pA, pB: pB, dimension: d) : nil
        if byClass, let o = oracle,
           let r = searchByClass(analyzer: analyzer, oracle: o, pA: pA, pB: pB, dimension: d, maxNorm2: maxNorm2,
                                 renyi: renyi, budget: budget, clock: clock, progress: progress) {
            return r
        }
        // Handed over: the enumeration works to the same deadline.
        let e = PatternEnumeration(analyzer: analyzer, pA: pA, pB: pB, dimension: d, maxNorm2: maxNorm2, nR: nR,
                                   maxPatterns: budget.maxPatterns, clock: clock, fastRung: fastRung, oracle: oracle,
                                   progress: progress)
        e.run()
        guard e.analyseWitness() else {
            // COL-1 proved a class non-certified and the exact analysis of its shortest pattern certified it. Never
            // expected (COL-1 is a theorem): distrust the collapse and search exhaustively, with what is left of the time.
            return search(analyzer: analyzer, pA: pA, pB: pB, dimension: d, maxNorm2: maxNorm2,
                          budget: Budget(maxPatterns: budget.maxPatterns, maxSeconds: clock.remaining),
                          fastRung: fastRung, collapse: false, progress: progress)
        }
        return e.result(renyi: renyi)
    }

    /// The time budget of one search as a deadline: `maxSeconds` after the search started (nil: none). Every phase
    /// (class by class, enumeration, the witness's analysis) asks the same clock, so the budget is not reset between them.
    struct SearchClock: Sendable {
        let clock = ContinuousClock()
        let started: ContinuousClock.Instant
        let maxSeconds: Double?
        init(maxSeconds: Double?) { self.maxSeconds = maxSeconds; started = clock.now }
        /// True once `maxSeconds` have passed since the start.
        func timeUp() -> Bool {
            guard let s = maxSeconds else { return false }
            return TightRadius.seconds(clock.now - started) >= s
        }
        /// Seconds left (>= 0), or nil without a time budget.
        var remaining: Double? { maxSeconds.map { max(0, $0 - TightRadius.seconds(clock.now - started)) } }
    }

    /// A duration in seconds (the time budget's unit).
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// floor(sqrt(x)) for x >= 0 (0 for negative x).
    public static func isqrt(_ x: Int) -> Int {
        if x <= 0 { return 0 }
        var r = Int(Double(x).squareRoot())
        // v * v > x, without overflow (an overflowing square exceeds every Int).
        func above(_ v: Int) -> Bool { let (q, o) = v.multipliedReportingOverflow(by: v); return o || q > x }
        while above(r) { r -= 1 }
        while !above(r + 1) { r += 1 }
        return r
    }
}
