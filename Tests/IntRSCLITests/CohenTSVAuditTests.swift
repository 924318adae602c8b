import Foundation
import Testing
import IntRSCore
import IntRSExact
import IntRSReference
@testable import IntRSCLI
@testable import IntRSRun

/// `intrs audit --cohen-tsv`: per-radius achievability (Proofs: AUD-1).
@Suite("intrs audit: Cohen TSV achievability")
struct CohenTSVAuditTests {
    static let cohen = PrintedRadiusFormat.python(3)

    static func temp(_ text: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-cohen-\(UUID().uuidString).tsv")
        try Data(text.utf8).write(to: u)
        return u
    }

    static func audit(_ tsv: String, sigma: String = "0.25", n: Int = 100_000, alpha: String = "0.001",
                      extra: [String] = []) throws -> AuditCommand.Report {
        let url = try temp(tsv)
        defer { try? FileManager.default.removeItem(at: url) }
        let cmd = try AuditCommand.parse(["--cohen-tsv", url.path, "--sigma", sigma, "--n", "\(n)", "--alpha", alpha] + extra)
        return try cmd.auditTSV(url.path, sigmaText: sigma, n: n, alphaText: alpha)
    }

    /// The exact radius sigma * PhiInv(p_L(k)) as printed by an error-free "{:.3}" (nil: abstains, or the
    /// enclosure straddles a rounding boundary).
    static func printed(k: Int, n: Int, alpha: Rational, sigma: Rational, format: PrintedRadiusFormat = cohen) throws -> String? {
        let engine = CohenAchievability(sigma: sigma, n: n, alpha: alpha, bits: 96, slack: Rational(0))
        guard let r = try engine.radius(k) else { return nil }
        let a = format.render(r.lo), b = format.render(r.hi)
        return a == b ? a : nil
    }

    @Test("Python \"{:.P}\" rendering and the intervals printed values stand for")
    func formats() throws {
        // python3: format(x, '.3') for x in 0.0, 0.5, 0.95286, 12.345, 123.4, 0.00012345, 1.2345e-05, 1.0,
        // 0.99951, 100.0, 0.25, 9.9996, 12.0, 10.0 -> the strings below (12.345 is 12.3449999... as a double).
        let cases: [(String, String)] = [("0", "0.0"), ("0.5", "0.5"), ("0.95286", "0.953"), ("12.34499", "12.3"),
                                         ("123.4", "1.23e+02"), ("0.00012345", "0.000123"), ("0.000012345", "1.23e-05"),
                                         ("1", "1.0"), ("0.99951", "1.0"), ("100", "1e+02"), ("0.25", "0.25"),
                                         ("9.9996", "10.0"), ("12", "12.0"), ("10", "10.0")]
        for (x, s) in cases {
            #expect(Self.cohen.render(try Rational(parsing: x)) == s, "render(\(x))")
            #expect(Self.cohen.interval(of: s) != nil, "\(s) is canonical")
        }
        func iv(_ f: PrintedRadiusFormat, _ s: String) -> [String]? {
            f.interval(of: s).map { [$0.lo.description, $0.hi.description] }
        }
        #expect(iv(Self.cohen, "0.953") == ["381/400", "1907/2000"])
        #expect(iv(Self.cohen, "1.0") == ["1999/2000", "201/200"])       // [0.9995, 1.005]
        #expect(iv(Self.cohen, "1e+02") == ["1999/20", "201/2"])         // [99.95, 100.5]
        #expect(iv(Self.cohen, "0.0") == ["0", "0"])
        for bad in ["0.9525", "0.50", "1.00", "-0.5", "abc", "", "1e2", "0", "nan", "0.953 "] {
            #expect(Self.cohen.interval(of: bad) == nil, "\"\(bad)\" is not a {:.3} rendering")
        }
        #expect(iv(.floor(6), "0.123456") == ["1929/15625", "123457/1000000"])
        #expect(iv(.floor(6), "0.12") == nil)
        #expect(PrintedRadiusFormat.parse("cohen") == .python(3))
        #expect(PrintedRadiusFormat.parse("floor:6") == .floor(6))
        #expect(PrintedRadiusFormat.parse("python:0") == nil)
    }

