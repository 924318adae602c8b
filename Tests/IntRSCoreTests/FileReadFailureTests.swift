import Foundation
import Testing
import IntRSCore

/// Unreadable user files are explained in plain words (not "NSCocoaErrorDomain error 256").
@Suite("file read failures")
struct FileReadFailureTests {
    struct Dummy: Error {}

    @Test("a missing file, a directory and a readable file are told apart")
    func reasons() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-fileread-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(fileReadFailureReason(path: dir.appendingPathComponent("absent").path, Dummy()) == "no such file")
        #expect(fileReadFailureReason(path: dir.path, Dummy()) == "is a directory, not a file")
        let file = dir.appendingPathComponent("f.json")
        try Data("{}".utf8).write(to: file)
        #expect(fileReadFailureReason(path: file.path, Dummy()) == Dummy().localizedDescription)
    }

    @Test("the model and data set loaders name a directory as such")
    func loaders() throws {
        let dir = FileManager.default.temporaryDirectory.path
        #expect(throws: (any Error).self) { try Int8Model.load(from: URL(fileURLWithPath: dir)) }
        do { _ = try Int8Model.load(from: URL(fileURLWithPath: dir)); Issue.record("loaded a directory") } catch {
            #expect("\(error)".contains("is a directory"), "\(error)")
        }
    }
}
