import Testing
import IntRSRuntime
@testable import IntRSCLI

/// `intrs bench samplers --only`: selects on each row's full name (plain, case-sensitive substring; several
/// --only = union), so that a path or a single row can be measured alone; an --only that matches nothing is an
/// error naming it.
@Suite struct BenchSamplersOnlyTests {
    static let names = [
        "chacha20 words (fast stream)", "chacha20 words (portable kernel)", "chacha20 words (avx2 kernel)",
        "fast table discrete-gaussian sigma2=4 b=64",
        "fast table batched (portable ChaCha20) discrete-gaussian sigma2=4 b=64",
        "fast table batched (avx2 ChaCha20) discrete-gaussian sigma2=4 b=64",
        "reference table discrete-gaussian sigma2=65025/16 b=64",
        "fast CKS discrete-gaussian sigma2=4", "reference CKS discrete-gaussian sigma2=4",
    ]

    @Test("--only selects by the full row name: a path, one whole row, a union; no --only selects all")
    func selection() throws {
        #expect(try BenchSamplersCommand.selectedRows(Self.names, only: []) == Self.names)
        #expect(try BenchSamplersCommand.selectedRows(Self.names, only: ["avx2 ChaCha20"])
                == ["fast table batched (avx2 ChaCha20) discrete-gaussian sigma2=4 b=64"])
        // A whole row name selects that row alone (not the batched or reference rows around it).
        #expect(try BenchSamplersCommand.selectedRows(Self.names, only: ["fast table discrete-gaussian sigma2=4 b=64"])
                == ["fast table discrete-gaussian sigma2=4 b=64"])
        // "chacha20 words" names the word rows only, not the batched table rows (whose names say "ChaCha20").
        #expect(try BenchSamplersCommand.selectedRows(Self.names, only: ["chacha20 words"]).count == 3)
        #expect(try BenchSamplersCommand.selectedRows(Self.names, only: ["fast CKS", "avx2 kernel"])
                == ["chacha20 words (avx2 kernel)", "fast CKS discrete-gaussian sigma2=4"])
    }

    @Test("an --only that matches no row is refused, naming the value")
    func unmatched() {
        #expect(throws: (any Error).self) { try BenchSamplersCommand.selectedRows(Self.names, only: ["AVX2"]) }
        let f = CLITest.failure(["bench", "samplers", "--only", "no such row", "--list"])
        #expect(f?.exitCode == 64 && f?.message.contains("'no such row'") == true, "\(String(describing: f))")
    }

    @Test("--rounds outside 1 ... 100 is refused by name")
    func roundsRange() {
        for v in ["0", "101"] {
            let f = CLITest.failure(["bench", "samplers", "--rounds", v, "--list"])
            #expect(f?.exitCode == 64 && f?.message.contains("--rounds \(v)") == true, "\(String(describing: f))")
        }
    }

    @Test("--list prints the selected rows of this machine without measuring")
    func listRuns() {
        #expect(CLITest.failure(["bench", "samplers", "--only", "table", "--list"]) == nil)
    }
}