    @Test("the exact radii print as Cohen's certify.py prints them (scipy 1.17.1)")
    func scipyAgreement() throws {
        // python3: 0.25 * norm.ppf(beta.ppf(0.001, k, N - k + 1)) with N = 100000, formatted "{:.3}";
        // beta.ppf(0.001, 50300, 49701) = 0.49810... < 1/2: abstain.
        let expected: [Int: String?] = [100_000: "0.953", 99_999: "0.935", 99_998: "0.922", 99_990: "0.873",
                                        99_000: "0.572", 60_000: "0.0602", 50_500: "6.83e-05", 50_300: nil]
        let alpha = try Rational(parsing: "0.001"), sigma = try Rational(parsing: "0.25")
        for (k, s) in expected {
            #expect(try Self.printed(k: k, n: 100_000, alpha: alpha, sigma: sigma) == s, "k = \(k)")
        }
    }

    @Test("a TSV printed from honest counts passes; tampered and unreachable radii are flagged with the nearest counts")
    func honestAndTampered() throws {
        let n = 100_000
        let alpha = try Rational(parsing: "0.001"), sigma = try Rational(parsing: "0.25")
        // Honest: counts across the whole range (seeded), the top counts and abstentions.
        var rng = SplitMix(seed: 0x5eed_0006)
        var counts = [n, n - 1, n - 2, n - 7, 99_000, 60_000, 50_500, 50_300, 0]
        for _ in 0..<12 { counts.append(50_000 + Int(rng.next() % 50_001)) }
        var tsv = "idx\tlabel\tpredict\tradius\tcorrect\ttime\n"
        let engine = CohenAchievability(sigma: sigma, n: n, alpha: alpha, bits: 96, slack: Rational(0))
        for (i, k) in counts.enumerated() {
            if let r = try engine.radius(k) {
                let s = Self.cohen.render(r.lo)
                #expect(s == Self.cohen.render(r.hi), "k = \(k) straddles a rounding boundary")
                tsv += "\(i)\t3\t3\t\(s)\t1\t0:00:01.000000\n"
            } else {
                tsv += "\(i)\t3\t-1\t0.0\t0\t0:00:01.000000\n"
            }
        }
        let honest = try Self.audit(tsv)
        #expect(honest.failures == 0, "\(honest.findings)")
        #expect(honest.findings.isEmpty, "\(honest.findings)")
        #expect(honest.linesChecked == counts.count)
        #expect(honest.notes.joined().contains("0 undecided"), "\(honest.notes)")

        // r(99999) = 0.93478..., r(100000) = 0.95286...: 0.94 and 0.952 fall between them; 0.953 is r(N); 0.954
        // and 1.2 are above r(N).
        let tampered = tsv + """
        100\t3\t3\t0.94\t1\t0:00:01.000000
        101\t3\t3\t0.952\t1\t0:00:01.000000
        102\t3\t3\t0.953\t1\t0:00:01.000000
        103\t3\t3\t0.954\t1\t0:00:01.000000
        104\t3\t3\t1.2\t1\t0:00:01.000000

        """
        let r = try Self.audit(tampered)
        let byIndex = Dictionary(grouping: r.findings, by: { $0.index ?? -1 })
        #expect(byIndex[100]?.first?.kind == "unachievable")
        #expect(byIndex[100]?.first?.reason.contains("k = 99999 gives 0.934782") == true, "\(byIndex[100] ?? [])")
        #expect(byIndex[100]?.first?.reason.contains("k = 100000 gives 0.952864") == true, "\(byIndex[100] ?? [])")
        // Machine-readable: the printed interval and the two nearest counts with exact radius enclosures.
        let f100 = try #require(byIndex[100]?.first)
        #expect(f100.printed == AuditCommand.Bounds(try Rational(parsing: "0.9395"), try Rational(parsing: "0.9405")))
        #expect(f100.nearest?.map(\.k) == [99_999, 100_000])
        let hi = try #require(f100.nearest?.last?.radius)
        #expect(try Rational(parsing: hi.lo) <= Rational(952_865, 1_000_000) && Rational(952_864, 1_000_000) <= (try Rational(parsing: hi.hi)))
        #expect(byIndex[103]?.first?.nearest?.map(\.k) == [100_000])
        #expect(byIndex[101]?.first?.kind == "unachievable")
        #expect(byIndex[102] == nil)
        #expect(byIndex[103]?.first?.kind == "unreachable")
        #expect(byIndex[104]?.first?.kind == "unreachable")
        #expect(r.failures == 4)
    }

