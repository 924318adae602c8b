import IntRSCore
import IntRSExact

/// Builds ``CertificateTable``s exactly (Proofs: TAB-1).
///
/// For a configuration, `M(n)` is a rational with: "pA_eff > M(n)  implies every integer delta with
/// |delta|^2 < n is certified", where pA_eff = (Clopper–Pearson lower bound) - d * eta:
/// - closed-form mode: M(n) = upper end of an enclosure of Phi(sqrt((n - 1) / sigma2)) (R > sqrt(n - 1));
/// - tight mode (discrete Gaussian): M(n) = max(1/2, max over shift patterns P with 0 < |P|^2 < n and at most d
///   parts of the upper end of midCDF_P(|P|^2)) (NP-3);
/// n = 1 gives M(1) = 1/2: pA_eff > 1/2 certifies the prediction (no abstain).
/// Then k(n) = the least count k with CPlower(k) > M(n) + d * eta (found by binary search; CPlower is
/// increasing in k), and the table stores the steps of n -> k(n).
public enum CertificateTableBuilder {
    public enum Mode: String, Sendable, Codable, CaseIterable { case closedForm = "closed-form", tight }
    public enum Form: String, Sendable, Codable, CaseIterable { case binary, twoClass = "two-class" }

    public struct Spec: Sendable {
        public var noise: CertificationNoise
        /// "discrete-gaussian" or "rounded-gaussian".
        public var noiseName: String
        public var sampler: String
        public var eta: Rational
        public var samplerBits: Int?
        public var dimension: Int
        public var estimationSamples: Int
        public var alpha: Rational
        public var form: Form
        public var mode: Mode
        public init(noise: CertificationNoise, noiseName: String, sampler: String, eta: Rational, samplerBits: Int?,
                    dimension: Int, estimationSamples: Int, alpha: Rational, form: Form, mode: Mode) {
            self.noise = noise; self.noiseName = noiseName; self.sampler = sampler; self.eta = eta
            self.samplerBits = samplerBits; self.dimension = dimension; self.estimationSamples = estimationSamples
            self.alpha = alpha; self.form = form; self.mode = mode
        }
        public var configuration: CertificateConfiguration {
            CertificateConfiguration(noise: noiseName, sigma2: noise.sigma2.description, sampler: sampler,
                                     eta: eta.description, samplerBits: samplerBits, dimension: dimension,
                                     estimationSamples: estimationSamples, alpha: alpha.description,
                                     form: form.rawValue, mode: mode.rawValue)
        }
        /// Tight mode needs the layered (discrete Gaussian) likelihood ratio; otherwise the closed form
        /// is used (sound for rounded Gaussian by post-processing, but not claimed tight).
        public var effectiveMode: Mode { mode == .tight && noise.likelihoodRatioIsLayered ? .tight : .closedForm }
    }

    /// The one-sided Clopper–Pearson lower bound used by the tables: a rational <= the true bound.
    public typealias LowerBound = (_ successes: Int) throws -> Rational

    /// Progress of the tight-mode enumeration, called after every pattern: (patterns examined in this
    /// pass, the pass's norm limit L, the pattern just examined). The caller throttles its output.
    public typealias Progress = (_ patterns: Int, _ limit: Int, _ pattern: [Int]) -> Void

    /// The thresholds M(n) for n = 1 ... until M(n) + d * eta >= cap (no count can reach further).
    /// `phiUpper(x2)` must return an upper bound of Phi(sqrt(x2)) for a rational x2 >= 0.
    /// The largest |delta|^2 a table covers unless the caller caps it lower.
    public static let defaultMaxNorm2 = 1_000_000

