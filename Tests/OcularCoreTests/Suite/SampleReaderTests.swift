// The sample reader checks a batch of lines on several threads and takes them in reading order; a reader given the
// ledger of a complete earlier read trusts it. These tests pin both: the outcome must not depend on threads or batch
// size, and a trusting reader must give what a checking reader gives, or refuse a suite that changed in between.
import Foundation
import Testing

@testable import OcularCore

/// What reading a suite folder to the end did under some threading: its error line, or the count and content hash.
private func outcome(folder: String, workers: Int, batchSize: Int, linesPerWorker: Int) -> String {
  do {
    let suite = try Suite.open(folder: folder)
    var reader = SampleReader(
      suite: suite, isHashingImages: true, replaying: nil, workers: workers, batchSize: batchSize,
      linesPerWorker: linesPerWorker)
    var ids: [String] = []
    while let sample = try reader.next() { ids.append(sample.id) }
    return "accepted \(ids.count) \(ids.joined(separator: ",")) \(reader.contentHash())"
  } catch {
    return error.description
  }
}

/// Every sample of a suite read with a ledger from a first, checking read.
private func readTwice(_ suite: Suite) throws(CoreError) -> (checked: [Sample], trusted: [Sample]) {
  var first = SampleReader(suite: suite, isHashingImages: true)
  var checked: [Sample] = []
  while let sample = try first.next() { checked.append(sample) }
  var second = SampleReader(suite: suite, replaying: first.ledger)
  var trusted: [Sample] = []
  while let sample = try second.next() { trusted.append(sample) }
  return (checked, trusted)
}

@Suite("Suite loading: threaded checking and trusted re-reading")
struct SampleReaderTests {
  /// The threadings compared: one line at a time on one thread, and small batches spread over several threads.
  static let threadings: [(workers: Int, batchSize: Int, linesPerWorker: Int)] = [
    (1, 1, 1), (3, 2, 1), (4, 5, 1), (2, 512, 1), (8, 512, 32),
  ]

  @Test(arguments: hostileCases)
  func theOutcomeOfEveryCorpusCaseIsTheSameOnAnyNumberOfThreads(name: String) {
    let folder = hostileCorpus.appendingPathComponent(name).path
    let outcomes = Self.threadings.map {
      outcome(folder: folder, workers: $0.workers, batchSize: $0.batchSize, linesPerWorker: $0.linesPerWorker)
    }
    #expect(Set(outcomes).count == 1, "\(outcomes)")
  }

