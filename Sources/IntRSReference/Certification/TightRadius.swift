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
    public static func search(analyzer: ShiftAnalyzer, pA: Rational, pB: Rational?, dimension d: Int,
                              maxNorm2: Int, budget: Budget = .unlimited, fastRung: Bool = true, collapse: Bool = true,
                              byClass: Bool = true, progress: ((Int, Int, [Int]) -> Void)? = nil) -> Result {
        precondition(d >= 1 && maxNorm2 >= 1)
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
        var collapsed = 0
        var budget = budget
        if byClass, let o = oracle {
            let t0 = ContinuousClock.now
            if let r = searchByClass(analyzer: analyzer, oracle: o, pA: pA, pB: pB, dimension: d, maxNorm2: maxNorm2,
                                     renyi: renyi, budget: budget, progress: progress) {
                return r
            }
            // Handed over: the enumeration gets what is left of the time budget.
            if let s = budget.maxSeconds {
                let e = ContinuousClock.now - t0
                budget.maxSeconds = max(0, s - seconds(e))
            }
        }
        let rung = Precision.ladder[0]
        let coord = analyzer.coordinateLaw(rung)
        let coordFast = ShiftLaw31(analyzer.coordinateLaw(Precision.fast))
        /// The law the depth-first search carries: the 31-bit fast rung, or the first ladder rung.
        enum RungLaw {
            case fast(ShiftLaw31), full(ShiftLaw)
            var shiftLaw: ShiftLaw { switch self { case .fast(let l): return l.shiftLaw; case .full(let l): return l } }
        }
        func extend(_ law: RungLaw, _ k: Int) -> RungLaw {
            switch law {
            case .fast(let l): return .fast(l.adding(part: k, of: coordFast))
            case .full(let l): return .full(l.adding(part: k, of: coord))
            }
        }
        let root: RungLaw = fastRung ? .fast(ShiftLaw31()) : .full(ShiftLaw(fractionBits: coord.fractionBits))
        var undecided: [[Int]] = []
        var visited = 0
        let clock = ContinuousClock()
        let started = clock.now
        var stopped = false
        func outOfBudget(patterns: Bool = true) -> Bool {
            if stopped { return true }
            if patterns, let m = budget.maxPatterns, visited >= m { stopped = true }
            if let s = budget.maxSeconds {
                let e = clock.now - started
                if seconds(e) >= s { stopped = true }
            }
            return stopped
        }

        /// The time budget alone, without marking the search stopped (for the witness analysis after a search that
        /// finished).
        func timeUp() -> Bool {
            guard let s = budget.maxSeconds else { return false }
            return seconds(clock.now - started) >= s
        }
        /// `finer`: the same pattern's law at the first ladder rung (only asked when the fast rung is undecided; nil
        /// when the time ran out while building it).
        /// nil: the time budget ran out before the pattern was decided (it then counts as not examined). The time is
        /// checked before every rung, between the convolutions that build a rung's law, and (arbitrary precision)
        /// between the rows of each convolution, so a near-tie stuck on the 128- to 512-bit rungs cannot hold the
        /// search past its budget by more than one such step.
        func decide(_ lawOf: () -> RungLaw, _ parts: [Int], _ n2: Int, finer: () -> ShiftLaw?) -> Decision? {
            if n2 <= nR { return .certified } // REN-1
            let law = lawOf()
            let first = decideOn(law.shiftLaw, n2)
            if first != .undecided { return first }
            if case .fast = law {
                guard !outOfBudget(patterns: false), let f = finer() else { stopped = true; return nil }
                let second = decideOn(f, n2)
                if second != .undecided { return second }
            }
            // Raise the precision: rebuild the law at each finer rung, fixed-width then arbitrary-precision
            // (BigShiftLaw) up to the analyzer's cap.
            let stop = { outOfBudget(patterns: false) }
            for p in analyzer.ladder.dropFirst() {
                let d: Decision
                if p.isFixedWidth {
                    guard let l = analyzer.lawOfT(parts, precision: p, stop: stop) else { stopped = true; return nil }
                    d = decideOn(l, n2)
                } else {
                    guard let l = analyzer.bigLawOfT(parts, precision: p, stop: stop) else { stopped = true; return nil }
                    d = decideOn(l, n2)
                }
                if d != .undecided { return d }
            }
            undecided.append(parts)
            return .undecided
        }
        // Binary form with a layered likelihood ratio: certified iff pA > midCDF_T(n2) (NP-3).
        let binaryByMidCDF = pB == nil && analyzer.noise.likelihoodRatioIsLayered
        func decideByMidCDF(_ m: Interval) -> Decision {
            pA > m.hi ? .certified : (pA <= m.lo ? .notCertified : .undecided)
        }
        func decideOn(_ law: ShiftLaw, _ n2: Int) -> Decision {
            binaryByMidCDF ? decideByMidCDF(NeymanPearson.midCDF(law, at: n2))
                : ShiftAnalysis.evaluate(law: law, delta: [], n2: n2, pA: pA, pB: pB, precision: rung).decision
        }
        func decideOn(_ law: BigShiftLaw, _ n2: Int) -> Decision {
            binaryByMidCDF ? decideByMidCDF(NeymanPearson.midCDF(law, at: n2))
                : ShiftAnalysis.evaluate(law: law, delta: [], n2: n2, pA: pA, pB: pB, precision: rung).decision
        }

        // First bound: single parts (those with m^2 <= n_R are certified by REN-1).
        var best = maxNorm2 + 1
        var bestPattern: [Int]? = nil
        var m = isqrt(nR) + 1
        var stoppedInSingleParts = false
        while m * m <= maxNorm2 {
            if outOfBudget() { stoppedInSingleParts = true; break }
            visited += 1
            guard let dm = decide({ extend(root, m) }, [m], m * m, finer: { ShiftLaw.ofShift([m], noise: coord) }) else {
                visited -= 1; stoppedInSingleParts = true; break
            }
            if !dm.isCertified { best = m * m; bestPattern = [m]; break }
            progress?(visited, best, [m])
            m += 1
        }
        // Depth-first search over nonincreasing patterns with norm < best, parts in increasing size.
        // `frontier`: a lower bound on the norm of every pattern not examined when the budget ran out.
        var frontier = Int.max
        var parts: [Int] = []
        // Laws of the current prefixes, built lazily (only when a pattern below needs an exact decision): entry i
        // is the law of parts[0 ..< i] and is reset whenever parts[i - 1] changes. `lawStack` carries the search's
        // rung (fast or first ladder rung); `finerStack` the first ladder rung, asked only when the fast rung is
        // undecided.
        var lawStack: [RungLaw?] = [root]
        var finerStack: [ShiftLaw?] = [ShiftLaw(fractionBits: coord.fractionBits)]
        func lawAt(_ depth: Int) -> RungLaw {
            if let l = lawStack[depth] { return l }
            let l = extend(lawAt(depth - 1), parts[depth - 1])
            lawStack[depth] = l
            return l
        }
        /// Builds the law of parts[0 ..< depth] one convolution at a time, checking the budget between convolutions (a
        /// deep pattern's law can take seconds); false when the budget ran out first.
        func buildLaw(_ depth: Int) -> Bool {
            var i = depth
            while lawStack[i] == nil { i -= 1 }
            while i < depth {
                if outOfBudget(patterns: false) { return false }   // time only: the pattern count was checked before
                lawStack[i + 1] = extend(lawStack[i]!, parts[i])
                i += 1
            }
            return true
        }
        /// The first ladder rung's law of parts[0 ..< depth], one convolution at a time with the time checked between
        /// them; nil when the time ran out first.
        func finerLaw(_ depth: Int) -> ShiftLaw? {
            var i = depth
            while finerStack[i] == nil { i -= 1 }
            while i < depth {
                if outOfBudget(patterns: false) { return nil }
                finerStack[i + 1] = finerStack[i]!.adding(part: parts[i], of: coord)
                i += 1
            }
            return finerStack[depth]
        }
        func dfs(_ norm: Int, _ g: Int) {
            guard parts.count < d else { return }
            let cap = min(parts.last ?? Int.max, 46340)
            var k = 1
            while k <= cap && norm + k * k < best {
                let n2 = norm + k * k
                // REN-1 prunes whole subtrees: every extension of the child has norm <= n2 + (free parts) * k^2.
                if n2 + (d - parts.count - 1) * k * k <= nR { k += 1; continue }
                if outOfBudget() { frontier = min(frontier, n2); return }
                parts.append(k)
                let depth = parts.count
                if lawStack.count <= depth { lawStack.append(nil); finerStack.append(nil) }
                else { lawStack[depth] = nil; finerStack[depth] = nil }
                visited += 1
                let childG = LatticeCollapse.gcd(g, k)
                // COL-1 first (no convolution), then the exact decision on the pattern's law.
                let byClass = n2 > nR ? oracle?.decide(n2: n2, gcd: childG) ?? .undecided : .undecided
                if byClass != .undecided { collapsed += 1 }
                if byClass == .undecided && n2 > nR && !buildLaw(depth) {
                    // Out of budget before this pattern was decided: it counts as not examined.
                    visited -= 1; parts.removeLast(); frontier = min(frontier, n2); return
                }
                var certified = byClass == .certified
                if byClass == .undecided {
                    guard let dp = decide({ lawAt(depth) }, parts, n2, finer: { finerLaw(depth) }) else {
                        // Out of time while deciding this pattern: it counts as not examined.
                        visited -= 1; parts.removeLast(); frontier = min(frontier, n2); return
                    }
                    certified = dp.isCertified
                }
                if !certified {
                    best = n2; bestPattern = parts
                } else {
                    dfs(n2, childG)
                }
                progress?(visited, best, parts)
                parts.removeLast()
                if stopped { frontier = min(frontier, norm + (k + 1) * (k + 1)); return }
                k += 1
            }
        }
        if stoppedInSingleParts { frontier = 1 } // stopped in the single-part phase: only n_R is claimed
        else if best > 1 { dfs(0, 0) }

        var analysis: ShiftAnalysis? = nil
        if let p = bestPattern, p.count > 1, let o = oracle, let (shortest, _) = o.witnessClass(n2: best, dimension: d) {
            // COL-1 proved a whole class of norm n* non-certified: its shortest pattern is the witness, analysed exactly
            // (within the time budget: when it runs out, the pattern found by the search stays the witness, its
            // decision already made, without the analysis).
            if let a = analyzer.analyse(delta: shortest, pA: pA, pB: pB, stop: timeUp) {
                if a.decision != .certified {
                    bestPattern = shortest; analysis = a
                } else {
                    // Never expected (COL-1 is a theorem): distrust the collapse and search exhaustively.
                    return search(analyzer: analyzer, pA: pA, pB: pB, dimension: d, maxNorm2: maxNorm2, budget: budget,
                                  fastRung: fastRung, collapse: false, progress: progress)
                }
            }
        } else if let p = bestPattern, !(stopped && budget.maxSeconds != nil) {
            // (A search stopped by its TIME budget skips this analysis, which can take seconds for a long pattern; the
            // pattern's non-certification was already decided exactly during the search. Within the budget it is
            // interrupted when the time runs out, and then left out the same way.)
            analysis = analyzer.analyse(delta: p, pA: pA, pB: pB, stop: timeUp)
        }
        func withCollapse(_ r: Result) -> Result {
            var r = r
            r.collapsedPatterns = collapsed
            r.collapsedClasses = oracle?.classesCertified ?? 0
            if let o = oracle, o.classesCertified > 0 { r.collapseLargestTau = o.largestTau }
            return r
        }
        if stopped {
            // Every pattern with norm < frontier was examined (and, if below best, certified); patterns
            // with norm <= n_R are certified by REN-1.
            let enumerated = min(frontier - 1, best - 1, maxNorm2)
            return withCollapse(Result(nStar: nil, witnessPattern: bestPattern, witnessAnalysis: analysis, undecided: undecided,
                          patternsVisited: visited, maxNorm2: maxNorm2, dimension: d, renyi: renyi, complete: false,
                          nStarUpperBound: bestPattern == nil ? nil : best, certifiedNorm2: max(nR, enumerated)))
        }
        return withCollapse(Result(nStar: bestPattern == nil ? nil : best, witnessPattern: bestPattern, witnessAnalysis: analysis,
                      undecided: undecided, patternsVisited: visited, maxNorm2: maxNorm2, dimension: d, renyi: renyi,
                      complete: true, nStarUpperBound: nil, certifiedNorm2: min(best - 1, maxNorm2)))
    }

    /// The class-by-class search (COL-1), tried first whenever the collapse applies: single parts (m) exactly, then
    /// for n = n_R + 1, n_R + 2, ... every class (g, n / g^2) with at least one pattern of at most d parts, decided by
    /// COL-1 alone; no pattern is enumerated. n* is the first norm with a class proven not certified (or the first
    /// non-certified single part); the witness follows ``Result/witnessPattern``'s rule (fewest parts over the classes
    /// proven non-certified), analysed exactly. Returns nil, and the caller runs the pattern enumeration, as soon as COL-1 leaves a class undecided
    /// or the exact analysis of the witness disagrees. Same n*, certificate and witness rule as the enumeration.
    static func searchByClass(analyzer: ShiftAnalyzer, oracle: LatticeCollapse.Oracle, pA: Rational, pB: Rational?,
                              dimension d: Int, maxNorm2: Int, renyi: RenyiFloor.Result?, budget: Budget,
                              progress: ((Int, Int, [Int]) -> Void)?) -> Result? {
        let nR = renyi?.nR ?? 0
        let clock = ContinuousClock()
        let started = clock.now
        var examined = 0
        func timeUp() -> Bool {
            guard let s = budget.maxSeconds else { return false }
            return seconds(clock.now - started) >= s
        }
        func outOfBudget() -> Bool {
            if let m = budget.maxPatterns, examined >= m { return true }
            if let s = budget.maxSeconds {
                let e = clock.now - started
                if seconds(e) >= s { return true }
            }
            return false
        }
        var undecided: [[Int]] = []
        var best = maxNorm2 + 1
        var witness: [Int]? = nil
        var analysis: ShiftAnalysis? = nil
        var stoppedAt: Int? = nil          // the first norm not fully examined when the budget ran out
        // Single parts, exactly (as in the enumeration's first phase).
        var m = isqrt(nR) + 1
        while m * m <= maxNorm2 {
            if outOfBudget() { stoppedAt = nR + 1; break }
            examined += 1
            guard let a = analyzer.analyse(delta: [m], pA: pA, pB: pB, stop: timeUp) else {
                examined -= 1; stoppedAt = nR + 1; break   // out of time while deciding (m): not examined
            }
            if a.decision == .undecided { undecided.append([m]) }
            if a.decision != .certified { best = m * m; witness = [m]; analysis = a; break }
            progress?(examined, best, [m])
            m += 1
        }
        if stoppedAt == nil {
            var n = nR + 1
            while n < best && n <= maxNorm2 {
                if outOfBudget() { stoppedAt = n; break }
                var g = 1
                var provenNotCertified = false
                while 2 * g * g <= n {
                    defer { g += 1 }
                    guard n % (g * g) == 0,
                          let shortest = LatticeCollapse.shortestPattern(gcd: g, reducedNorm2: n / (g * g), maxParts: d) else { continue }
                    examined += 1
                    switch oracle.decide(n2: n, gcd: g) {
                    case .certified: progress?(examined, best, shortest)
                    case .notCertified: provenNotCertified = true
                    case .undecided: return nil
                    }
                }
                if provenNotCertified {
                    guard let (shortest, _) = oracle.witnessClass(n2: n, dimension: d) else { return nil }
                    guard let a = analyzer.analyse(delta: shortest, pA: pA, pB: pB, stop: timeUp) else {
                        // Out of time analysing the witness: COL-1 has proven n* <= n; everything below n is certified.
                        best = n; witness = shortest; stoppedAt = n
                        break
                    }
                    guard a.decision != .certified else { return nil }
                    best = n; witness = shortest; analysis = a
                    break
                }
                n += 1
            }
        }
        var r: Result
        if let s = stoppedAt {
            r = Result(nStar: nil, witnessPattern: witness, witnessAnalysis: analysis, undecided: undecided,
                       patternsVisited: examined, maxNorm2: maxNorm2, dimension: d, renyi: renyi, complete: false,
                       nStarUpperBound: witness == nil ? nil : best, certifiedNorm2: max(nR, min(s - 1, best - 1, maxNorm2)))
        } else {
            r = Result(nStar: witness == nil ? nil : best, witnessPattern: witness, witnessAnalysis: analysis,
                       undecided: undecided, patternsVisited: examined, maxNorm2: maxNorm2, dimension: d, renyi: renyi,
                       complete: true, nStarUpperBound: nil, certifiedNorm2: min(best - 1, maxNorm2))
        }
        r.searchedByClass = true
        r.collapsedClasses = oracle.classesCertified
        r.collapseLargestTau = oracle.classesCertified > 0 ? oracle.largestTau : nil
        return r
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
