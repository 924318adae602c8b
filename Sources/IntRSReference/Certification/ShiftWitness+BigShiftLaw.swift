import IntRSExact

extension ShiftWitness {
    /// ``build(delta:law:pA:pB:)`` on an arbitrary-precision rung (``BigShiftLaw``): A by the lower-mass walk
    /// (clean mass >= pA guaranteed), B by a walk down from the top on upper masses plus the tail (clean mass
    /// <= pB guaranteed). Returns nil if the window cannot reach pA.
    public static func build(delta: [Int], law: BigShiftLaw, pA: Rational, pB: Rational?) -> ShiftWitness? {
        guard let a = NeymanPearson.lowerWalk(law, p: pA) else { return nil }
        guard let pB else { return ShiftWitness(delta: delta, tauA: a.tau, thetaA: a.theta, tauB: nil, thetaB: nil) }
        let P = pB.timesPowerOfTwo(law.fractionBits)
        var c = Rational(law.tail)
        var tauB = law.offset + law.hi.count
        var thetaB = Rational(0)
        if c <= P {
            var i = law.hi.count - 1
            while i >= 0 {
                let h = Rational(law.hi[i])
                if c + h > P { thetaB = (P - c) / h; tauB = law.offset + i; break }
                c += h
                tauB = law.offset + i; thetaB = Rational(1)
                i -= 1
            }
        }
        return ShiftWitness(delta: delta, tauA: a.tau, thetaA: a.theta, tauB: tauB, thetaB: thetaB)
    }
}
