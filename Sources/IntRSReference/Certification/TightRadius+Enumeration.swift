import IntRSExact

extension TightRadius {
    /// The law the depth-first search carries: the 31-bit fast rung, or the first ladder rung.
    enum RungLaw {
        case fast(ShiftLaw31), full(ShiftLaw)
        var shiftLaw: ShiftLaw { switch self { case .fast(let l): return l.shiftLaw; case .full(let l): return l } }
    }

    /// The pattern enumeration of ``search(analyzer:pA:pB:dimension:maxNorm2:budget:fastRung:collapse:byClass:progress:)``
    /// (ENUM-1), in its phases: ``run()`` (the single parts (m) for a first bound, then the depth-first search over
    /// nonincreasing patterns with norm below the best bound), ``analyseWitness()`` (the witness's exact analysis) and
    /// ``result(renyi:)``. One object per search; not reusable.
    ///
    /// Budget: the pattern count is checked before every pattern, the time (``SearchClock``) before every pattern,
    /// every rung, every convolution, inside every convolution (rows or groups of output entries) and inside the noise
    /// law's enclosure at a new precision. A pattern whose decision the time interrupted counts as not examined.
    final class PatternEnumeration {
        let analyzer: ShiftAnalyzer
        let pA: Rational, pB: Rational?
        let d: Int, maxNorm2: Int, nR: Int
        let maxPatterns: Int?
        let clock: SearchClock
        let fastRung: Bool
        let oracle: LatticeCollapse.Oracle?
        let progress: ((Int, Int, [Int]) -> Void)?
        /// The first ladder rung (the search's rung when `fastRung` is false; the fast rung's second try otherwise).
        let rung = Precision.ladder[0]
        /// Binary form with a layered likelihood ratio: certified iff pA > midCDF_T(n2) (NP-3).
        let binaryByMidCDF: Bool

        // Per-coordinate laws (nil until ``run()`` built them within the budget).
        var coord: ShiftLaw! = nil
        var coordFast: ShiftLaw31! = nil

        // State.
        var undecided: [[Int]] = []
        /// Patterns examined (convolutions done or decided by COL-1).
        var visited = 0
        /// True once the budget ran out (it then stays out).
        var stopped = false
        var collapsed = 0
        /// The best bound on n* (maxNorm2 + 1 while none found) and its non-certified pattern.
        var best: Int
        var bestPattern: [Int]? = nil
        var analysis: ShiftAnalysis? = nil
        /// A lower bound on the norm of every pattern not examined when the budget ran out.
        var frontier = Int.max
        /// The current pattern of the depth-first search.
        var parts: [Int] = []
        /// Laws of the current prefixes, built lazily (only when a pattern below needs an exact decision): entry i is
        /// the law of parts[0 ..< i] and is reset whenever parts[i - 1] changes. `lawStack` carries the search's rung
        /// (fast or first ladder rung); `finerStack` the first ladder rung, asked only when the fast rung is undecided.
        var lawStack: [RungLaw?] = []
        var finerStack: [ShiftLaw?] = []

        init(analyzer: ShiftAnalyzer, pA: Rational, pB: Rational?, dimension d: Int, maxNorm2: Int, nR: Int,
             maxPatterns: Int?, clock: SearchClock, fastRung: Bool, oracle: LatticeCollapse.Oracle?,
             progress: ((Int, Int, [Int]) -> Void)?) {
            self.analyzer = analyzer; self.pA = pA; self.pB = pB; self.d = d; self.maxNorm2 = maxNorm2; self.nR = nR
            self.maxPatterns = maxPatterns; self.clock = clock; self.fastRung = fastRung; self.oracle = oracle
            self.progress = progress
            binaryByMidCDF = pB == nil && analyzer.noise.likelihoodRatioIsLayered
            best = maxNorm2 + 1
        }

        // MARK: budget

        /// Whether the budget ran out (marks the search stopped). `patterns`: also count patterns (false: time only,
        /// inside a pattern whose count was checked before).
        func outOfBudget(patterns: Bool = true) -> Bool {
            if stopped { return true }
            if patterns, let m = maxPatterns, visited >= m { stopped = true }
            if clock.timeUp() { stopped = true }
            return stopped
        }

        /// The time alone, without marking the search stopped (for the witness analysis after a search that finished).
        func timeUp() -> Bool { clock.timeUp() }

        // MARK: phase 1 and 2