    @Test("malformed and inconsistent lines are reported by line number and do not stop the others")
    func malformedLines() throws {
        let tsv = """
        idx\tlabel\tpredict\tradius\tcorrect\ttime
        0\t3\t3\tabc\t1\t0:00:01
        1\t3\t3
        x\t3\t3\t0.5\t1\t0:00:01
        3\t3\t3\t0.9525\t1\t0:00:01
        4\t3\t-1\t0.5\t0\t0:00:01
        5\t3\t4\t0.5\t1\t0:00:01
        6\t3\t3\t0.94\t1\t0:00:01
        7\t3\t3\t0.5\t1\t0:00:01

        """
        let r = try Self.audit(tsv)
        let byLine = Dictionary(grouping: r.findings, by: { $0.line })
        #expect(byLine[2]?.map(\.kind) == ["malformed"])
        #expect(byLine[2]?.first?.reason.contains("\"abc\"") == true)
        #expect(byLine[3]?.map(\.kind) == ["malformed"])
        #expect(byLine[4]?.map(\.kind) == ["malformed"])
        #expect(byLine[5]?.map(\.kind) == ["malformed"])            // 4 significant digits: not "{:.3}"
        #expect(byLine[6]?.map(\.kind) == ["inconsistent"])         // abstains with a radius
        #expect(byLine[7]?.map(\.kind) == ["inconsistent"])         // correct 1 but predict != label
        #expect(byLine[8]?.map(\.kind) == ["unachievable"])         // after the bad lines, still checked
        #expect(byLine[9] == nil)
        #expect(r.linesChecked == 8)
        #expect(r.failures == 7)
        // The same file with --radius-format python:4 accepts "0.9525" as printed.
        let r4 = try Self.audit(tsv, extra: ["--radius-format", "python:4"])
        #expect(Dictionary(grouping: r4.findings, by: { $0.line })[5]?.first?.kind != "malformed")
        // Bad parameters are refused up front, naming the option and value.
        #expect(throws: (any Error).self) { try Self.audit(tsv, extra: ["--radius-format", "python:x"]) }
        #expect(throws: (any Error).self) { try Self.audit(tsv, sigma: "-1") }
        #expect(throws: (any Error).self) { try Self.audit(tsv, alpha: "1.5") }
    }

    @Test("small N: the verdict equals brute force over every count for every 3-digit radius up to r(N)")
    func bruteForce() throws {
        let n = 50
        let alpha = try Rational(parsing: "0.01"), sigma = Rational(1)
        let engine = CohenAchievability(sigma: sigma, n: n, alpha: alpha, bits: 96, slack: Rational(0))
        var printable = Set<String>()
        for k in 0...n {
            guard try engine.radius(k) != nil else { continue }
            printable.insert(try #require(try Self.printed(k: k, n: n, alpha: alpha, sigma: sigma)))
        }
        #expect(printable.count >= 8, "\(printable.sorted())")
        var strings: [String] = ["0.0"]
        for q in [-5, -4, -3] {                            // m x 10^q, m = 100...999: [1e-3, 1) and beyond r(N)
            for m in 100...999 { strings.append(Self.cohen.render(Rational(m) * PrintedRadiusFormat.tenPower(q))) }
        }
        for s in ["1.0", "1.01", "1.5"] { strings.append(s) }
        var mismatches: [String] = []
        var justified = 0
        for s in strings {
            let iv = try #require(Self.cohen.interval(of: s), "\(s)")
            let v = try engine.verdict(lo: iv.lo, hi: iv.hi)
            switch v {
            case .justified(let k):
                justified += 1
                let own = try Self.printed(k: k, n: n, alpha: alpha, sigma: sigma)
                if !printable.contains(s) || own != s { mismatches.append("\(s): \(v)") }
            case .undecided: mismatches.append("\(s): undecided")
            case .unachievable, .unreachable: if printable.contains(s) { mismatches.append("\(s): \(v) but printable") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(justified == printable.intersection(strings).count)
    }
}

/// A small fixed-seed generator for test inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
