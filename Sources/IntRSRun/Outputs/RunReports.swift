import Foundation
import IntRSCore
import IntRSExact
import IntRSFloatBaseline

/// Certified-accuracy tables, Cohen-format TSV and the SVG plot of a run. Display only: every number here is
/// derived from the records' exact fields (certifiedNorm2) or, for the float baseline, from its doubles.
public enum RunReports {
    /// The radii reported, in real units ([0, 1] pixel units for the digits), as exact decimals: Cohen et al.'s
    /// CIFAR-10 table radii (0.25, 0.5, 0.75, 1.0) with 0 and the half steps below 0.5.
    package static let realRadii: [Rational] = ["0", "0.125", "0.25", "0.375", "0.5", "0.75", "1"].map { try! Rational(parsing: $0) }

    public struct Row: Codable, Sendable {
        public var radiusReal: String
        public var radiusGrid: String
        public var int8CertifiedAccuracy: Double?
        public var floatCertifiedAccuracy: Double?
    }

    /// int8: certified at real radius r when correct, not abstained and certifiedNorm2 >= (r / gridScale)^2
    /// (every integer delta with |delta| < r / gridScale is covered). Exact comparison.
    package static func int8Certified(_ r: RunRecord, realRadius: Rational, gridScale: Rational) -> Bool {
        let g = realRadius / gridScale
        return r.correct && !r.abstain && Rational(r.certifiedNorm2) >= g * g
    }

    /// float baseline: Cohen's rule, radius >= r (real perturbations, grid-unit radius compared in doubles).
    package static func floatCertified(_ f: FloatBaselineResult, realRadius: Rational, gridScale: Rational) -> Bool {
        guard f.correct, let rad = f.outcome.radius else { return false }
        return rad >= (realRadius / gridScale).doubleApproximation
    }

    package static func table(records: [RunRecord], float: [FloatBaselineResult]?, gridScale: Rational) -> [Row] {
        realRadii.map { r in
            let g = r / gridScale
            let i8 = records.isEmpty ? nil : Double(records.filter { int8Certified($0, realRadius: r, gridScale: gridScale) }.count) / Double(records.count)
            let fl = float.flatMap { f in f.isEmpty ? nil : Double(f.filter { floatCertified($0, realRadius: r, gridScale: gridScale) }.count) / Double(f.count) }
            return Row(radiusReal: r.decimalString(digits: 3), radiusGrid: g.decimalString(digits: 3),
                       int8CertifiedAccuracy: i8, floatCertifiedAccuracy: fl)
        }
    }

    package static func renderTable(_ rows: [Row], examples: Int, procedureNote: String) -> String {
        var s = "certified accuracy over \(examples) examples (\(procedureNote))\n"
        s += "radius (real)  radius (grid)  int8 integer-only  float32 Cohen\n"
        for r in rows {
            let a = r.int8CertifiedAccuracy.map { String(format: "%.3f", $0) } ?? "-"
            let b = r.floatCertifiedAccuracy.map { String(format: "%.3f", $0) } ?? "-"
            s += r.radiusReal.padding(toLength: 15, withPad: " ", startingAt: 0)
                + r.radiusGrid.padding(toLength: 15, withPad: " ", startingAt: 0)
                + a.padding(toLength: 19, withPad: " ", startingAt: 0) + b + "\n"
        }
        return s
    }

    /// Cohen's time format: str(datetime.timedelta(seconds=t)), e.g. "0:00:01.234567".
    /// Total: a time outside [0, RunRecordValidation.maxTime] (which the readers refuse) is printed clamped.
    package static func cohenTime(_ t: Double) -> String {
        let micro = Int((min(max(t.isNaN ? 0 : t, 0), RunRecordValidation.maxTime) * 1e6).rounded())
        let h = micro / 3_600_000_000, m = (micro / 60_000_000) % 60, sec = (micro / 1_000_000) % 60, f = micro % 1_000_000
        return f == 0 ? String(format: "%d:%02d:%02d", h, m, sec) : String(format: "%d:%02d:%02d.%06d", h, m, sec, f)
    }

    /// A radius printed rounded DOWN to 6 decimals, so the text never claims more than the record.
    package static func radiusText(_ x: Double) -> String {
        String(format: "%.6f", (x * 1e6).rounded(.down) / 1e6)
    }

    /// Cohen et al.'s certify output: "idx\tlabel\tpredict\tradius\tcorrect\ttime"; radius in real units;
    /// abstain is predict -1, radius 0, correct 0.
    /// Cohen et al.'s predict output (locuslab/smoothing code/predict.py): "idx\tlabel\tpredict\tcorrect\ttime",
    /// no radius column; abstain is predict -1, correct 0.
    package static func cohenPredictTSV(records: [RunRecord]) -> String {
        var s = "idx\tlabel\tpredict\tcorrect\ttime\n"
        for r in records {
            s += "\(r.index)\t\(r.label)\t\(r.prediction)\t\(r.correct ? 1 : 0)\t\(cohenTime(r.time))\n"
        }
        return s
    }

