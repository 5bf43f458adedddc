import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

/// The training reward is stored beside each sample's benchmark measures, and never reaches a summary.
@Suite struct TrainingRewardHookTests {
  @Test func evaluationAndRescoringStoreTheRewardOutsideTheSummaries() async throws {
    let store = try RunStore()
    let suites = try openSuites(["ai2d", "refcoco", "robospatial"])
    let outcome = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings())
    let rescored = try await Rescorer(store: store).rescore(run: outcome.run.id, suites: suites)
    for run in [outcome.run.id, rescored.id] {
      // The oracle answers with `<think>` tags: full accuracy and structure 0 without the training format.
      for suite in ["ai2d", "refcoco"] {
        var count = 0
        try store.forEachSample(run: run, suite: suite) { record in
          count += 1
          let measures = record.measures
          #expect(measures["reward.accuracy"] == 1 && measures["reward.format"] == 0)
          #expect(measures["reward.format_think"] == 1 && measures["reward.structure"] == 0)
          #expect(abs((measures["reward.overall"] ?? 0) - 0.9) < 1e-12)
        }
        #expect(count > 0)
      }
      // RoboSpatial has no clean problem type: no reward keys.
      try store.forEachSample(run: run, suite: "robospatial") { record in
        #expect(!record.measures.keys.contains { $0.hasPrefix("reward.") })
      }
      for suite in try store.suites(run: run) {
        #expect(suite.headline == 100)
        #expect(try store.metrics(run: run, suite: suite.suite).allSatisfy { !$0.metric.hasPrefix("reward.") })
      }
    }
    // Grounding keeps its own measures beside the reward.
    try store.forEachSample(run: outcome.run.id, suite: "refcoco") { record in
      #expect(record.measures["iou"] == 1)
    }
  }
}