        /// Single parts first (a first bound on n*), then the depth-first search below it.
        func run() {
            let stop = { [clock] in clock.timeUp() }
            guard let c = analyzer.coordinateLaw(rung, stop: stop),
                  let f = analyzer.coordinateLaw(Precision.fast, stop: stop) else {
                stopped = true; frontier = 1; return    // out of time enclosing the noise law: only n_R is claimed
            }
            coord = c; coordFast = ShiftLaw31(f)
            lawStack = [root]
            finerStack = [ShiftLaw(fractionBits: rung.fractionBits)]
            if !singleParts() { frontier = 1 }         // stopped in the single-part phase: only n_R is claimed
            else if best > 1 { dfs(0, 0) }
        }

        var root: RungLaw { fastRung ? .fast(ShiftLaw31()) : .full(ShiftLaw(fractionBits: rung.fractionBits)) }

        /// The child law `law + k eps` at the search's rung; nil when the time ran out inside the convolution.
        func extend(_ law: RungLaw, _ k: Int) -> RungLaw? {
            let stop = { self.clock.timeUp() }
            switch law {
            case .fast(let l): return l.adding(part: k, of: coordFast, stop: stop).map { .fast($0) }
            case .full(let l): return l.adding(part: k, of: coord, stop: stop).map { .full($0) }
            }
        }

        /// The single parts (m), m^2 > n_R, in increasing order until the first non-certified one (the first bound on
        /// n*). False when the budget ran out in this phase.
        func singleParts() -> Bool {
            var m = isqrt(nR) + 1
            while m * m <= maxNorm2 {
                if outOfBudget() { return false }
                visited += 1
                guard let dm = decide({ self.extend(self.root, m) }, [m], m * m,
                                      finer: { ShiftLaw(fractionBits: self.rung.fractionBits)
                                                .adding(part: m, of: self.coord, stop: { self.clock.timeUp() }) }) else {
                    visited -= 1; return false
                }
                if !dm.isCertified { best = m * m; bestPattern = [m]; return true }
                progress?(visited, best, [m])
                m += 1
            }
            return true
        }

        /// The law of parts[0 ..< depth] at the search's rung from the cache (built by ``buildLaw(_:)``).
        func lawAt(_ depth: Int) -> RungLaw? {
            if let l = lawStack[depth] { return l }
            guard let prev = lawAt(depth - 1), let l = extend(prev, parts[depth - 1]) else { return nil }
            lawStack[depth] = l
            return l
        }

        /// Builds the law of parts[0 ..< depth] one convolution at a time, checking the budget between convolutions and
        /// inside them (a deep pattern's law can take seconds); false when the budget ran out first.
        func buildLaw(_ depth: Int) -> Bool {
            var i = depth
            while lawStack[i] == nil { i -= 1 }
            while i < depth {
                if outOfBudget(patterns: false) { return false }   // time only: the pattern count was checked before
                guard let l = extend(lawStack[i]!, parts[i]) else { stopped = true; return false }
                lawStack[i + 1] = l
                i += 1
            }
            return true
        }

        /// The first ladder rung's law of parts[0 ..< depth], one convolution at a time with the time checked between
        /// and inside them; nil when the time ran out first.
        func finerLaw(_ depth: Int) -> ShiftLaw? {
            var i = depth
            while finerStack[i] == nil { i -= 1 }
            while i < depth {
                if outOfBudget(patterns: false) { return nil }
                guard let l = finerStack[i]!.adding(part: parts[i], of: coord, stop: { self.clock.timeUp() }) else { return nil }
                finerStack[i + 1] = l
                i += 1
            }
            return finerStack[depth]
        }

