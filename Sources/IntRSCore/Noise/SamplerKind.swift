/// Which sampler algorithm draws the noise: the exact CKS sampler (discrete Gaussian only, no
/// total-variation term) or a CDT table of `tableBits`-bit thresholds (either family; its per-coordinate
/// total-variation bound against the analysed law is charged to every certificate).
///
/// The raw values are the words of the command line, the run records and the vectors ("exact", "table").
public enum SamplerKind: String, Codable, Sendable, CaseIterable {
    case exact
    case table
}
