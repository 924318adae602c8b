import Foundation

/// Why reading the file at `path` failed, in plain words for an error message: "no such file",
/// "is a directory, not a file", "permission denied", or the system's description.
///
/// Foundation's own description for a directory is "NSCocoaErrorDomain error 256", which names neither
/// the cause nor the file; every reader of user files (models, data sets, tables, run records) uses this
/// instead. Call it only after a read has failed: it inspects the path again.
public func fileReadFailureReason(path: String, _ error: any Error) -> String {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if !fm.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
    if isDirectory.boolValue { return "is a directory, not a file" }
    if !fm.isReadableFile(atPath: path) { return "permission denied" }
    return error.localizedDescription
}