    package static func cohenTSV(records: [RunRecord]) -> String {
        var s = "idx\tlabel\tpredict\tradius\tcorrect\ttime\n"
        for r in records {
            s += "\(r.index)\t\(r.label)\t\(r.prediction)\t\(radiusText(r.abstain ? 0 : r.radiusReal))\t\(r.correct ? 1 : 0)\t\(cohenTime(r.time))\n"
        }
        return s
    }

    package static func cohenTSV(float: [FloatBaselineResult], gridScale: Double) -> String {
        var s = "idx\tlabel\tpredict\tradius\tcorrect\ttime\n"
        for f in float {
            let rad = (f.outcome.radius ?? 0) * gridScale
            s += "\(f.index)\t\(f.label)\t\(f.outcome.prediction ?? -1)\t\(radiusText(rad))\t\(f.correct ? 1 : 0)\t\(cohenTime(f.time))\n"
        }
        return s
    }

    /// The most ticks on the SVG's radius axis (plus the one at 0).
    package static let maxTicks = 40

    /// Certified accuracy against radius (real units) as an SVG step plot; the float baseline dashed.
    /// Radius-axis ticks every 0.125 real units up to 2, every 0.5 above, doubled until at most `maxTicks`.
    package static func svg(records: [RunRecord], float: [FloatBaselineResult]?, gridScale: Rational, title: String) -> String {
        let scale = gridScale.doubleApproximation
        let intRadii = records.map { ($0.correct && !$0.abstain) ? $0.radiusReal : -1 }
        let floatRadii = float?.map { ($0.correct && $0.outcome.radius != nil) ? $0.outcome.radius! * scale : -1 }
        // A record's radius can be huge (gridScale up to 2^64 - 1, or a merged record's radiusReal), so the axis
        // is bounded: a finite maxR, and at most maxTicks + 1 ticks (the step doubles until they fit).
        let largest = (intRadii + (floatRadii ?? [])).filter { $0.isFinite }.max() ?? 1
        let maxR = min(max(1.0, largest) * 1.05, Double.greatestFiniteMagnitude / 4)
        let w = 640.0, h = 420.0, left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        func x(_ r: Double) -> Double { left + (w - left - right) * r / maxR }
        func y(_ a: Double) -> Double { top + (h - top - bottom) * (1 - a) }
        func curve(_ radii: [Double]) -> String {
            let total = Double(max(radii.count, 1))
            let cuts = Array(Set(radii.filter { $0 >= 0 })).sorted()
            var acc = Double(radii.filter { $0 >= 0 }.count) / total
            var pts = [(x(0), y(acc))]
            for c in cuts {
                pts.append((x(c), y(acc)))
                acc = Double(radii.filter { $0 > c }.count) / total
                pts.append((x(c), y(acc)))
            }
            pts.append((x(maxR), y(acc)))
            return pts.map { String(format: "%.2f,%.2f", $0.0, $0.1) }.joined(separator: " ")
        }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int(w / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">\(xmlEscape(title))</text>\n"
        for i in 0...10 {
            let a = Double(i) / 10
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, y(a), w - right, y(a))
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", left - 6, y(a) + 4, a)
        }
        var step = maxR > 2 ? 0.5 : 0.125
        while maxR / step > Double(maxTicks) { step *= 2 }
        for i in 0...Int((maxR / step).rounded(.down)) {
            let tick = Double(i) * step
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x(tick), top, x(tick), h - bottom)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.3g</text>\n", x(tick), h - bottom + 16, tick)
        }
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">radius (real units; grid units = real / %@)</text>\n", (left + w - right) / 2, h - 12, gridScale.description)
        s += String(format: "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">certified accuracy</text>\n", (top + h - bottom) / 2, (top + h - bottom) / 2)
        s += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"\(curve(intRadii))\"/>\n"
        s += "<text x=\"\(Int(w - 220))\" y=\"\(Int(top + 16))\" fill=\"#1f77b4\">int8 integer-only (integer delta)</text>\n"
        if let fr = floatRadii {
            s += "<polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\" stroke-dasharray=\"6,4\" points=\"\(curve(fr))\"/>\n"
            s += "<text x=\"\(Int(w - 220))\" y=\"\(Int(top + 32))\" fill=\"#ff7f0e\">float32 Cohen et al. (doubles)</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    package static func xmlEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
