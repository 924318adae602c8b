/// The two integer noise families of IntRS.
public enum NoiseFamily: String, Codable, Sendable, CaseIterable {
    /// N_Z(0, sigma2): P[k] proportional to exp(-k^2 / (2 sigma2)).
    case discreteGaussian = "discrete-gaussian"
    /// round(N(0, sigma2)): P[k] = Phi((k + 1/2)/sigma) - Phi((k - 1/2)/sigma).
    case roundedGaussian = "rounded-gaussian"
}
