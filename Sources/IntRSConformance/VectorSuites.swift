/// The registry of vector suites. Each area adds its suites here (one line each).
public enum VectorSuites {
    nonisolated(unsafe) public static let all: [any VectorSuite.Type] = [
        ChaCha20Suite.self,
        SamplerSuite.self,
        NoisePMFSuite.self,
        NoiseTableSuite.self,
        RadiusClosedFormSuite.self,
        NPMarginsSuite.self,
        CounterexamplesSuite.self,
        TightRadiusSuite.self,
        CertificateTablesSuite.self,
        Int8RescaleSuite.self,
        Int8OpsSuite.self,
        Int8ModelsSuite.self,
        Int8RulesSuite.self,
        TFLiteQuantizeMultiplierSuite.self,
        ClopperPearsonSuite.self,
        EnclosuresSuite.self,
        EndToEndSuite.self,
    ]
}