    /// The thresholds M(n) for n = 1 ... until M(n) + d * eta >= cap (no count can reach further), or
    /// n = maxNorm2 + 1 if that comes first (a truncated table: no count certifies |delta|^2 > maxNorm2;
    /// every M(n) is still a valid threshold, so the table is sound).
    public static func thresholds(spec: Spec, cap: Rational, phiUpper: (Rational) -> Rational,
                                  maxNorm2: Int = defaultMaxNorm2, progress: Progress? = nil) -> [Rational] {
        precondition(maxNorm2 >= 1, "CertificateTableBuilder.thresholds: maxNorm2 must be >= 1")
        let shift = Rational(spec.dimension) * spec.eta
        var out: [Rational] = [Rational(1, 2)]
        switch spec.effectiveMode {
        case .closedForm:
            var n = 2
            while n <= maxNorm2 + 1 {
                let m = Rational.max(Rational(1, 2), phiUpper(Rational(n - 1) / spec.noise.sigma2))
                out.append(m)
                if m + shift >= cap { break }
                n += 1
            }
        case .tight:
            // G(m) = max upper midCDF over patterns of norm exactly m; enumerate all patterns with
            // norm <= L, doubling L until the running maximum reaches the cap.
            var L = min(16, maxNorm2)
            while true {
                let g = maxMidCDFByNorm(analyzer: ShiftAnalyzer(noise: spec.noise), dimension: spec.dimension, maxNorm2: L,
                                        progress: progress)
                out = [Rational(1, 2)]
                var running = Rational(1, 2)
                var reached = false
                for n in 2 ... L + 1 {
                    if let gm = g[n - 1] { running = Rational.max(running, gm) }
                    out.append(running)
                    if running + shift >= cap { reached = true; break }
                }
                if reached || L >= maxNorm2 { break }
                L = min(2 * L, maxNorm2)
            }
        }
        return out
    }

    /// For every norm m in 1...maxNorm2 reachable with at most d parts: the maximum over patterns of norm m
    /// of the upper end of midCDF_P(m) (all patterns enumerated, depth first, one convolution each).
    public static func maxMidCDFByNorm(analyzer: ShiftAnalyzer, dimension d: Int, maxNorm2: Int,
                                       progress: Progress? = nil) -> [Int: Rational] {
        enumerateMaxMidCDF(analyzer: analyzer, dimension: d, maxNorm2: maxNorm2, progress: progress, stop: nil)!
    }

    /// ``maxMidCDFByNorm(analyzer:dimension:maxNorm2:progress:)`` that stops at the first pattern P with
    /// |P|^2 <= `stopNorm2` whose upper end of midCDF_P(|P|^2) is >= `p` (a shift the analysis does not
    /// certify at p): nil then, the maxima otherwise. The depth-first order (largest part first, each pattern
    /// extended greedily) reaches the patterns of largest norm early, which are the ones that fail first, so a
    /// claim beyond what p certifies is refuted after a few patterns (used by `intrs audit`).
    public static func maxMidCDFByNorm(analyzer: ShiftAnalyzer, dimension d: Int, maxNorm2: Int,
                                       stoppingAt p: Rational, stopNorm2: Int) -> [Int: Rational]? {
        enumerateMaxMidCDF(analyzer: analyzer, dimension: d, maxNorm2: maxNorm2, progress: nil) { n2, upper in
            n2 <= stopNorm2 && upper >= p
        }
    }

    private static func enumerateMaxMidCDF(analyzer: ShiftAnalyzer, dimension d: Int, maxNorm2: Int, progress: Progress?,
                                           stop: ((Int, Rational) -> Bool)?) -> [Int: Rational]? {
        let coord = analyzer.coordinateLaw(Precision.ladder[1])
        var g: [Int: Rational] = [:]
        var count = 0
        var parts: [Int] = []
        var stopped = false
        func dfs(_ law: ShiftLaw, _ norm: Int, _ last: Int, _ depth: Int) {
            guard depth < d else { return }
            var k = min(last, TightRadius.isqrt(maxNorm2 - norm))
            while k >= 1 && !stopped {
                let n2 = norm + k * k
                let child = law.adding(part: k, of: coord)
                count += 1
                let m = NeymanPearson.midCDF(child, at: n2).hi
                if let stop, stop(n2, m) { stopped = true; return }
                if let old = g[n2] { if m > old { g[n2] = m } } else { g[n2] = m }
                if let progress { parts.append(k); progress(count, maxNorm2, parts); parts.removeLast() }
                parts.append(k)
                dfs(child, n2, k, depth + 1)
                parts.removeLast()
                k -= 1
            }
        }
        dfs(ShiftLaw(fractionBits: coord.fractionBits), 0, Int.max, 0)
        return stopped ? nil : g
    }

