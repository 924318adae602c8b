// swift-tools-version: 6.0
// IntRS: integer-only certified robustness for quantized neural networks.
//
// Module graph (arrows point at what a module may import):
//
//   intrs ─► IntRSCLI ─┬─► IntRSRun ─────────┬──► IntRSReference ──► IntRSExact ──► CGMP (libgmp)
//        │             │  (a run: typed       │         │
//        │             │   configuration,     ├──► IntRSRuntime ──┴──► IntRSCore (plain shared types, no GMP)
//        │             │   certify, predict,  │         │
//        │             │   audit, merge,      │         └──► CIntRSKernels (C: int8 GEMM/conv/requantisation
//        │             │   outputs)           │              kernels and the float32 baseline's FMA GEMM, portable
//        │             │                      │              and AVX2 paths chosen at run time)
//        │             │                      └──► IntRSFloatBaseline (the float32 baseline, displayed comparisons
//        │             │                           only) ──► IntRSRuntime, IntRSCore, CIntRSKernels
//        │             └─► IntRSConformance ──► IntRSReference, IntRSRuntime (vectors, conformance)
//        └─────────────────────────────────────────────►
//
// IntRSRuntime never imports IntRSExact, IntRSReference or IntRSRun: it is the part that ships to devices. It does
// not import IntRSFloatBaseline either (the float32 baseline exists for displayed comparisons, not on devices);
// IntRSFloatBaseline counts votes with the runtime's generic `VoteCounter` and never reaches IntRSExact,
// IntRSReference or GMP.
// IntRSCLI holds argument parsing and printing only: every run, audit and merge is a call into IntRSRun.
// tools/check-imports.py (run by CI) checks that every import is a declared dependency and that this holds.
// CIntRSKernels is compiled with the default flags (no global -mavx2): its AVX2 functions carry
// per-function target attributes and run only when the CPU has AVX2 and FMA.
import PackageDescription

let package = Package(
    name: "IntRS",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "intrs", targets: ["intrs"]),
        .library(name: "IntRSCore", targets: ["IntRSCore"]),
        .library(name: "IntRSExact", targets: ["IntRSExact"]),
        .library(name: "IntRSReference", targets: ["IntRSReference"]),
        .library(name: "IntRSRuntime", targets: ["IntRSRuntime"]),
        .library(name: "IntRSFloatBaseline", targets: ["IntRSFloatBaseline"]),
        .library(name: "IntRSConformance", targets: ["IntRSConformance"]),
        .library(name: "IntRSRun", targets: ["IntRSRun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"])]
        ),
        .target(name: "IntRSCore", exclude: ["README.md"]),
        .target(name: "IntRSExact", dependencies: ["CGMP"], exclude: ["README.md"]),
        .target(name: "IntRSReference", dependencies: ["IntRSExact", "IntRSCore"], exclude: ["README.md"]),
        .target(name: "CIntRSKernels", exclude: ["README.md"]),
        .target(name: "IntRSRuntime", dependencies: ["IntRSCore", "CIntRSKernels"], exclude: ["README.md"]),
        .target(name: "IntRSFloatBaseline", dependencies: ["IntRSRuntime", "IntRSCore", "CIntRSKernels"], exclude: ["README.md"]),
        .target(
            name: "IntRSConformance",
            dependencies: ["IntRSReference", "IntRSRuntime", "IntRSCore", "IntRSExact"],
            exclude: ["README.md"]
        ),
        .target(
            name: "IntRSRun",
            dependencies: ["IntRSReference", "IntRSRuntime", "IntRSFloatBaseline", "IntRSCore", "IntRSExact"],
            exclude: ["README.md"]
        ),
        .target(
            name: "IntRSCLI",
            dependencies: [
                "IntRSRun", "IntRSConformance", "IntRSReference", "IntRSRuntime", "IntRSFloatBaseline", "IntRSCore", "IntRSExact",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "intrs", dependencies: ["IntRSCLI"]),
        .testTarget(name: "IntRSCoreTests", dependencies: ["IntRSCore"]),
        .testTarget(name: "IntRSExactTests", dependencies: ["IntRSExact"]),
        .testTarget(name: "IntRSReferenceTests", dependencies: ["IntRSReference", "IntRSExact", "IntRSCore", "IntRSRuntime"]),
        .testTarget(name: "IntRSRuntimeTests", dependencies: ["IntRSRuntime", "IntRSFloatBaseline", "CIntRSKernels", "IntRSCore", "IntRSReference", "IntRSExact"]),
        .testTarget(name: "IntRSFloatBaselineTests", dependencies: ["IntRSFloatBaseline", "IntRSRuntime", "IntRSCore", "CIntRSKernels"]),
        .testTarget(
            name: "IntRSConformanceTests",
            dependencies: ["IntRSConformance", "IntRSReference", "IntRSRuntime", "IntRSCore", "IntRSExact"],
            resources: []
        ),
        .testTarget(name: "IntRSRunTests", dependencies: ["IntRSRun", "IntRSCore", "IntRSExact"]),
        .testTarget(
            name: "IntRSCLITests",
            dependencies: ["IntRSCLI", "IntRSRun", "IntRSConformance", "IntRSReference", "IntRSRuntime", "IntRSFloatBaseline", "IntRSCore", "IntRSExact"]
        ),
    ]
)

// Fuzzing (Fuzz/README.md): the libFuzzer harness exists only when INTRS_FUZZ=1, so a plain
// `swift build` / `swift test` never compiles it; scripts/fuzz builds it into .build-fuzz with
// -sanitize=fuzzer,address.
if Context.environment["INTRS_FUZZ"] == "1" {
    package.targets.append(.executableTarget(
        name: "IntRSFuzz",
        dependencies: ["IntRSCLI", "IntRSRun", "IntRSConformance", "IntRSReference", "IntRSRuntime", "IntRSFloatBaseline", "IntRSCore", "IntRSExact"],
        path: "Fuzz/Harness"))
}
