import Foundation
import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

/// An adapter whose answers (oracle, baseline, partial, garbage or a failure) and delays are drawn from the sample,
/// so that samples complete in a scrambled order with a mix of statuses and scores.
struct ScramblingAdapter: ModelAdapter {
  var description: AdapterDescription { AdapterDescription(model: "scrambling", kind: "test", maxConcurrency: 16) }

  func generate(_ request: Request) async throws -> Response { throw ModelError.noPrediction }

  func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    let oracle = ReferencePolicy.oracle.response(to: sample, of: benchmark)
    var hasher = Hasher()
    hasher.combine(request.sampleID)
    hasher.combine(request.repeatIndex)
    let draw = UInt(bitPattern: hasher.finalize())
    try await Task.sleep(for: .microseconds(Int(draw % 3000)))
    switch draw % 7 {
    case 0: return Response(text: ReferencePolicy.baseline.response(to: sample, of: benchmark))
    case 1: return Response(text: "<answer>not an answer at all</answer>")
    case 2: throw ModelError.noPrediction
    case 3: return Response(text: String(oracle.dropLast(3)))
    default: return Response(text: oracle)
    }
  }
}

/// A summary made while samples are saved must equal the one recomputed from the store (in sample-id order), bit
/// for bit: tallies sum exactly, so the order samples complete in does not matter.
@Suite struct SummaryOrderTests {
  func expectStoredSummariesMatchTheStore(_ store: RunStore, run: Int64, suites: [Suite]) throws {
    for suite in suites {
      let recomputed = try Rescorer.summarize(run: run, suite: suite.name, benchmark: suite.benchmark, store: store)
      let stored = try store.metrics(run: run, suite: suite.name)
      #expect(stored.count == recomputed.values.count, "\(suite.name)")
      for (saved, again) in zip(stored, recomputed.values) {
        #expect(saved.metric == again.metric && saved.dimension == again.dimension && saved.key == again.key)
        #expect(saved.value.bitPattern == again.value.bitPattern, "\(suite.name) \(saved.metric) \(saved.key)")
        #expect(saved.count == again.count)
      }
      let record = try #require(try store.suites(run: run).first { $0.suite == suite.name })
      #expect(record.headline?.bitPattern == recomputed.headline.bitPattern, "\(suite.name)")
      #expect(record.unparsedCount == recomputed.unparsedCount && record.errorCount == recomputed.errorCount)
    }
  }

  @Test func summariesMadeWhileSavingEqualSummariesFromTheStore() async throws {
    let store = try RunStore()
    let suites = try openSuites(["all"])
    let outcome = try await Evaluator(store: store, adapter: ScramblingAdapter())
      .start(
        suites: suites, modelSpec: "scrambling", settings: EvaluationSettings(repeats: 3, concurrency: 16))
    #expect(try store.hasErrors(run: outcome.run.id))
    try expectStoredSummariesMatchTheStore(store, run: outcome.run.id, suites: suites)
    // The rescored run is summarized while saving too.
    let rescored = try await Rescorer(store: store).rescore(run: outcome.run.id, suites: suites)
    try expectStoredSummariesMatchTheStore(store, run: rescored.id, suites: suites)
    for suite in suites {
      let first = try store.metrics(run: outcome.run.id, suite: suite.name)
      let second = try store.metrics(run: rescored.id, suite: suite.name)
      #expect(first.map(\.value.bitPattern) == second.map(\.value.bitPattern), "\(suite.name)")
    }
  }

  @Test func aResumedSuiteIsSummarizedFromTheStore() async throws {
    let store = try RunStore()
    let suites = try openSuites(["docvqa", "mmbench"])
    let failing = Set(["1", "3", "5"])
    let first = try await Evaluator(store: store, adapter: FlakyAdapter(failing: failing))
      .start(suites: suites, modelSpec: "flaky", settings: EvaluationSettings())
    let resumed = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .resume(run: first.run, suites: suites)
    #expect(resumed.run.status == .completed)
    try expectStoredSummariesMatchTheStore(store, run: first.run.id, suites: suites)
  }
}
