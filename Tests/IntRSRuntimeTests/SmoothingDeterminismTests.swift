import Testing
import IntRSCore
import IntRSRuntime

@Suite("smoothing engine")
struct SmoothingDeterminismTests {
    static let inputs: [[Int32]] = [[0, 0, 0, 0], [3, 2, 1, 0], [-4, -1, 0, -2], [1, 1, 1, 1]]

    @Test("VoteCounter equals the serial definition for any threads and chunk size",
          arguments: [(1, 1), (1, 256), (2, 7), (3, 64), (4, 1000)])
    func counterEqualsSerial(threads: Int, chunk: Int) {
        for (e, x) in Self.inputs.enumerated() {
            for phase: UInt32 in 0...2 {
                let serial = countVotesSerially(classifier: toyClassifier, noise: HashNoise(), input: x,
                                                example: UInt32(e), phase: phase, samples: 777)
                let fast = VoteCounter(classifier: toyClassifier, noise: HashNoise(), threads: threads, chunkSize: chunk)
                    .count(input: x, example: UInt32(e), phase: phase, samples: 777)
                #expect(fast == serial, "example \(e) phase \(phase) threads \(threads) chunk \(chunk)")
                #expect(fast.reduce(0, +) == 777)
            }
        }
    }

    @Test("CERTIFY and PREDICT outcomes do not depend on the thread count")
    func certifyIndependentOfThreads() {
        let cert = ToyCertificate(estimationSamples: 500, thresholds: [260, 300, 350, 420, 480])
        func run(_ threads: Int) -> ([CertifyOutcome], [PredictOutcome]) {
            let s = FastSmoothing(classifier: toyClassifier, noise: HashNoise(), threads: threads, chunkSize: 33)
            let c = Self.inputs.enumerated().map { s.certify(input: $1, example: UInt32($0), n0: 50, n: 500, certificate: cert) }
            let p = Self.inputs.enumerated().map { s.predict(input: $1, example: UInt32($0), n: 300, test: ToyTest()) }
            return (c, p)
        }
        let one = run(1)
        for t in [2, 3] {
            let other = run(t)
            #expect(other.0 == one.0, "certify, threads \(t)")
            #expect(other.1 == one.1, "predict, threads \(t)")
        }
    }

    @Test("selection and estimation use different streams; the candidate is the selection argmax")
    func phasesAreIndependent() {
        let s = FastSmoothing(classifier: toyClassifier, noise: HashNoise(), threads: 2)
        let cert = ToyCertificate(estimationSamples: 400, thresholds: [201])
        let o = s.certify(input: [0, 0, 0, 0], example: 7, n0: 400, n: 400, certificate: cert)
        #expect(o.selectionCounts != o.estimationCounts)
        #expect(o.candidate == argmaxLowestIndex(o.selectionCounts))
        #expect(o.nA == o.estimationCounts[o.candidate])
        #expect((o.certifiedNorm2Bound != nil) == (o.nA >= 201))
    }

    @Test("ties go to the lowest class index")
    func tieRule() {
        #expect(argmaxLowestIndex([3, 5, 5, 1]) == 1)
        #expect(topTwo([3, 5, 5, 1]) == (1, 2))
        #expect(topTwo([9]) == (0, -1))
        #expect(topTwo([2, 2, 2]) == (0, 1))
    }
}
