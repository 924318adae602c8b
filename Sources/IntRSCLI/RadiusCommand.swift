import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

struct RadiusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radius",
        abstract: "Closed-form radius, exact Neyman–Pearson margin for an integer shift, or the tight radius.",
        discussion: """
        Units: sigma2 is the noise variance parameter in grid units squared (exact, e.g. 65025/16); radii and shifts are in grid units (one step of the integer input grid). pA is a lower bound on the top class's probability, pB an upper bound on the runner-up's; both exact decimals (0.7) or rationals (7/10).

        Without --pb the binary form is used (pB := 1 - pA: certified iff worstA(pA) > 1/2). With --pb, pA + pB >= 1 is answered in the binary form too (said in the output and JSON "note"): pB := 1 - pA is still an upper bound on every other class (P(B) <= 1 - P(A) <= 1 - pA) and no larger than the given pB, so the answer is sound and at least as strong; the two-class witness construction needs pA + pB < 1 (Proofs/neyman-pearson.md, NP-2). When pA <= 1/2 (binary) or pA <= pB (two-class), after the d*eta accounting where relevant, the answer is \"abstain: not certified\" (JSON \"outcome\": \"abstain\"; otherwise \"outcome\": \"top-class\", the smoothed classifier returns the top class at x; whether a shift is certified is the shift's own \"decision\") and no radius is printed.

        --delta 1,-2,0 analyses one integer shift: exact margin enclosure, rigorous decision, and when the margin is <= 0 a witness base classifier checked by direct enumeration. --tight --dimension D finds n*: every integer delta with at most D nonzero entries and |delta|^2 < n* is certified.

        Under rounded-Gaussian noise the closed forms are exactly sound (post-processing lemma) and are the certificate; the layer-walk margin printed for a shift is then only exact for one nonzero entry.

        --sampler table --table-bits B --dimension D accounts for a CDT table sampler: pA - D*eta, pB + D*eta.

        Rényi floor (discrete Gaussian only; Proofs/REN-1.md): n_R, the largest n proven by the Rényi-divergence bound D_alpha <= alpha |delta|^2 / (2 sigma2) of N_Z, so that every integer delta (ANY dimension) with |delta|^2 <= n_R is certified. It is always printed for the discrete Gaussian (JSON "renyi"); it is not tight (about 0.6-0.75 of the closed-form sigma2 PhiInv(pA)^2). The tight search skips the decision for patterns with norm <= n_R and returns at once when --max-norm2 <= n_R.

        Lattice collapse (discrete Gaussian only; Proofs/COL-1.md): the law of <delta, eps> depends, up to a total variation tau that is proven tiny at large sigma2, only on the class (g, m) of delta (g = gcd, m = |delta/g|^2). The tight search decides each class once against the one-dimensional law N_Z(0, sigma2 m) shifted by g m, with pA and pB moved by tau: a class proven certified needs no convolution, whatever d; a class proven NOT certified gives n*, and its shortest pattern is the witness, analysed exactly. Patterns whose class is undecided are analysed exactly as before. --no-collapse turns it off (exhaustive exact search, for auditing; same n*). JSON "collapsedPatterns", "collapsedClasses", "collapseLargestTau".

        --max-seconds S / --max-patterns P bound the tight search. When the budget runs out the answer is NOT the tight radius but a sound partial certificate: every integer delta with at most D nonzero entries and |delta|^2 <= m, where m = max(n_R, the largest norm below which every pattern was examined); JSON "complete": false, "maxCertifiedNorm2": m (complete searches: n* - 1, or the limit; run records' certifiedNorm2 is n* itself).

        --max-seconds S with --delta: when the budget runs out before the margin's sign is decided the answer is the conservative "undecided" (treated as not certified) with the enclosures of the last precision rung finished, if any; JSON shift "budgetExhausted": true and "budgetNote". The budget is a deadline from the start of the run; the clock is asked inside every convolution, noise-law enclosure and witness check, so the run ends within a small overshoot of S (measured figures: README, "Time budgets"). A witness check the budget interrupts is reported as skipped; the decision stands (made exactly by the enclosure).
        """)

    @Option(help: "Noise law: discrete-gaussian (N_Z) or rounded-gaussian (round(N(0, sigma2))).") var noise: NoiseFamily = .discreteGaussian
    @Option(parsing: .unconditional, help: "Noise variance parameter sigma2 (grid units squared), exact rational, > 0.") var sigma2: String
    @Option(name: .customLong("pa"), parsing: .unconditional, help: "Lower bound on the top class probability, in (0, 1).") var pa: String
    @Option(name: .customLong("pb"), parsing: .unconditional, help: "Upper bound on the runner-up probability, in (0, 1), < pA (two-class form; pA + pB >= 1 is answered in the binary form, pB := 1 - pA).") var pb: String?
    @Option(parsing: .unconditional, help: "An integer shift, comma separated grid steps, e.g. 1,1 or 2,-1,0.") var delta: String?
    @Flag(help: "Find the tight radius n* (needs --dimension).") var tight = false
    @Option(parsing: .unconditional, help: "Input dimension d (number of noisy coordinates).") var dimension: Int?
    @Option(name: .customLong("max-norm2"), parsing: .unconditional, help: "Tight search limit on |delta|^2 (1...100000; default 400).") var maxNorm2Option: Int?
    @Option(name: .customLong("max-seconds"), parsing: .unconditional, help: "--tight or --delta: stop after this many seconds of wall time (> 0) and report what is proven (tight: the sound partial certificate; --delta: \"undecided\", not certified, if the sign was not decided in time).") var maxSeconds: Double?
    @Option(name: .customLong("max-patterns"), parsing: .unconditional, help: "Tight search: stop after this many shift patterns (>= 0) and report the sound partial certificate.") var maxPatterns: Int?
    @Flag(name: .customLong("no-collapse"), help: "Tight search: do not use the lattice collapse (COL-1); every pattern is analysed exactly (slow at large sigma2; same n*).") var noCollapse = false
    @Option(help: "The sampler that runs: exact (CKS; no total-variation term) or table (CDT table with --table-bits thresholds: pA - d*eta, pB + d*eta; needs --dimension).") var sampler: SamplerKind = .exact
    @Option(name: .customLong("table-bits"), parsing: .unconditional, help: "CDT table bits for --sampler table: the precision of the sampler's thresholds, which sets its total-variation charge eta (default 32 here; certify and predict default to 64, so pass 64 to analyse their sampler).") var tableBitsOption: Int?
    @Flag(help: "Print JSON.") var json = false

    struct Output: Codable {
        var noise: String
        var sigma2: String
        var pA: String
        var pB: String?
        var form: String
        var eta: String
        var pAEffective: String
        var pBEffective: String?
        /// "top-class" (the smoothed classifier returns the top class at x: certified at delta = 0) or "abstain"
        /// (pA - d*eta <= 1/2 binary, or pA - d*eta <= pB + d*eta two-class). Says nothing about a shift: a shift's
        /// decision is `shift.decision`.
        var outcome: String
        /// Present when the input was changed before the analysis (pA + pB >= 1: answered in the binary form).
        var note: String?
        var abstainReason: String?
        /// Present only when certified (never a non-positive radius presented as a certificate).
        var closedFormRadius: CertEnclosureJSON?
        var closedFormBasis: String
        var shift: ShiftOutput?
        var tight: TightOutput?
        /// The Rényi floor (discrete Gaussian only, REN-1), for the effective pA/pB.
        var renyi: RenyiOutput?
    }
    struct RenyiOutput: Codable {
        var nR: Int
        var t: String
        var conditionA: RenyiFloor.Condition?
        var conditionB: RenyiFloor.Condition?
        var statement: String
        init(_ r: RenyiFloor.Result) {
            nR = r.nR; t = r.t.description; conditionA = r.conditionA; conditionB = r.conditionB; statement = r.statement
        }
    }
    struct ShiftOutput: Codable {
        var delta: [Int]
        var norm2: Int
        var closedFormDecision: String
        /// nil only when the --max-seconds budget ran out before the first rung of the precision ladder finished.
        var worstA: CertEnclosureJSON?
        var bestB: CertEnclosureJSON?
        var margin: CertEnclosureJSON?
        /// "certified", "not-certified" or "undecided" (treated as not certified; also when the budget ran out:
        /// then `budgetExhausted` is true); for a law without a layered likelihood ratio "no-layer-counterexample".
        var decision: String
        var exact: Bool
        /// The last rung finished (nil with `worstA`).
        var precision: Precision?
        var witness: ShiftWitness?
        var witnessCheck: String?
        var witnessShiftedA: CertEnclosureJSON?
        var witnessShiftedB: CertEnclosureJSON?
        /// True when the --max-seconds budget ran out before the margin's sign was decided: the answer is then the
        /// conservative "undecided" (not certified) with the enclosures of the last rung finished, said in `budgetNote`.
        var budgetExhausted: Bool? = nil
        var budgetNote: String? = nil
    }
    struct TightOutput: Codable {
        var dimension: Int
        var maxNorm2: Int
        var nStar: Int?
        var witnessPattern: [Int]?
        var witnessMargin: CertEnclosureJSON?
        /// The witness classifier of the witness pattern re-checked by direct enumeration of the noise PMF (NP-2):
        /// "valid (...)", "INVALID", or "skipped (...)" when the enumeration box is too large.
        var witnessCheck: String?
        var statement: String
        var patternsVisited: Int
        var undecidedPatterns: [[Int]]
        var seconds: String
        var method: String
        /// n_R used by the search (0 when not applicable).
        var renyiFloor: Int
        /// False when --max-seconds/--max-patterns stopped the search: then nStar is null and the certificate is maxCertifiedNorm2.
        var complete: Bool
        /// Every integer delta with at most `dimension` nonzero entries and |delta|^2 <= maxCertifiedNorm2 is certified
        /// (n* - 1 for a complete search). Not the run records' `certifiedNorm2`, which is n* ("|delta|^2 < n*").
        var maxCertifiedNorm2: Int?
        /// A non-certified pattern's norm found before a budget stop (n* <= this).
        var nStarUpperBound: Int?
        /// Patterns decided by the lattice collapse (COL-1) without a convolution, the classes it certified, and the
        /// largest total-variation bound tau those used (p/q, a power of two); 0 / null when it was off or not used.
        var collapsedPatterns: Int = 0
        var collapsedClasses: Int = 0
        var collapseLargestTau: String? = nil
        /// True when the class-by-class search answered (no pattern enumeration; `patternsVisited` counts classes).
        var searchedByClass: Bool = false
    }

    /// Why the (effective) probabilities certify nothing, or nil when they do. Binary form: certified iff
    /// pA - d*eta > 1/2 (R = sigma * PhiInv(pA) > 0). Two-class form: iff pA - d*eta > pB + d*eta.
    /// Exact rational comparisons, no enclosure needed.
    static func abstainReason(pAEffective pAe: Rational, pBEffective pBe: Rational?, shiftTV: Rational) -> String? {
        let acct = shiftTV.isZero ? "" : " after the d*eta = \(shiftTV.scientificString()) accounting"
        if let pBe {
            if pAe <= pBe { return "pA <= pB\(acct): pA = \(pAe.decimalString(digits: 12)), pB = \(pBe.decimalString(digits: 12))" }
            return nil
        }
        if pAe <= Rational(1, 2) { return "pA <= 1/2\(acct): pA = \(pAe.decimalString(digits: 12))" }
        return nil
    }

    /// The checks that read only the options (argument-parser runs this before `run`): ``checkedInputs()`` and
    /// the sampler's. `compute()` checks again for callers that bypass the parser.
    func validate() throws {
        _ = try checkedInputs()
        if sampler == .table && dimension == nil { throw ValidationError("--sampler table needs --dimension D (eta is multiplied by d)") }
    }

    func run() throws {
        let out = try compute()
        if json { try CertArgs.printJSON(out); return }
        printText(out)
    }

    /// The checked inputs of one run (after NP-2's binary rewrite of pA + pB >= 1).
    struct Inputs {
        var family: NoiseFamily
        var sigma2: Rational
        var pA: Rational
        /// nil: binary form (no --pb, or pA + pB >= 1).
        var pB: Rational?
        /// --pb as given (printed), even when the binary form answers.
        var givenPB: Rational?
        var note: String?
        var delta: [Int]?
        var maxNorm2: Int
        var tableBits: Int
    }

    /// The --max-seconds budget of one run, as a deadline from the start of ``compute()``: the --delta analysis, the
    /// tight search and the witness checks all ask it (nil budget: never up).
    struct RunClock {
        let clock = ContinuousClock()
        let started: ContinuousClock.Instant
        let maxSeconds: Double?
        init(maxSeconds: Double?) { self.maxSeconds = maxSeconds; started = clock.now }
        var elapsed: Double { let c = (clock.now - started).components; return Double(c.seconds) + Double(c.attoseconds) * 1e-18 }
        func timeUp() -> Bool { maxSeconds.map { elapsed >= $0 } ?? false }
        /// Seconds left (>= a nanosecond, so that a budget that ran out still reads as one), or nil without a budget.
        var remaining: Double? { maxSeconds.map { Swift.max(1e-9, $0 - elapsed) } }
    }

    /// The whole answer (what --json prints).
    func compute() throws -> Output {
        let runClock = RunClock(maxSeconds: maxSeconds)
        let input = try checkedInputs()
        let (family, s2, pA, pB) = (input.family, input.sigma2, input.pA, input.pB)
        let eta = try tableEta(family: family, sigma2: s2, tableBits: input.tableBits)
        let shiftTV = Rational(dimension ?? 0) * eta
        let pAe = pA - shiftTV
        let pBe = pB.map { $0 + shiftTV }
        let noiseModel = try CertificationNoise.family(family, sigma2: s2)
        let basis = family == .roundedGaussian
            ? "exactly sound for rounded-Gaussian noise (post-processing lemma)"
            : (pBe == nil ? "binary form under N_Z: sound by CF-2, Proofs/CF-2.md"
                          : "two-class form under N_Z: NOT sound in general (CF-1, Proofs/theorem-check.md); a weaker sound two-class form is CF-4, Proofs/closed-forms.md")
        var out = Output(noise: family.rawValue, sigma2: s2.description, pA: pA.description, pB: input.givenPB?.description,
                         form: pB == nil ? "binary" : "two-class", eta: eta.description, pAEffective: pAe.description,
                         pBEffective: pBe?.description, outcome: "top-class", note: input.note, abstainReason: nil,
                         closedFormRadius: nil, closedFormBasis: basis)
        if let reason = Self.abstainReason(pAEffective: pAe, pBEffective: pBe, shiftTV: shiftTV) {
            out.outcome = "abstain"
            out.abstainReason = reason
            return out
        }
        let r = ClosedFormRadius.radius(sigma2: s2, pA: pAe, pB: pBe, bits: 128)
        out.closedFormRadius = CertEnclosureJSON(r)
        let analyzer = ShiftAnalyzer(noise: noiseModel)
        if noiseModel.renyiShiftBound { out.renyi = RenyiOutput(RenyiFloor.floor(sigma2: s2, pA: pAe, pB: pBe)) }
        if let d = input.delta {
            out.shift = shiftAnswer(d, analyzer: analyzer, pA: pAe, pB: pBe, runClock: runClock)
        }
        if tight, let dim = dimension {
            out.tight = tightAnswer(dimension: dim, maxNorm2: input.maxNorm2, analyzer: analyzer, pA: pAe, pB: pBe,
                                    runClock: runClock)
        }
        return out
    }

    /// Parses and checks every option (clear errors naming the option and value); NP-2's hypothesis: pA + pB >= 1 is
    /// answered in the binary form, with a note.
    func checkedInputs() throws -> Inputs {
        let family = noise
        let s2 = try CertArgs.sigma2(sigma2)
        let pA = try CertArgs.probability(pa, option: "--pa")
        var pB = try pb.map { try CertArgs.probability($0, option: "--pb") }
        if let b = pB, pA <= b { throw ValidationError("--pa \(pa) must be greater than --pb \(pb!)") }
        // NP-2's hypothesis (Proofs/neyman-pearson.md): the two-class witness needs pA + pB < 1. When pA + pB >= 1,
        // pB := 1 - pA is still an upper bound on every other class (P(B) <= 1 - P(A) <= 1 - pA), no larger than the
        // given pB, and with it the two-class question is the binary one (bestB(1 - pA) = 1 - worstA(pA)).
        var note: String? = nil
        let givenPB = pB
        if let b = pB, pA + b >= Rational(1) {
            note = "pA + pB = \((pA + b).decimalString(digits: 12)) >= 1: answered in the binary form (pB := 1 - pA, an upper bound on every other class since P(B) <= 1 - P(A) <= 1 - pA, and no larger than the given pB; NP-2's two-class construction needs pA + pB < 1)"
            pB = nil
        }
        let d = try delta.map(CertArgs.delta)
        if tight && d != nil { throw ValidationError("give either --delta or --tight, not both") }
        if let dim = dimension, dim < 1 { throw ValidationError("--dimension \(dim): must be >= 1") }
        if let d, let dim = dimension, d.filter({ $0 != 0 }).count > dim {
            throw ValidationError("--delta \(delta!): \(d.filter { $0 != 0 }.count) nonzero entries but --dimension is \(dim)")
        }
        if tight && dimension == nil { throw ValidationError("--tight needs --dimension D") }
        let maxNorm2 = maxNorm2Option ?? 400, tableBits = tableBitsOption ?? 32
        if maxNorm2Option != nil && !tight { throw ValidationError("--max-norm2 \(maxNorm2): applies to --tight only") }
        if tableBitsOption != nil && sampler != .table { throw ValidationError("--table-bits \(tableBits): applies to --sampler table only") }
        if let dim = dimension, !tight && d == nil && sampler != .table {
            throw ValidationError("--dimension \(dim): applies to --tight, --delta (nonzero entries) and --sampler table only")
        }
        if maxNorm2 < 1 || maxNorm2 > 100_000 { throw ValidationError("--max-norm2 \(maxNorm2): must be in 1...100000") }
        if let s = maxSeconds, !(s > 0 && s.isFinite) { throw ValidationError("--max-seconds \(s): must be a positive number of seconds") }
        if let p = maxPatterns, p < 0 { throw ValidationError("--max-patterns \(p): must be >= 0") }
        if maxPatterns != nil && !tight { throw ValidationError("--max-patterns applies to --tight only") }
        if maxSeconds != nil && !tight && d == nil { throw ValidationError("--max-seconds applies to --tight and --delta only") }
        if noCollapse && !tight { throw ValidationError("--no-collapse applies to --tight only") }
        return Inputs(family: family, sigma2: s2, pA: pA, pB: pB, givenPB: givenPB, note: note, delta: d,
                      maxNorm2: maxNorm2, tableBits: tableBits)
    }

    /// eta, the table sampler's total-variation bound per coordinate (0 for the exact sampler).
    func tableEta(family: NoiseFamily, sigma2 s2: Rational, tableBits: Int) throws -> Rational {
        switch sampler {
        case .exact: return Rational(0)
        case .table:
            guard dimension != nil else { throw ValidationError("--sampler table needs --dimension D (eta is multiplied by d)") }
            let law: TableLaw
            do { law = try TableLaw(family: family, sigma2: s2, bits: tableBits) } catch {
                throw ValidationError("--table-bits \(tableBits): \(error)")
            }
            return law.certificationTotalVariationBound
        }
    }

    /// The independent check of a witness by direct enumeration of the noise PMF (NP-2), at a per-coordinate law at
    /// least as fine as the rung that decided (a near-tie decided at 128+ bits needs a check at that precision), within
    /// the time budget.
    static func witnessCheck(_ w: ShiftWitness, decidedAt precision: Precision, analyzer: ShiftAnalyzer, pA: Rational,
                             pB: Rational?, runClock: RunClock) -> (text: String, check: ShiftWitness.Check?) {
        let checkBits = max(Precision.ladder[1].noiseBits, precision.noiseBits)
        let stop = { runClock.timeUp() }
        let budgetText = "skipped (the --max-seconds budget ran out before the direct check of the witness was complete; the decision stands, made exactly by the enclosure)"
        guard !stop(), let noise = analyzer.enclosedLaw(bits: checkBits, stop: stop) else { return (budgetText, nil) }
        switch w.check(noise: noise, pA: pA, pB: pB, stop: stop) {
        case .checked(let c):
            return (c.valid ? "valid (direct sum of the noise PMF over \(c.points) noise points)" : "INVALID", c)
        case .tooLarge:
            return ("skipped (enumeration box too large: more than 200,000 points in all coordinates but the last)", nil)
        case .stopped:
            return (budgetText, nil)
        }
    }

    /// --delta: the exact margin of one shift, its decision and (margin <= 0) the checked witness, within the budget.
    func shiftAnswer(_ d: [Int], analyzer: ShiftAnalyzer, pA pAe: Rational, pB pBe: Rational?, runClock: RunClock) -> ShiftOutput {
        let s2 = analyzer.noise.sigma2
        let n2 = d.reduce(0) { $0 + $1 * $1 }
        let (cf, _) = ClosedFormRadius.decide(sigma2: s2, pA: pAe, pB: pBe, norm2: n2)
        let (analysis, complete) = analyzer.analyseWithinBudget(delta: d, pA: pAe, pB: pBe, stop: { runClock.timeUp() })
        let exact = analyzer.noise.likelihoodRatioIsLayered || d.filter { $0 != 0 }.count == 1
        var s = ShiftOutput(delta: d, norm2: n2, closedFormDecision: cf.rawValue, worstA: analysis.map { CertEnclosureJSON($0.worstA) },
                            bestB: analysis.map { CertEnclosureJSON($0.bestB) }, margin: analysis.map { CertEnclosureJSON($0.margin) },
                            decision: analysis?.decision.rawValue ?? Decision.undecided.rawValue, exact: exact,
                            precision: analysis?.precision, witness: complete ? analysis?.witness : nil)
        guard complete, let a = analysis else {
            s.decision = Decision.undecided.rawValue
            s.budgetExhausted = true
            s.budgetNote = "not decided within the budget (--max-seconds \(maxSeconds.map { String($0) } ?? "-")): "
                + (analysis.map { "the margin's sign was undecided at every rung finished in time (up to \($0.precision.fractionBits) fraction bits)" }
                   ?? "no rung of the precision ladder finished in time")
                + "; treated as not certified"
            return s
        }
        if let w = a.witness {
            let (text, c) = Self.witnessCheck(w, decidedAt: a.precision, analyzer: analyzer, pA: pAe, pB: pBe, runClock: runClock)
            s.witnessCheck = text
            if let c { s.witnessShiftedA = CertEnclosureJSON(c.shiftedA); s.witnessShiftedB = CertEnclosureJSON(c.shiftedB) }
        }
        if !exact && a.decision == .certified { s.decision = "no-layer-counterexample" }
        if !exact && a.decision == .undecided { s.decision = "undecided" }
        return s
    }

    /// --tight: n* (or, budget exhausted, the sound partial certificate) by the pattern search, or the closed form for
    /// a law without a layered likelihood ratio.
    func tightAnswer(dimension dim: Int, maxNorm2: Int, analyzer: ShiftAnalyzer, pA pAe: Rational, pB pBe: Rational?,
                     runClock: RunClock) -> TightOutput {
        let start = Date()
        var t = TightOutput(dimension: dim, maxNorm2: maxNorm2, nStar: nil, witnessPattern: nil, witnessMargin: nil,
                            statement: "", patternsVisited: 0, undecidedPatterns: [], seconds: "", method: "",
                            renyiFloor: 0, complete: true, maxCertifiedNorm2: nil, nStarUpperBound: nil)
        if analyzer.noise.likelihoodRatioIsLayered {
            let res = TightRadius.search(analyzer: analyzer, pA: pAe, pB: pBe, dimension: dim, maxNorm2: maxNorm2,
                                         budget: TightRadius.Budget(maxPatterns: maxPatterns, maxSeconds: runClock.remaining),
                                         collapse: !noCollapse, progress: Self.tightProgress(start: start, maxNorm2: maxNorm2))
            t.nStar = res.nStar; t.witnessPattern = res.witnessPattern
            t.witnessMargin = res.witnessAnalysis.map { CertEnclosureJSON($0.margin) }
            if let a = res.witnessAnalysis, let w = a.witness {
                t.witnessCheck = Self.witnessCheck(w, decidedAt: a.precision, analyzer: analyzer, pA: pAe, pB: pBe, runClock: runClock).text
            }
            t.statement = res.statement; t.patternsVisited = res.patternsVisited; t.undecidedPatterns = res.undecided
            t.method = Self.tightMethod(res, maxNorm2: maxNorm2)
            t.collapsedPatterns = res.collapsedPatterns; t.collapsedClasses = res.collapsedClasses; t.searchedByClass = res.searchedByClass
            t.collapseLargestTau = res.collapseLargestTau?.description
            t.renyiFloor = res.renyiFloor; t.complete = res.complete; t.maxCertifiedNorm2 = res.certifiedNorm2
            t.nStarUpperBound = res.nStarUpperBound
        } else {
            let n = ClosedFormRadius.norm2Bound(sigma2: analyzer.noise.sigma2, pA: pAe, pB: pBe)
            t.nStar = n
            t.maxCertifiedNorm2 = n.map { $0 - 1 }
            t.statement = n.map { "robust for every integer delta with |delta|^2 < \($0) (closed form; sound, not claimed tight)" } ?? "not certified (R <= 0)"
            t.method = "closed form (rounded Gaussian: post-processing lemma); the exact tight radius is not computed for this law"
        }
        t.seconds = String(format: "%.3f", Date().timeIntervalSince(start))
        return t
    }

    /// The tight search's progress line on stderr, at most once a second.
    static func tightProgress(start: Date, maxNorm2: Int) -> (Int, Int, [Int]) -> Void {
        var lastReport = Date()
        return { visited, bound, parts in
            let now = Date()
            guard now.timeIntervalSince(lastReport) >= 1 else { return }
            lastReport = now
            let n2 = parts.reduce(0) { $0 + $1 * $1 }
            let boundText = bound > maxNorm2 ? "none yet (limit \(maxNorm2))" : "n* <= \(bound)"
            FileHandle.standardError.write(Data(("radius --tight: \(visited) patterns checked, current |delta|^2 = \(n2) "
                + "(pattern \(parts)), \(boundText), \(String(format: "%.0f", now.timeIntervalSince(start))) s elapsed\n").utf8))
        }
    }

    /// How the tight search answered, in words (JSON "method").
    static func tightMethod(_ res: TightRadius.Result, maxNorm2: Int) -> String {
        let tau = res.collapseLargestTau.map { $0.scientificString(significant: 2) } ?? "-"
        if res.renyiFloor >= maxNorm2 { return "Rényi floor (REN-1); no enumeration needed" }
        if res.searchedByClass {
            return "class by class: every class (gcd g, |delta/g|^2) between n_R = \(res.renyiFloor) (REN-1) and the answer decided by the lattice collapse (COL-1; \(res.collapsedClasses) classes certified, total variation <= \(tau)), no pattern enumeration; single parts and the witness by exact Neyman–Pearson (NP-1)"
        }
        return (res.collapsedPatterns > 0 ? "exact Neyman–Pearson for every shift pattern the lattice collapse left undecided (NP-1, ENUM-1)"
                                          : "exact Neyman–Pearson over every shift pattern (NP-1, ENUM-1)")
            + (res.renyiFloor > 0 ? "; norms <= n_R = \(res.renyiFloor) by the Rényi floor (REN-1)" : "")
            + (res.collapsedPatterns > 0
               ? "; \(res.collapsedPatterns) patterns decided by class through the lattice collapse (COL-1; \(res.collapsedClasses) classes certified, total variation <= \(tau))"
               : "")
    }

    /// The answer for people.
    func printText(_ out: Output) {
        let q = { (t: String) in (try? Rational(parsing: t)) ?? Rational(0) }
        let pA = q(out.pA), eta = q(out.eta), pAe = q(out.pAEffective), pBe = out.pBEffective.map(q)
        let pB = out.form == "two-class" ? out.pB.map(q) : nil
        print("noise \(out.noise), sigma2 = \(out.sigma2), \(out.form) form, pA = \(pA.decimalString(digits: 6))"
              + (pB.map { ", pB = \($0.decimalString(digits: 6))" } ?? ""))
        if let n = out.note { print("note: \(n)") }
        if let reason = out.abstainReason {
            print("abstain: not certified (\(reason)); no radius, no shift is certified")
            return
        }
        let basis = out.closedFormBasis
        if !eta.isZero {
            print("table sampler: eta = \(eta.scientificString()), pA - d*eta = \(pAe.decimalString(digits: 12))"
                  + (pBe.map { ", pB + d*eta = \($0.decimalString(digits: 12))" } ?? ""))
        }
        print("closed-form radius R = \(out.closedFormRadius!.decimal) grid units (\(basis))")
        if let r = out.renyi { print(r.statement) }
        if let s = out.shift {
            print("shift delta = \(s.delta), |delta|^2 = \(s.norm2): closed form says \(s.closedFormDecision)")
            guard let worstA = s.worstA, let bestB = s.bestB, let margin = s.margin, let precision = s.precision else {
                print("  \(s.budgetNote ?? "no enclosure")  ->  \(s.decision)")
                return
            }
            print("  worstA(pA) = \(worstA.decimal)")
            print("  bestB      = \(bestB.decimal)")
            print("  margin     = \(margin.decimal)  ->  \(s.decision)" + (s.exact ? "" : " (layer tests only: not exact for this law)"))
            if let lo = try? Rational(parsing: margin.lo), let hi = try? Rational(parsing: margin.hi),
               !(lo.isZero && hi.isZero), Rational.max(lo.magnitude, hi.magnitude) < Rational(1, 1_000_000_000_000) {
                // A near-tie: 12 decimals show 0; give the endpoints' size.
                print("  margin     ~ [\(lo.scientificString()), \(hi.scientificString())]")
            }
            if let note = s.budgetNote {
                print("  budget: \(note)")
            } else {
                print(s.decision == Decision.undecided.rawValue
                      ? "  precision: sign undecided at every rung up to \(precision.fractionBits) fraction bits (the cap): treated as not certified"
                      : "  precision: decided at \(precision.fractionBits) fraction bits (noise law enclosed to 2^-\(precision.noiseBits))")
            }
            if let w = s.witness {
                print("  witness: class A on <delta, z - x> < \(w.tauA) plus fraction \(w.thetaA.decimalString(digits: 6)) of layer \(w.tauA)"
                      + (w.tauB.map { "; class B on > \($0) plus fraction \(w.thetaB!.decimalString(digits: 6)) of layer \($0)" } ?? "; B = the rest"))
                print("  witness check: \(s.witnessCheck ?? "-")")
            }
        }
        if let t = out.tight {
            if t.complete {
                print("tight radius (d = \(t.dimension)): n* = \(t.nStar.map(String.init) ?? "> \(t.maxNorm2)")"
                      + (t.witnessPattern.map { ", witness pattern \($0)" } ?? ""))
            } else {
                print("tight radius (d = \(t.dimension)): NOT computed (search budget exhausted); partial certificate |delta|^2 <= \(t.maxCertifiedNorm2 ?? 0)"
                      + (t.nStarUpperBound.map { "; n* <= \($0)" } ?? "") + (t.witnessPattern.map { ", non-certified pattern \($0)" } ?? ""))
            }
            print("  \(t.statement)")
            if let c = t.witnessCheck { print("  witness check: \(c)") }
            print("  \(t.method); \(t.patternsVisited) \(t.searchedByClass ? "classes and single parts" : "patterns"), \(t.seconds) s"
                  + (t.undecidedPatterns.isEmpty ? "" : "; undecided (counted as not certified): \(t.undecidedPatterns)"))
        }
    }
}
