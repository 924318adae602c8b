import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    if let kind = nonRegularFileKind(path) { return "is \(kind), not a regular file" }
    if !fm.isReadableFile(atPath: path) { return "permission denied" }
    return error.localizedDescription
}

/// "a character device (such as /dev/null)", "a FIFO (named pipe)", ... for a path that exists and is not a
/// regular file or directory; nil otherwise. Foundation's own text for these is "You don't have permission".
public func nonRegularFileKind(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    switch st.st_mode & S_IFMT {
    case S_IFREG, S_IFDIR: return nil
    case S_IFCHR: return "a character device (such as /dev/null)"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFSOCK: return "a socket"
    default: return "not a regular file"
    }
}

/// Why writing the file at `path` failed, in plain words for an error message: "directory D does not
/// exist", "is a directory, not a file", "permission denied (directory D is not writable)", or the
/// system's description. Foundation's own text for a missing parent directory ("The file doesn't exist")
/// names neither the cause nor the directory. Call it only after a write has failed: it inspects the
/// path again.
public func fileWriteFailureReason(path: String, _ error: any Error) -> String {
    let fm = FileManager.default
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        return "is a directory, not a file"
    }
    let parent = url.deletingLastPathComponent().path
    var parentIsDirectory: ObjCBool = false
    if !fm.fileExists(atPath: parent, isDirectory: &parentIsDirectory) { return "directory \(parent) does not exist" }
    if !parentIsDirectory.boolValue { return "\(parent) is not a directory" }
    if !fm.isWritableFile(atPath: parent) { return "permission denied (directory \(parent) is not writable)" }
    return error.localizedDescription
}
