import CIntRSKernels
import Foundation

/// Which implementation of the float32 baseline's GEMM (CIntRSKernels, include/CIntRSFloatKernels.h) runs.
/// Both compute the same floats bit for bit: each output is one fma chain in increasing k from +0, then the
/// bias, then the activation (the header's rounding contract); they differ only in speed.
///
/// - `portable`: plain C with `fmaf` for any CPU.
/// - `fma`: x86-64 with AVX2 and FMA: 6 x 16 register-blocked vfmadd231ps micro-kernel (12 ymm accumulators),
///   compiled with a per-function target attribute, called only when `isSupported`.
/// - `avx512`: x86-64 with AVX-512F too: 8 x 16 micro-kernel (8 zmm accumulators, one weight load and eight
///   broadcast fmas per k), so that a fullyConnected chunk of 8 items is one tile instead of 6 + 2 padded rows.
///
/// `selected` is chosen once per process: the environment variable `INTRS_FLOAT_KERNEL` (`portable`, `fma`,
/// `avx512`) when set, else the fastest path this CPU supports. (The int8 paths have their own variable, `INTRS_KERNEL`.)
public enum FloatKernelPath: String, CaseIterable, Sendable, Codable {
    case portable
    case fma
    case avx512

    /// Whether this CPU can run the path (`__builtin_cpu_supports("avx2")` and `("fma")` for `fma`).
    public var isSupported: Bool {
        switch self {
        case .portable: return true
        case .fma: return Self.cpuHasFMA
        case .avx512: return Self.cpuHasAVX512
        }
    }

    /// The paths this CPU can run, slowest first.
    public static var supported: [FloatKernelPath] { allCases.filter(\.isSupported) }

    /// The fastest supported path.
    public static var fastest: FloatKernelPath { cpuHasAVX512 ? .avx512 : cpuHasFMA ? .fma : .portable }

    /// The name of the environment variable that forces a path.
    public static let environmentVariable = "INTRS_FLOAT_KERNEL"

    /// The path named by `INTRS_FLOAT_KERNEL`, or `fastest` when it is unset or empty. Throws (naming the
    /// variable and the value) for an unknown name or a path this CPU cannot run.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FloatKernelPath {
        guard let raw = environment[environmentVariable], !raw.isEmpty else { return fastest }
        guard let path = FloatKernelPath(rawValue: raw) else { throw FloatKernelPathError.unknown(raw) }
        guard path.isSupported else { throw FloatKernelPathError.unsupported(path) }
        return path
    }

    /// The process-wide choice, made once. A bad `INTRS_FLOAT_KERNEL` traps here with the error's message.
    public static let selected: FloatKernelPath = {
        do { return try fromEnvironment() } catch { preconditionFailure("\(error)") }
    }()

    var c: intrs_float_kernel_path {
        switch self {
        case .portable: return INTRS_FLOAT_KERNEL_PORTABLE
        case .fma: return INTRS_FLOAT_KERNEL_FMA
        case .avx512: return INTRS_FLOAT_KERNEL_AVX512
        }
    }

    private static let cpuHasFMA: Bool = intrs_cpu_has_avx2() != 0
    private static let cpuHasAVX512: Bool = intrs_f32_cpu_has_avx512() != 0
}

/// A bad `INTRS_FLOAT_KERNEL` value.
public enum FloatKernelPathError: Error, CustomStringConvertible, Equatable {
    case unknown(String)
    case unsupported(FloatKernelPath)

    public var description: String {
        switch self {
        case .unknown(let v):
            return "environment variable INTRS_FLOAT_KERNEL = \"\(v)\": unknown float kernel path (expected one of: \(FloatKernelPath.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unsupported(let p):
            return "environment variable INTRS_FLOAT_KERNEL = \"\(p.rawValue)\": this CPU cannot run that float kernel path (\(p == .avx512 ? "it lacks AVX-512F, AVX2 or FMA" : "it lacks AVX2 or FMA"))"
        }
    }
}
