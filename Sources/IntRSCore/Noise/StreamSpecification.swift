/// The version of the noise stream and draw specification, Vectors/stream-spec.md, that this build's
/// samplers follow. Vector files whose contents depend on sampler draws (`sampler`, `end-to-end`) name it
/// in their `sources`, so a conformer never mixes the versions.
///
/// - Version 1: every draw took whole 32-bit words; Bernoulli(1/2) was uniform(2) on one word.
/// - Version 2: Bernoulli(a/b) with b = 2a takes one bit of the stream's bit-word
///   (``ChaChaStream/nextBit()``, stream-spec §1.1 and §3); everything else unchanged. Samples of the CKS
///   sampler and its word counts differ from version 1; the CDT table sampler's do not.
public enum StreamSpecification {
    public static let version = 2
    /// The provenance line written into dependent vector files' `sources`.
    public static let provenance =
        "Vectors/stream-spec.md version \(version) (ChaCha20 stream and draw specification; Bernoulli(1/2) takes one bit of the stream's bit-word)"
}