        /// Depth-first search over nonincreasing patterns extending `parts` (norm `norm`, gcd `g`) with norm < best,
        /// parts in increasing size, so that when the search stops, the smallest norm of a pattern not yet examined is
        /// min over the stack of (prefix norm + (next part)^2) (ENUM-1).
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
                guard let certified = decidePattern(depth: depth, n2: n2, gcd: childG) else {
                    // Out of budget before this pattern was decided: it counts as not examined.
                    visited -= 1; parts.removeLast(); frontier = min(frontier, n2); return
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

        /// Whether the current pattern (parts[0 ..< depth], norm n2, gcd g) is certified: COL-1 first (no
        /// convolution), then the exact decision on the pattern's law. nil when the budget ran out first.
        func decidePattern(depth: Int, n2: Int, gcd g: Int) -> Bool? {
            let byClass = n2 > nR ? oracle?.decide(n2: n2, gcd: g) ?? .undecided : .undecided
            if byClass != .undecided { collapsed += 1; return byClass == .certified }
            if n2 > nR && !buildLaw(depth) { return nil }
            guard let dp = decide({ self.lawAt(depth) }, parts, n2, finer: { self.finerLaw(depth) }) else { return nil }
            return dp.isCertified
        }

        // MARK: deciding one pattern

        /// The decision for one pattern: on `lawOf()` (the search's rung), then (fast rung undecided) on `finer()` (the
        /// first ladder rung), then on every finer rung of the analyzer's ladder, fixed-width then arbitrary precision
        /// (``BigShiftLaw``) up to its cap; `.undecided` (counted as not certified) past the cap.
        /// nil: the time budget ran out before the pattern was decided (it then counts as not examined). The time is
        /// checked before every rung, between the convolutions that build a rung's law and inside each of them, and
        /// inside the noise law's enclosure at a new precision, so a near-tie stuck on the 128- to 512-bit rungs cannot
        /// hold the search past its budget by more than one such step.
        func decide(_ lawOf: () -> RungLaw?, _ parts: [Int], _ n2: Int, finer: () -> ShiftLaw?) -> Decision? {
            if n2 <= nR { return .certified } // REN-1
            guard let law = lawOf() else { stopped = true; return nil }
            let first = decideOn(law.shiftLaw, n2)
            if first != .undecided { return first }
            if case .fast = law {
                guard !outOfBudget(patterns: false), let f = finer() else { stopped = true; return nil }
                let second = decideOn(f, n2)
                if second != .undecided { return second }
            }
            // Raise the precision: rebuild the law at each finer rung, fixed-width then arbitrary-precision
            // (BigShiftLaw) up to the analyzer's cap.
            let stop = { self.outOfBudget(patterns: false) }
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

        // MARK: phase 3: the witness

        /// The witness's exact analysis (``Result/witnessPattern``'s rule), within the time budget: when it runs out
        /// the pattern found by the search stays the witness, its decision already made, without the analysis. False
        /// (never expected) when COL-1 proved the witness's class non-certified and its exact analysis certified it:
        /// the caller then distrusts the collapse.
        func analyseWitness() -> Bool {
            let timeUp = { [clock] in clock.timeUp() }
            if let p = bestPattern, p.count > 1, let o = oracle, let (shortest, _) = o.witnessClass(n2: best, dimension: d) {
                // COL-1 proved a whole class of norm n* non-certified: its shortest pattern is the witness, analysed exactly.
                if let a = analyzer.analyse(delta: shortest, pA: pA, pB: pB, stop: timeUp) {
                    guard a.decision != .certified else { return false }
                    bestPattern = shortest; analysis = a
                }
            } else if let p = bestPattern, !(stopped && clock.maxSeconds != nil) {
                // (A search stopped by its TIME budget skips this analysis, which can take seconds for a long pattern; the
                // pattern's non-certification was already decided exactly during the search. Within the budget it is
                // interrupted when the time runs out, and then left out the same way.)
                analysis = analyzer.analyse(delta: p, pA: pA, pB: pB, stop: timeUp)
            }
            return true
        }

        // MARK: the answer

        /// The result: complete (n* = best, or none up to maxNorm2), or, stopped, the sound partial certificate: every
        /// pattern with norm < frontier was examined (and, if below best, certified); patterns with norm <= n_R are
        /// certified by REN-1.
        func result(renyi: RenyiFloor.Result?) -> Result {
            var r: Result
            if stopped {
                let enumerated = min(frontier - 1, best - 1, maxNorm2)
                r = Result(nStar: nil, witnessPattern: bestPattern, witnessAnalysis: analysis, undecided: undecided,
                           patternsVisited: visited, maxNorm2: maxNorm2, dimension: d, renyi: renyi, complete: false,
                           nStarUpperBound: bestPattern == nil ? nil : best, certifiedNorm2: max(nR, enumerated))
            } else {
                r = Result(nStar: bestPattern == nil ? nil : best, witnessPattern: bestPattern, witnessAnalysis: analysis,
                           undecided: undecided, patternsVisited: visited, maxNorm2: maxNorm2, dimension: d, renyi: renyi,
                           complete: true, nStarUpperBound: nil, certifiedNorm2: min(best - 1, maxNorm2))
            }
            r.collapsedPatterns = collapsed
            r.collapsedClasses = oracle?.classesCertified ?? 0
            if let o = oracle, o.classesCertified > 0 { r.collapseLargestTau = o.largestTau }
            return r
        }
    }
}
