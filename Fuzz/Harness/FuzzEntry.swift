import Foundation

// libFuzzer entry points. Built only by scripts/fuzz (INTRS_FUZZ=1, -sanitize=fuzzer,address). The target is
// chosen by the environment variable INTRS_FUZZ_TARGET (one of FuzzTargets.names).

let fuzzTarget: String = {
    guard let t = ProcessInfo.processInfo.environment["INTRS_FUZZ_TARGET"], FuzzTargets.names.contains(t) else {
        FileHandle.standardError.write(Data("IntRSFuzz: set INTRS_FUZZ_TARGET to one of \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func intrsFuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = count == 0 ? Data() : Data(bytes: start!, count: count)
    do { try FuzzTargets.run(fuzzTarget, data) } catch {}
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func intrsFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = fuzzTarget
    return 0
}

// SwiftPM links an executable target with `--defsym main=<module>_main`; libFuzzer's own main is then not
// used, so this one hands over to libFuzzer's driver (same behaviour, same flags).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("IntRSFuzz_main")
public func intrsFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v) { intrsFuzzOneInput($0, $1) }
}
