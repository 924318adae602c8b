import IntRSExact

extension TightRadius {
    /// The class-by-class search (COL-1), tried first whenever the collapse applies: single parts (m) exactly, then
    /// for n = n_R + 1, n_R + 2, ... every class (g, n / g^2) with at least one pattern of at most d parts, decided by
    /// COL-1 alone; no pattern is enumerated. n* is the first norm with a class proven not certified (or the first
    /// non-certified single part); the witness follows ``Result/witnessPattern``'s rule (fewest parts over the classes
    /// proven non-certified), analysed exactly. Returns nil, and the caller runs the pattern enumeration, as soon as COL-1 leaves a class undecided
    /// or the exact analysis of the witness disagrees. Same n*, certificate and witness rule as the enumeration.
    static func searchByClass(analyzer: ShiftAnalyzer, oracle: LatticeCollapse.Oracle, pA: Rational, pB: Rational?,
                              dimension d: Int, maxNorm2: Int, renyi: RenyiFloor.Result?, budget: Budget,
                              clock: SearchClock, progress: ((Int, Int, [Int]) -> Void)?) -> Result? {
        let nR = renyi?.nR ?? 0
        var examined = 0
        let timeUp = { clock.timeUp() }
        func outOfBudget() -> Bool {
            if let m = budget.maxPatterns, examined >= m { return true }
            return clock.timeUp()
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
}
