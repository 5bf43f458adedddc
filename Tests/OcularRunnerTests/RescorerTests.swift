import Foundation
import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

@Suite struct RescorerTests {
  /// A run whose stored scores are wrong (as from an older scorer) is re-scored from its responses.
  @Test func rescoresStoredResponsesIntoALinkedRun() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar", "docvqa", "refcoco"])
    let original = try await Evaluator(store: store, adapter: FlakyAdapter(failing: ["1"]))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings()).run
    // Spoil the stored scores of the answered samples, as a scorer with a bug would have.
    var spoiled: [SampleRecord] = []
    try store.forEachSample(run: original.id, suite: nil) { record in
      guard record.status == .ok else { return }
      var copy = record
      copy.score = 0
      spoiled.append(copy)
    }
    try store.save(spoiled)
    let rescored = try Rescorer(store: store).rescore(run: original.id, suites: suites)
    #expect(rescored.id != original.id)
    #expect(rescored.lineage.rescoredFrom == original.id)
    #expect(rescored.status == .completed)
    #expect(rescored.modelSpec == original.modelSpec)
    #expect(rescored.generationParametersJSON == original.generationParametersJSON)
    for suite in try store.suites(run: rescored.id) {
      let before = try store.statusCounts(run: original.id, suite: suite.suite)
      #expect(try store.statusCounts(run: rescored.id, suite: suite.suite) == before, "\(suite.suite)")
      // Only sample "1" failed (an error is copied as it is); every other sample is right again.
      let errors = before[.error] ?? 0
      #expect(suite.errorCount == errors)
      if errors == 0 {
        #expect(suite.headline == 100, "\(suite.suite)")
      } else {
        #expect((suite.headline ?? 100) < 100)
      }
    }
    var responses: [String?] = []
    try store.forEachSample(run: rescored.id, suite: "docvqa") { responses.append($0.response) }
    var originals: [String?] = []
    try store.forEachSample(run: original.id, suite: "docvqa") { originals.append($0.response) }
    #expect(responses == originals)
  }

  @Test func otherOptionsChangeTheProfile() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar"])
    let original = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings()).run
    let rescored = try Rescorer(store: store).rescore(
      run: original.id, suites: suites, options: ScoringOptions(boxed: .keep))
    #expect(original.scoringProfile.hasSuffix("boxed=unwrap"))
    #expect(rescored.scoringProfile.hasSuffix("boxed=keep"))
  }

  @Test func refusesChangedSuites() async throws {
    let folder = try TemporaryFolder()
    try FileManager.default.copyItem(atPath: bundledSuites + "/docvqa", toPath: folder.file("docvqa"))
    let store = try RunStore()
    let suites = try openSuites(["docvqa"], root: folder.path)
    let original = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings()).run
    let samples = folder.file("docvqa/samples.jsonl")
    var text = try String(contentsOfFile: samples, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"question\": \"", with: "\"question\": \"Now: ")
    try text.write(toFile: samples, atomically: false, encoding: .utf8)
    #expect {
      try Rescorer(store: store).rescore(run: original.id, suites: try openSuites(["docvqa"], root: folder.path))
    } throws: { error in
      if case RunnerError.suiteChanged(let suite, _)? = error as? RunnerError { return suite == "docvqa" }
      return false
    }
  }
}
