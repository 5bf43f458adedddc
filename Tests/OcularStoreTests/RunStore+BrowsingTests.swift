import Foundation
import OcularCore
import Testing

@testable import OcularStore

@Suite struct RunStoreBrowsingTests {
  /// A store with one run of 30 samples: ids s00…s29, scores i/29, every third unparsed, split val for even ids.
  func makeStore(at path: String) throws -> Int64 {
    let store = try RunStore(path: path)
    let run = try store.createRun(makeRun())
    try store.save(
      (0..<30).map { index in
        var sample = makeSample(
          run: run.id, id: String(format: "s%02d", index), status: index % 3 == 0 ? .unparsed : .ok,
          score: Double(index) / 29, response: index == 7 ? "the 50% answer_x" : "answer \(index)")
        sample.breakdownJSON = index % 2 == 0 ? "[[\"split\",\"val\"]]" : "[[\"split\",\"test\"]]"
        return sample
      })
    return run.id
  }

  @Test func pagesAreFilteredSortedAndCounted() throws {
    let folder = try TemporaryFolder()
    let run = try makeStore(at: folder.file("runs.sqlite"))
    let store = try RunStore(readingOnlyAt: folder.file("runs.sqlite"))
    let first = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", limit: 10))
    #expect(first.total == 30)
    #expect(first.samples.map(\.key.sampleID) == (0..<10).map { String(format: "s%02d", $0) })
    let last = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", offset: 25, limit: 10))
    #expect(last.samples.map(\.key.sampleID) == (25..<30).map { String(format: "s%02d", $0) })
    let unparsed = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", statuses: [.unparsed]))
    #expect(unparsed.total == 10 && unparsed.samples.allSatisfy { $0.status == .unparsed })
    let range = try store.samplePage(
      run: run, query: SampleQuery(suite: "docvqa", minimumScore: 0.5, maximumScore: 0.9))
    #expect(range.samples.allSatisfy { $0.score >= 0.5 && $0.score <= 0.9 } && range.total == 12)
    let val = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", cell: BreakdownKey("split", "val")))
    #expect(val.total == 15)
    let worst = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", order: .scoreDescending, limit: 2))
    #expect(worst.samples.map(\.key.sampleID) == ["s29", "s28"])
    // `%` and `_` are literal in a text search, and letters match in any case.
    let text = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", text: "50% ANSWER_"))
    #expect(text.samples.map(\.key.sampleID) == ["s07"])
    #expect(try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", text: "5_%")).total == 0)
  }

  @Test func aFilteredCountStopsAtTheLimitAndSaysSo() throws {
    let folder = try TemporaryFolder()
    let run = try makeStore(at: folder.file("runs.sqlite"))
    let store = try RunStore(readingOnlyAt: folder.file("runs.sqlite"))
    let unfiltered = try store.samplePage(run: run, query: SampleQuery(suite: "docvqa", limit: 5, countLimit: 10))
    #expect(unfiltered.total == 30 && !unfiltered.isTotalTruncated)
    let filtered = try store.samplePage(
      run: run, query: SampleQuery(suite: "docvqa", statuses: [.ok], limit: 5, countLimit: 10))
    #expect(filtered.total == 10 && filtered.isTotalTruncated)
    #expect(filtered.samples.count == 5)
    let exact = try store.samplePage(
      run: run, query: SampleQuery(suite: "docvqa", statuses: [.unparsed], limit: 5, countLimit: 10))
    #expect(exact.total == 10 && !exact.isTotalTruncated)
  }

  @Test func aReadOnlyStoreRefusesWritesAndLeavesTheFileAsItWas() throws {
    let folder = try TemporaryFolder()
    let path = folder.file("runs.sqlite")
    _ = try makeStore(at: path)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let store = try RunStore(readingOnlyAt: path)
    #expect(throws: StoreError.self) { _ = try store.createRun(makeRun()) }
    #expect(try store.runs().count == 1)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(throws: StoreError.missing(path: folder.file("none.sqlite"))) {
      try RunStore(readingOnlyAt: folder.file("none.sqlite"))
    }
    try Data("not a database at all....".utf8).write(to: URL(fileURLWithPath: folder.file("text.sqlite")))
    #expect(throws: StoreError.notADatabase(path: folder.file("text.sqlite"))) {
      try RunStore(readingOnlyAt: folder.file("text.sqlite"))
    }
  }
}
