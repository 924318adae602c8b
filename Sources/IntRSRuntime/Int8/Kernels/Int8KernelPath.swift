import CIntRSKernels
import Foundation

/// Which implementation of the int8 hot loops (CIntRSKernels) runs. Every path computes the same integers
/// bit for bit (Proofs/KERN-1.md); they differ only in speed.
///
/// - `portable`: plain C for any CPU (x86-64 without AVX2, arm64, ...).
/// - `avx2`: x86-64 with AVX2 and FMA: register-blocked vpmaddwd micro-kernel, requantisation 8 channels
///   per instruction. Compiled with per-function target attributes, so the package builds and runs on
///   CPUs without AVX2; it is only ever called when `isSupported`.
/// - `avx512vnni`: x86-64 with AVX-512 VNNI (AMD Zen 4, Intel Ice Lake and later): the same blocking with
///   vpdpbusd (4 u8 x s8 products per int32 lane, 64 multiply-adds per 256-bit instruction) for conv2d and
///   fullyConnected; activations enter as x + 128 and the zero point is folded into the bias (KERN-1).
///
/// `selected` is chosen once per process: the environment variable `INTRS_KERNEL` (`portable`, `avx2`, `avx512vnni`)
/// when set, else the fastest path this CPU supports. Tests and benchmarks pass a path explicitly to run
/// every path on one machine.
public enum Int8KernelPath: String, CaseIterable, Sendable, Codable {
    case portable
    case avx2
    case avx512vnni

    /// Whether this CPU can run the path (`__builtin_cpu_supports("avx2")` and `("fma")` for `avx2`).
    public var isSupported: Bool {
        switch self {
        case .portable: return true
        case .avx2: return Self.cpuHasAVX2
        case .avx512vnni: return Self.cpuHasAVX512VNNI
        }
    }

    /// The paths this CPU can run, slowest first.
    public static var supported: [Int8KernelPath] { allCases.filter(\.isSupported) }

    /// The fastest supported path.
    public static var fastest: Int8KernelPath { cpuHasAVX512VNNI ? .avx512vnni : cpuHasAVX2 ? .avx2 : .portable }

    /// The name of the environment variable that forces a path.
    public static let environmentVariable = "INTRS_KERNEL"

    /// The path named by `INTRS_KERNEL`, or `fastest` when it is unset or empty. Throws (naming the variable
    /// and the value) for an unknown name or a path this CPU cannot run.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int8KernelPath {
        guard let raw = environment[environmentVariable], !raw.isEmpty else { return fastest }
        guard let path = Int8KernelPath(rawValue: raw) else {
            throw Int8KernelPathError.unknown(raw)
        }
        guard path.isSupported else { throw Int8KernelPathError.unsupported(path) }
        return path
    }

    /// The process-wide choice, made once (see the type's doc). A bad `INTRS_KERNEL` traps here with the
    /// error's message; the command-line tool checks `fromEnvironment()` first and exits with a clear error.
    public static let selected: Int8KernelPath = {
        do { return try fromEnvironment() } catch { preconditionFailure("\(error)") }
    }()

    var c: intrs_kernel_path {
        switch self {
        case .portable: return INTRS_KERNEL_PORTABLE
        case .avx2: return INTRS_KERNEL_AVX2
        case .avx512vnni: return INTRS_KERNEL_AVX512_VNNI
        }
    }

    /// The path reads GEMM activations as u = x + 128 (uint8) and needs the zero point folded into the bias.
    var foldsZeroPointIntoBias: Bool { self == .avx512vnni }

    private static let cpuHasAVX2: Bool = intrs_cpu_has_avx2() != 0
    private static let cpuHasAVX512VNNI: Bool = intrs_cpu_has_avx512vnni() != 0
}

/// A bad `INTRS_KERNEL` value.
public enum Int8KernelPathError: Error, CustomStringConvertible, Equatable {
    case unknown(String)
    case unsupported(Int8KernelPath)

    public var description: String {
        switch self {
        case .unknown(let v):
            return "environment variable INTRS_KERNEL = \"\(v)\": unknown kernel path (expected one of: \(Int8KernelPath.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unsupported(let p):
            return "environment variable INTRS_KERNEL = \"\(p.rawValue)\": this CPU cannot run that kernel path (it lacks \(p == .avx2 ? "AVX2 or FMA" : "AVX2, FMA or AVX-512 VNNI"))"
        }
    }
}
