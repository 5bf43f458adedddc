// The hostile suite-input corpus: every folder under HostileInput/ is a suite broken in one way (made by
// scripts/make_hostile_corpus.py), with `expected.txt` holding the one line the user must see, or `accepted N`.
import Foundation
import Testing

@testable import OcularCore

/// The committed corpus folder.
let hostileCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("HostileInput")

/// The names of the corpus cases.
let hostileCases: [String] = {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: hostileCorpus.path)) ?? []
  return names.filter { !$0.hasSuffix(".png") }.sorted()
}()

/// What loading a suite folder did: its error line, or the number of samples read.
func loadOutcome(folder: String) -> String {
  do {
    let suite = try Suite.open(folder: folder)
    var reader = SampleReader(suite: suite, isHashingImages: true)
    var count = 0
    while try reader.next() != nil { count += 1 }
    return "accepted \(count)"
  } catch {
    return error.description
  }
}

@Suite("Suite loading: the hostile input corpus")
struct HostileInputTests {
  @Test func theCorpusHoldsAtLeastThirtyMalformedInputs() {
    let malformed = hostileCases.filter { name in
      let expected = try? String(contentsOfFile: "\(hostileCorpus.path)/\(name)/expected.txt", encoding: .utf8)
      return expected?.hasPrefix("accepted") == false
    }
    #expect(malformed.count >= 30, "\(malformed.count) malformed cases")
  }

  @Test(arguments: hostileCases)
  func eachCaseGivesItsExpectedOutcome(name: String) throws {
    let folder = hostileCorpus.appendingPathComponent(name).path
    let expected = try String(contentsOfFile: folder + "/expected.txt", encoding: .utf8)
      .trimmingCharacters(in: .newlines).replacingOccurrences(of: "$SUITE", with: folder)
    #expect(loadOutcome(folder: folder) == expected)
  }

  /// Lines too big to commit: 50 MB of unterminated JSON, and a 70 MB line past the 64 MiB limit.
  @Test func hugeLinesAreRefusedWithTheirLineNumber() throws {
    try withTemporaryFolder { parent in
      let folder = parent.appendingPathComponent("huge")
      try FileManager.default.copyItem(at: hostileCorpus.appendingPathComponent("control"), to: folder)
      let samples = folder.appendingPathComponent("samples.jsonl")
      let first = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n")[0] + "\n"
      var fifty = Data(first.utf8)
      fifty.append(Data(#"{"index": 2, "question": ""#.utf8))
      fifty.append(Data(repeating: UInt8(ascii: "x"), count: 50_000_000))
      fifty.append(Data("\n".utf8))
      try fifty.write(to: samples)
      #expect(loadOutcome(folder: folder.path) == "\(folder.path)/samples.jsonl:2: invalid JSON")

      var seventy = Data(first.utf8)
      seventy.append(Data(repeating: UInt8(ascii: " "), count: 70_000_000))
      try seventy.write(to: samples)
      #expect(loadOutcome(folder: folder.path) == "\(folder.path)/samples.jsonl:2: line longer than 64 MiB")
    }
  }

  /// A FIFO would block `open` forever; a directory would read as empty. Both are refused by kind, at once.
  @Test func specialFilesAreRefusedWithoutBlocking() throws {
    try withTemporaryFolder { parent in
      let folder = parent.appendingPathComponent("fifo")
      try FileManager.default.copyItem(at: hostileCorpus.appendingPathComponent("control"), to: folder)
      let image = folder.appendingPathComponent("images/a.png").path
      try FileManager.default.removeItem(atPath: image)
      #expect(mkfifo(image, 0o600) == 0)
      #expect(
        loadOutcome(folder: folder.path) == "\(folder.path)/samples.jsonl:1: image \"a.png\": not a regular file")
      let samples = folder.appendingPathComponent("samples.jsonl").path
      try FileManager.default.removeItem(atPath: samples)
      #expect(mkfifo(samples, 0o600) == 0)
      #expect(loadOutcome(folder: folder.path) == "\(samples): cannot read: not a regular file")
    }
  }

  /// Nesting deep enough to overflow a recursive parser's stack.
  @Test func deeplyNestedRecordsAreRefusedWithoutCrashing() throws {
    try withTemporaryFolder { parent in
      let folder = parent.appendingPathComponent("deep")
      try FileManager.default.copyItem(at: hostileCorpus.appendingPathComponent("control"), to: folder)
      let deep =
        #"{"index": 1, "question": "q", "answer": "a", "image_path": "a.png", "extra": "#
        + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n"
      try Data(deep.utf8).write(to: folder.appendingPathComponent("samples.jsonl"))
      #expect(loadOutcome(folder: folder.path) == "\(folder.path)/samples.jsonl:1: invalid JSON")
    }
  }
}
