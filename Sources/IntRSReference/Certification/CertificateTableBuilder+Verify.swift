import IntRSCore
import IntRSExact

extension CertificateTableBuilder {
    /// Re-derives every step of a table that was read from a file (a cache, or `--certificate-table`) with the
    /// exact reference, so that no certificate rests on an unchecked file (issue 14: a tight table with every
    /// minCount lowered by 150 certified |delta|^2 < 43 where the truth is < 7).
    ///
    /// With q(n) = M(n) + d * eta (the builder's thresholds, ``thresholds(spec:cap:phiUpper:maxNorm2:progress:)``)
    /// and cp = `lowerBound`, each step (k_j, n_j) must satisfy
    /// - (soundness) cp(k_j) > q(n_j): the count k_j, hence every larger count, certifies |delta|^2 < n_j;
    /// - (least count) k_j = 0 or cp(k_j - 1) <= q(n_j): the step is not more conservative than the builder's;
    /// - (largest norm, every step but the last) cp(k_{j+1} - 1) <= q(n_j + 1): counts below the next step do not
    ///   certify n_j + 1.
    /// A table with no steps must have cp(N) <= q(1) (no count certifies). Together these say the steps are the
    /// builder's steps up to the last one's norm (a table capped by `maxNorm2` is accepted: its last step is only
    /// checked for soundness). Cost: up to three Clopper–Pearson bounds per step, and in tight mode one pattern
    /// enumeration up to norm n_last - 1 (no further than the builder went).
    ///
    /// Returns the problems found, each naming the step (empty: the table is verified).
    public static func verify(table: CertificateTable, spec: Spec, lowerBound: LowerBound,
                              phiUpper: (Rational) -> Rational) throws -> [String] {
        guard table.configuration == spec.configuration else {
            return ["configuration differs from the run's (\(table.configuration) vs \(spec.configuration))"]
        }
        var problems = table.problems()
        if !problems.isEmpty { return problems }
        let N = spec.estimationSamples
        let shift = Rational(spec.dimension) * spec.eta
        var cache: [Int: Rational] = [:]
        func cp(_ k: Int) throws -> Rational {
            if let v = cache[k] { return v }
            let v = try lowerBound(k)
            cache[k] = v
            return v
        }
        let steps = table.steps
        guard let last = steps.last else {
            if try cp(N) > Rational(1, 2) + shift {
                problems.append("no steps, but nA = N = \(N) certifies the prediction (its Clopper-Pearson bound exceeds 1/2 + d x eta)")
            }
            return problems
        }
        // q(n) for n = 1 ... n_last (index n - 1).
        let top = last.norm2Bound
        var q: [Rational] = []
        switch spec.effectiveMode {
        case .closedForm:
            for n in 1 ... top {
                q.append(Rational.max(Rational(1, 2), n == 1 ? Rational(1, 2) : phiUpper(Rational(n - 1) / spec.noise.sigma2)) + shift)
            }
        case .tight:
            let g = top >= 2 ? maxMidCDFByNorm(analyzer: ShiftAnalyzer(noise: spec.noise), dimension: spec.dimension, maxNorm2: top - 1) : [:]
            var running = Rational(1, 2)
            for n in 1 ... top {
                if n >= 2, let gm = g[n - 1] { running = Rational.max(running, gm) }
                q.append(running + shift)
            }
        }
        for (j, s) in steps.enumerated() {
            let qn = q[s.norm2Bound - 1]
            if try !(cp(s.minCount) > qn) {
                problems.append("steps[\(j)] = (minCount \(s.minCount), norm2Bound \(s.norm2Bound)): UNSOUND: the Clopper-Pearson bound of \(s.minCount) does not exceed the exact threshold for |delta|^2 < \(s.norm2Bound)")
            }
            if s.minCount > 0, try cp(s.minCount - 1) > qn {
                problems.append("steps[\(j)] = (minCount \(s.minCount), norm2Bound \(s.norm2Bound)): minCount is not the least count that certifies |delta|^2 < \(s.norm2Bound) (\(s.minCount - 1) does): not the table this configuration builds")
            }
            if j + 1 < steps.count, try cp(steps[j + 1].minCount - 1) > q[s.norm2Bound] {
                problems.append("steps[\(j)] = (minCount \(s.minCount), norm2Bound \(s.norm2Bound)): counts below steps[\(j + 1)].minCount = \(steps[j + 1].minCount) already certify |delta|^2 < \(s.norm2Bound + 1): not the table this configuration builds")
            }
        }
        return problems
    }
}
