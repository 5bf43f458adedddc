import Foundation
import Testing

@testable import OcularCore

@Suite struct AtomicFileTests {
  @Test func writesAndReplacesLeavingNoTemporaryFile() throws {
    try withTemporaryFolder { (folder: URL) throws in
      let path = folder.appendingPathComponent("report.html").path
      try AtomicFile.write(Data("first".utf8), to: path)
      try AtomicFile.write(Data("second".utf8), to: path)
      #expect(FileManager.default.contents(atPath: path) == Data("second".utf8))
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"])
    }
  }

  @Test func aFailedWriteIsAnErrorAndLeavesNothing() throws {
    try withTemporaryFolder { (folder: URL) throws in
      let path = folder.appendingPathComponent("missing/report.html").path
      #expect(throws: CoreError.unreadable(path: path, reason: "cannot write: No such file or directory")) {
        try AtomicFile.write(Data("x".utf8), to: path)
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
  }

  @Test func streamedWritesArriveWholeInOrder() throws {
    try withTemporaryFolder { (folder: URL) throws in
      let path = folder.appendingPathComponent("samples.jsonl").path
      // Over four 64 KiB buffers' worth, so the buffer is flushed several times.
      try AtomicFile.write(to: path) { append in
        for index in 0..<30_000 { append("line \(index)\n") }
      }
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let lines = text.split(separator: "\n")
      #expect(lines.count == 30_000)
      #expect(lines.first == "line 0" && lines.last == "line 29999")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["samples.jsonl"])
    }
  }

  @Test func aStreamThatFailsLeavesTheOldFileAndNoTemporary() throws {
    struct Stop: Error {}
    try withTemporaryFolder { (folder: URL) throws in
      let path = folder.appendingPathComponent("samples.jsonl").path
      try AtomicFile.write(Data("old".utf8), to: path)
      #expect(throws: Stop.self) {
        try AtomicFile.write(to: path) { append in
          append(String(repeating: "x", count: 100_000))
          throw Stop()
        }
      }
      #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["samples.jsonl"])
    }
  }
}
