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
}
