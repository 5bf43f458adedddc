import Foundation
import OcularCore
import Testing

@testable import OcularStore

/// A temporary folder removed at the end of a test.
struct TemporaryFolder: ~Copyable {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "ocular-store-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  func file(_ name: String) -> String { path + "/" + name }
}

func makeRun(suites: [String] = ["docvqa"]) -> RunRecord {
  RunRecord(
    createdAt: "2026-11-25T00:00:00Z", modelSpec: "builtin:oracle", modelName: "builtin:oracle",
    adapterJSON: "{}", parametersJSON: "{\"seed\":0}", promptProfile: "paper",
    scoringProfile: "vlmevalkit-0.0.20; boxed=unwrap", scoringOptionsJSON: "{\"boxed\":\"unwrap\"}", repeats: 1,
    harnessVersion: "test", gitRevision: nil, suiteNames: suites)
}

func makeSample(run: Int64, id: String, status: SampleStatus = .ok, score: Double = 1, response: String? = "x")
  -> SampleRecord
{
  SampleRecord(
    runID: run, key: SampleKey(suite: "docvqa", sampleID: id, repeatIndex: 0), status: status, score: score,
    breakdownJSON: "[[\"split\",\"val\"]]", requestJSON: "{}", response: response, extracted: response)
}

@Suite struct RunStoreTests {
  @Test func runRoundTrip() throws {
    let store = try RunStore()
    let created = try store.createRun(makeRun(suites: ["docvqa", "mmstar"]))
    #expect(created.id == 1)
    let read = try store.run(id: created.id)
    #expect(read == created)
    #expect(read.suiteNames == ["docvqa", "mmstar"])
    try store.setStatus(.completed, run: created.id)
    let finished = try store.run(id: created.id)
    #expect(finished.status == .completed)
    #expect(finished.finishedAt != nil)
    #expect(try store.runs().map(\.id) == [1])
  }

  @Test func unknownRunIsAnError() throws {
    let store = try RunStore()
    #expect(throws: StoreError.unknownRun("7")) { try store.run(id: 7) }
  }

  @Test func samplesRoundTripAndReplaceOnRetry() throws {
    let store = try RunStore()
    let run = try store.createRun(makeRun()).id
    let hostile = "<script>alert(1)</script>\u{0}\n" + String(repeating: "é", count: 1000)
    try store.save([
      makeSample(run: run, id: "1"),
      makeSample(run: run, id: "2", status: .error, score: 0, response: nil),
      makeSample(run: run, id: "3", status: .unparsed, score: 0, response: hostile),
    ])
    #expect(try store.answeredKeys(run: run, suite: "docvqa").map(\.sampleID).sorted() == ["1", "3"])
    // A retry of the failed sample replaces its row instead of adding one.
    try store.save([makeSample(run: run, id: "2", score: 0.5)])
    var seen: [SampleRecord] = []
    try store.forEachSample(run: run, suite: "docvqa") { seen.append($0) }
    #expect(seen.map(\.key.sampleID) == ["1", "2", "3"])
    #expect(seen[1].status == .ok)
    #expect(seen[1].score == 0.5)
    #expect(seen[2].response == hostile)
    #expect(seen[0].breakdown == [BreakdownKey("split", "val")])
    #expect(try store.statusCounts(run: run, suite: "docvqa") == [.ok: 2, .unparsed: 1])
  }

  @Test func suitesAndMetrics() throws {
    let store = try RunStore()
    let run = try store.createRun(makeRun()).id
    let suite = RunSuiteRecord(
      runID: run, suite: "docvqa", benchmark: "docvqa", title: "DocVQA", group: "documents", metric: "anls",
      headlineMetric: "anls", judgeLabel: "none", reference: "ref", contentHash: "abc", sampleCount: 12,
      isFullData: false, folder: "benchmarks/docvqa")
    try store.addSuite(suite, position: 0)
    try store.addSuite(suite, position: 0)  // Ignored: the first record stays.
    let summary = SuiteSummary(
      headline: 87.5, headlineMetric: "anls",
      values: [
        MetricValue(dimension: "overall", key: "all", metric: "anls", value: 87.5, count: 12),
        MetricValue(dimension: "split", key: "val", metric: "anls", value: 87.5, count: 12),
      ], count: 12, unparsedCount: 1, errorCount: 2)
    try store.saveSummary(summary, run: run, suite: "docvqa", addingSeconds: 1.5)
    try store.saveSummary(summary, run: run, suite: "docvqa", addingSeconds: 2)
    let stored = try #require(try store.suites(run: run).first)
    #expect(stored.headline == 87.5)
    #expect(stored.unparsedCount == 1)
    #expect(stored.errorCount == 2)
    #expect(stored.seconds == 3.5)
    #expect(try store.metrics(run: run, suite: "docvqa") == summary.values)
  }

