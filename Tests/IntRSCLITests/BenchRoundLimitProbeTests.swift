import Testing
import IntRSFloatBaseline
import IntRSRuntime
@testable import IntRSCLI

/// `intrs bench int8`'s "of round limit": the instruction bursts it probes in every round. Counts are exact
/// (8 instructions per iteration, or 0 where the CPU lacks the instruction); rates are only checked for
/// plausibility (this is not a timing test: a rate off by a factor of 1000 is a unit error, not noise).
@Suite("bench int8: the limit probes of every round")
struct BenchRoundLimitProbeTests {
    typealias Probe = BenchInt8Command.LimitProbe
    static let avx2 = Int8KernelPath.supported.contains(.avx2)
    static let vnni = Int8KernelPath.supported.contains(.avx512vnni)
    static let avx512f = FloatKernelPath.supported.contains(.avx512)

    @Test("each burst runs 8 instructions per iteration where the CPU has them, none elsewhere")
    func burstCounts() {
        #expect(CPUThroughputProbe.vpmaddwdBurst(iterations: 1000) == (Self.avx2 ? 8000 : 0))
        #expect(CPUThroughputProbe.vfmadd231psBurst(iterations: 1000) == (Self.avx2 ? 8000 : 0))
        #expect(CPUThroughputProbe.vfmadd231ps512Burst(iterations: 1000) == (Self.avx512f ? 8000 : 0))
        #expect(CPUThroughputProbe.vpdpbusdBurst(iterations: 1000) == (Self.vnni ? 8000 : 0))
        #expect(CPUThroughputProbe.vpdpbusd512Burst(iterations: 1000) == (Self.vnni ? 8000 : 0))
    }

    @Test("multiply-adds per instruction are the instruction's lanes x products per lane")
    func multiplyAddsPerInstruction() {
        // vpmaddwd ymm: 8 int32 lanes x 2 products; vpdpbusd: 4 products per int32 lane; fma: 1 per float lane.
        #expect(Probe.vpmaddwdYmm.multiplyAdds == 16)
        #expect(Probe.vpdpbusdYmm.multiplyAdds == 32)
        #expect(Probe.vpdpbusdZmm.multiplyAdds == 64)
        #expect(Probe.vfmadd231psYmm.multiplyAdds == 8)
        #expect(Probe.vfmadd231psZmm.multiplyAdds == 16)
    }

    @Test("probed rates are multiply-adds per CPU-second: between 0.1 and 1000 GMAC/s per thread, nil without the instruction",
          arguments: [1, 2])
    func ratesArePlausible(threads: Int) {
        let cases: [(Probe, Bool)] = [(.vpmaddwdYmm, Self.avx2), (.vfmadd231psYmm, Self.avx2), (.vfmadd231psZmm, Self.avx512f),
                                      (.vpdpbusdYmm, Self.vnni), (.vpdpbusdZmm, Self.vnni)]
        for (probe, supported) in cases {
            let rate = probe.rate(threads: threads)
            if supported {
                #expect(rate.map { $0 > 1e8 && $0 < 1e12 } == true, "\(probe) at \(threads) threads: \(String(describing: rate))")
            } else {
                #expect(rate == nil, "\(probe): \(String(describing: rate))")
            }
        }
    }
}
