import CIntRSKernels

/// Micro-benchmarks of the CPU for `intrs bench int8` (how far a kernel is from the CPU's limit). Both return
/// work counts; the caller times them on the thread's CPU clock.
public enum CPUThroughputProbe {
    /// Runs a chain of 4 * `iterations` dependent integer additions (1 cycle each on x86-64 cores) and
    /// returns the number of additions, i.e. the cycles spent; 0 where not implemented (non-x86).
    public static func dependentAddChain(iterations: UInt64) -> UInt64 { intrs_dependent_add_chain(iterations) }

    /// Runs 8 * `iterations` `vpmaddwd ymm` instructions in 8 independent chains and returns that count;
    /// 0 without AVX2.
    public static func vpmaddwdBurst(iterations: UInt64) -> UInt64 { intrs_vpmaddwd_burst(iterations) }

    /// Runs 8 * `iterations` `vfmadd231ps ymm` instructions (8 float32 multiply-adds each) in 8 independent
    /// chains and returns that count; 0 without AVX2 and FMA.
    public static func vfmadd231psBurst(iterations: UInt64) -> UInt64 { intrs_vfmadd231ps_burst(iterations) }

    /// The same with `vfmadd231ps zmm` (16 multiply-adds each); 0 without AVX-512F.
    public static func vfmadd231ps512Burst(iterations: UInt64) -> UInt64 { intrs_vfmadd231ps512_burst(iterations) }

    /// Runs 8 * `iterations` `vpdpbusd ymm` instructions (AVX-512 VNNI) in 8 independent chains and returns
    /// that count; 0 without AVX-512 VNNI.
    public static func vpdpbusdBurst(iterations: UInt64) -> UInt64 { intrs_vpdpbusd_burst(iterations) }

    /// The same with `vpdpbusd zmm` (64 multiply-adds per instruction; AMD Zen 4 splits it into two 256-bit
    /// halves, so its rate per cycle is about half that of the ymm form there).
    public static func vpdpbusd512Burst(iterations: UInt64) -> UInt64 { intrs_vpdpbusd512_burst(iterations) }
}