  @Test func theFirstBadLineIsReportedWhenLaterLinesOfItsBatchAreAlsoBad() throws {
    try withTemporaryFolder { parent in
      let copy = try SuiteCopy(of: "docvqa", in: parent)
      let records = try copy.lines("samples.jsonl")
      // 300 records: the bundled ones repeated with fresh ids; line 150 is malformed, line 200 repeats an id.
      var lines: [String] = []
      for number in 1...300 {
        var object =
          try JSONSerialization.jsonObject(
            with: Data(records[(number - 1) % records.count].utf8)) as! [String: Any]
        object["index"] = number == 200 ? 1 : number
        lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
      }
      lines[149] = "{not json"
      try copy.write("samples.jsonl", lines: lines)
      let expected = "\(copy.display("samples.jsonl")):150: invalid JSON"
      for threading in Self.threadings {
        #expect(
          outcome(
            folder: copy.path, workers: threading.workers, batchSize: threading.batchSize,
            linesPerWorker: threading.linesPerWorker) == expected)
      }
      lines[149] = lines[148].replacingOccurrences(of: "\"index\":149", with: "\"index\":150")
      try copy.write("samples.jsonl", lines: lines)
      #expect(
        outcome(folder: copy.path, workers: 2, batchSize: 512, linesPerWorker: 1)
          == "\(copy.display("samples.jsonl")):200: duplicate sample id \"1\"")
    }
  }

  @Test(arguments: ["docvqa", "mmbench", "refcoco", "refspatial", "mathvista"])
  func aTrustingReaderGivesWhatACheckingReaderGives(suiteName: String) throws {
    let suite = try Suite.open(folder: TestPaths.suite(suiteName))
    let (checked, trusted) = try readTwice(suite)
    #expect(!checked.isEmpty)
    #expect(trusted.count == checked.count)
    for (trustedSample, checkedSample) in zip(trusted, checked) {
      var expected = checkedSample
      expected.images = expected.images.map {
        var image = $0
        image.sha256 = nil  // The trusting reader does not hash.
        return image
      }
      #expect(trustedSample == expected)
    }
  }

  @Test func aTrustingReaderRefusesALineThatChangedAfterTheCheck() throws {
    try withTemporaryFolder { parent in
      let copy = try SuiteCopy(of: "docvqa", in: parent)
      let suite = try Suite.open(folder: copy.path)
      var first = SampleReader(suite: suite, isHashingImages: true)
      while try first.next() != nil {}
      try copy.editRecord(3, of: "samples.jsonl") { $0["question"] = "A question written during the run?" }
      var second = SampleReader(suite: suite, replaying: first.ledger)
      #expect(
        throws: CoreError.invalidInput(
          path: copy.display("samples.jsonl"), line: 3,
          message: "the record changed after the suite was checked; run the command again")
      ) {
        while try second.next() != nil {}
      }
    }
  }

  @Test func aTrustingReaderRefusesRecordsRemovedAfterTheCheck() throws {
    try withTemporaryFolder { parent in
      let copy = try SuiteCopy(of: "docvqa", in: parent)
      let suite = try Suite.open(folder: copy.path)
      var first = SampleReader(suite: suite, isHashingImages: true)
      while try first.next() != nil {}
      try copy.write("samples.jsonl", lines: Array(try copy.lines("samples.jsonl").dropLast()))
      var second = SampleReader(suite: suite, replaying: first.ledger)
      #expect(
        throws: CoreError.invalidInput(
          path: copy.display("samples.jsonl"), line: nil,
          message: "records were removed after the suite was checked; run the command again")
      ) {
        while try second.next() != nil {}
      }
    }
  }
}

/// The record checker's byte-level path helpers against the Foundation and `split` forms they replace.
@Suite("Record checker: path fast paths")
struct RecordCheckerPathTests {
  static let roots = ["", "images", "img/sub", "./images", "images/.", "images.", "images/", "/abs", "a//b"]
  static let names = [
    "a.png", "a//b.png", "./a.png", "a/./b.png", "x/y/z.jpg", "a/", ".", "..x", "é/ü.png", "a b.png",
  ]

  @Test(arguments: roots)
  func joiningToTheImageRootMatchesFoundation(root: String) throws {
    let manifest = """
      {"format": "ocular-suite/1", "name": "t", "benchmark": "docvqa", "group": "documents", "metric": "anls",
       "scoring_profile": "vlmevalkit", "image_field": "image_path", "image_root": \(root.isEmpty ? "null" : "\"\(root)\""),
       "files": [{"path": "samples.jsonl"}]}
      """
    try withTemporaryFolder { folder in
      try manifest.write(to: folder.appendingPathComponent("suite.json"), atomically: true, encoding: .utf8)
      let suite = try Suite.open(folder: folder.path)
      let checker = RecordChecker(suite: suite, isHashingImages: false)
      for name in Self.names {
        let expected = root.isEmpty ? name : (root as NSString).appendingPathComponent(name)
        #expect(checker.joinedToImageRoot(name) == expected, "\(root) + \(name)")
      }
    }
  }

  @Test func parentComponentsAreFoundAsSplittingFindsThem() {
    let paths = [
      "..", "../a", "a/..", "a/../b", "a/..b", "a/b..", "...", "a/.../b", ".", "./a", "a//../b", "a/./..", "..a/b",
      "a/..\u{301}/b", "a/\u{301}../b", "é/../x", "a/", "", "/..", "a/.. /b",
    ]
    for path in paths {
      #expect(
        RecordChecker.hasParentComponent(path) == path.split(separator: "/").contains(".."), "\(path.debugDescription)")
    }
  }
}