  @Test func fileStoreReopensWithData() throws {
    let folder = try TemporaryFolder()
    let path = folder.file("nested/dir/ocular.sqlite")
    do {
      let store = try RunStore(path: path)
      let run = try store.createRun(makeRun()).id
      try store.save([makeSample(run: run, id: "1")])
    }
    let reopened = try RunStore(path: path)
    #expect(try reopened.runs().count == 1)
    let journal = try reopened.readJournalMode()
    #expect(journal == "wal")
  }

  @Test func refusesAFileThatIsNotADatabaseAndLeavesItUntouched() throws {
    let folder = try TemporaryFolder()
    let path = folder.file("notes.sqlite")
    let content = Data("these are my notes, not a database\n".utf8)
    try content.write(to: URL(fileURLWithPath: path))
    #expect(throws: StoreError.notADatabase(path: path)) { try RunStore(path: path) }
    #expect(FileManager.default.contents(atPath: path) == content)
    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
  }

  @Test func refusesAForeignDatabaseAndLeavesItUntouched() throws {
    let folder = try TemporaryFolder()
    let path = folder.file("other.sqlite")
    try makeForeignDatabase(at: path)
    let before = FileManager.default.contents(atPath: path)
    #expect(throws: StoreError.foreignDatabase(path: path)) { try RunStore(path: path) }
    #expect(FileManager.default.contents(atPath: path) == before)
  }

  @Test func refusesADatabaseFromANewerOcular() throws {
    let folder = try TemporaryFolder()
    let path = folder.file("newer.sqlite")
    do {
      let store = try RunStore(path: path)
      try store.recordMigration("v99-future")
    }
    #expect(throws: StoreError.newerSchema(path: path, unknown: ["v99-future"])) { try RunStore(path: path) }
  }

  @Test func corruptDatabaseIsRefused() throws {
    let folder = try TemporaryFolder()
    let path = folder.file("corrupt.sqlite")
    var bytes = Data("SQLite format 3\0".utf8)
    bytes.append(Data(repeating: 0xAB, count: 4096))
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(throws: StoreError.notADatabase(path: path)) { try RunStore(path: path) }
    #expect(FileManager.default.contents(atPath: path) == bytes)
  }

  /// Every judge call is stored with its sample, in order, NUL bytes and all; saving the sample again replaces them.
  @Test func judgeExchangesAndAdapterNotesRoundTrip() throws {
    let store = try RunStore()
    let run = try store.createRun(makeRun()).id
    var sample = makeSample(run: run, id: "1")
    sample.responseNotes = ["reasoning put back", "second note"]
    sample.judgeExchanges = [
      JudgeExchange(prompt: "extract\u{0}this", settings: JudgeSettings(temperature: 0, maxTokens: 128), reply: "7"),
      JudgeExchange(
        prompt: "score it", settings: JudgeSettings(temperature: 0.5, maxTokens: 256, seed: 42, topP: 1),
        failure: "timed out after 120 s"),
    ]
    try store.save([sample])
    let stored = try #require(try store.samples(run: run, suite: "docvqa", sampleID: "1").first)
    #expect(stored.judgeExchanges == sample.judgeExchanges)
    #expect(stored.responseNotes == sample.responseNotes)
    var visited: [SampleRecord] = []
    try store.forEachSample(run: run, suite: "docvqa") { visited.append($0) }
    #expect(visited.first?.judgeExchanges == sample.judgeExchanges)
    sample.judgeExchanges = [sample.judgeExchanges[0]]
    try store.save([sample])
    #expect(try store.samples(run: run, suite: "docvqa", sampleID: "1").first?.judgeExchanges == sample.judgeExchanges)
    sample.judgeExchanges = []
    try store.save([sample])
    #expect(try store.samples(run: run, suite: "docvqa", sampleID: "1").first?.judgeExchanges == [])
    // Within one batch too, a later attempt at a key replaces the exchanges an earlier one stored.
    var judged = makeSample(run: run, id: "2")
    judged.judgeExchanges = [JudgeExchange(prompt: "p", settings: JudgeSettings(temperature: 0), reply: "r")]
    let unjudged = makeSample(run: run, id: "2")
    try store.save([judged, unjudged])
    #expect(try store.samples(run: run, suite: "docvqa", sampleID: "2").first?.judgeExchanges == [])
  }
}