    /// Builds the table: k(n) by binary search on the count for each threshold, then the steps.
    /// `maxNorm2` caps the norms the table covers (tight mode enumerates every pattern up to it; the
    /// enumeration grows fast with the norm, so large sigma2 needs a cap). A capped table says so in its basis.
    public static func build(spec: Spec, lowerBound: LowerBound, phiUpper: (Rational) -> Rational,
                             generator: String, maxNorm2: Int = defaultMaxNorm2,
                             progress: Progress? = nil) throws -> CertificateTable {
        let N = spec.estimationSamples
        var cache: [Int: Rational] = [:]
        func cp(_ k: Int) throws -> Rational {
            if let v = cache[k] { return v }
            let v = try lowerBound(k)
            cache[k] = v
            return v
        }
        let cap = try cp(N)
        let ms = thresholds(spec: spec, cap: cap, phiUpper: phiUpper, maxNorm2: maxNorm2, progress: progress)
        let shift = Rational(spec.dimension) * spec.eta
        let truncated = ms.count >= maxNorm2 + 1 && ms[ms.count - 1] + shift < cap
        var steps: [CertificateStep] = []
        var lo = 0
        for (i, m) in ms.enumerated() {
            let n = i + 1
            let q = m + shift
            // least k in [lo, N] with cp(k) > q; none -> stop
            guard try cp(N) > q else { break }
            var a = lo, b = N
            while a < b {
                let mid = (a + b) / 2
                if try cp(mid) > q { b = mid } else { a = mid + 1 }
            }
            // Soundness does not rely on the search: the chosen k satisfies the predicate itself.
            let ok = try cp(a) > q
            precondition(ok, "certificate table: chosen count does not certify")
            if let last = steps.last, last.minCount == a { steps[steps.count - 1].norm2Bound = n }
            else { steps.append(CertificateStep(minCount: a, norm2Bound: n)) }
            lo = a
        }
        var b = basis(spec)
        if truncated {
            b += " Truncated: the table covers |delta|^2 <= \(maxNorm2) only (maxNorm2 cap), so no count certifies more; "
                + "sound, but counts near N may deserve a larger certificate."
        }
        return CertificateTable(configuration: spec.configuration, steps: steps, basis: b, generator: generator)
    }

    /// The reference answer for one count, computed directly (no binary search, no steps): the largest n with
    /// CPlower(nA) - d * eta > M(n), or nil (abstain) when even M(1) = 1/2 is not exceeded.
    /// `CertificateTable.certifiedNorm2Bound(nA:)` (IntRSRuntime) must equal this for every nA.
    public static func referenceLookup(thresholds ms: [Rational], dimension d: Int, eta: Rational,
                                       lowerBound pA: Rational) -> Int? {
        let p = pA - Rational(d) * eta
        var best: Int? = nil
        for (i, m) in ms.enumerated() where p > m { best = i + 1 }
        return best
    }

    static func basis(_ spec: Spec) -> String {
        let eff = spec.effectiveMode
        var s = "nA >= minCount certifies, with probability >= 1 - alpha over the estimation samples, every integer "
            + "delta with at most \(spec.dimension) nonzero entries and |delta|^2 < norm2Bound, using pA = "
            + "ClopperPearson.lowerBound(nA, N, alpha) - d * eta (Proofs: TAB-1). "
        if eff == .tight {
            s += "Tight mode: exact Neyman-Pearson worst case for discrete Gaussian noise over every shift pattern "
                + "(NP-1, NP-3, ENUM-1); proven."
        } else if spec.noiseName == "rounded-gaussian" {
            s += "Closed form R = sigma * PhiInv(pA), exactly sound for rounded-Gaussian noise (post-processing lemma)"
                + (spec.mode == .tight ? "; tight mode was requested but is not available for this law, so the closed form is used." : ".")
        } else {
            s += "Closed form R = sigma * PhiInv(pA) under discrete Gaussian noise: sound by CF-2 (Proofs/CF-2.md: "
                + "midCDF_T(|delta|^2) < Phi(|delta|/sigma) for every integer delta) and NP-3. Mode tight gives the exact, "
                + "never smaller, radius."
        }
        return s
    }
}
