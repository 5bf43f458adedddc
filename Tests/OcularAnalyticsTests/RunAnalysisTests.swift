import Foundation
import OcularCore
import OcularModels
import OcularRunner
import OcularStore
import Testing

@testable import OcularAnalytics

/// The repository's `benchmarks/` folder.
let bundledSuites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("benchmarks").path

/// A temporary suite root holding the first four AI2D items (golds A, B, C, D), removed at the end.
final class FourItemSuite {
  let root: String

  init() throws {
    root = NSTemporaryDirectory() + "ocular-analytics-" + UUID().uuidString
    let folder = root + "/ai2d"
    let manager = FileManager.default
    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try manager.copyItem(atPath: bundledSuites + "/ai2d/suite.json", toPath: folder + "/suite.json")
    try manager.copyItem(atPath: bundledSuites + "/ai2d/images", toPath: folder + "/images")
    let lines = try String(contentsOfFile: bundledSuites + "/ai2d/samples.jsonl", encoding: .utf8)
      .split(separator: "\n").prefix(4)
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: folder + "/samples.jsonl", atomically: false, encoding: .utf8)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: root)
  }

  func suites() throws -> [Suite] {
    try SuiteCatalog(root: root).open(selection: ["ai2d"])
  }
}

/// The synthetic repeated run: four items × four repeats with known answers (`nil` = no prediction, an error).
///
/// | item | gold | repeats | successes | maj@1 | maj@2 | maj@4 |
/// |---|---|---|---|---|---|---|
/// | 0 | A | A A A A, `<thinking>` tags | 4 | ✓ | A ✓ | A ✓ |
/// | 1 | B | C B B D | 2 | ✗ | C (tie, first) ✗ | B ✓ |
/// | 2 | C | A C C A | 2 | ✗ | A (tie, first) ✗ | A (tie, first) ✗ |
/// | 3 | D | A – B A (repeat 1 an error, repeat 2 untagged) | 0 | ✗ | A ✗ | A ✗ |
let syntheticAnswers: [[String?]] = [
  ["A", "A", "A", "A"], ["C", "B", "B", "D"], ["A", "C", "C", "A"], ["A", nil, "B", "A"],
]

func syntheticResponse(item: Int, repeatIndex: Int, answer: String) -> String {
  if item == 0 { return "<thinking>Item zero.</thinking>\n<answer>\(answer)</answer>" }
  if item == 3, repeatIndex == 2 { return answer }
  return "<think>Reasoning \(repeatIndex).</think>\n\n<answer>\(answer)</answer>"
}

/// Writes the replay file of the synthetic run and returns its path.
func writeSyntheticReplay(in folder: String) throws -> String {
  var lines: [String] = []
  for (item, answers) in syntheticAnswers.enumerated() {
    for (repeatIndex, answer) in answers.enumerated() {
      guard let answer else { continue }
      let line = JSONValue.object([
        "suite": .string("ai2d"), "id": .string("\(item)"), "repeat": .number(Double(repeatIndex)),
        "response": .string(syntheticResponse(item: item, repeatIndex: repeatIndex, answer: answer)),
      ])
      lines.append(line.jsonText())
    }
  }
  let path = folder + "/replay.jsonl"
  try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
  return path
}

/// An adapter answering the oracle's response with fixed usage and token log-probabilities.
struct TokenReportingAdapter: ModelAdapter {
  let logprobs: [Double]
  var description: AdapterDescription { AdapterDescription(model: "tokens", kind: "test", maxConcurrency: 2) }

  func generate(_ request: Request) async throws -> Response { throw ModelError.noPrediction }

  func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    Response(
      text: ReferencePolicy.oracle.response(to: sample, of: benchmark),
      usage: TokenUsage(promptTokens: 5, completionTokens: 7), tokenLogprobs: logprobs)
  }
}

@Suite struct RunAnalysisTests {
  /// Evaluates the synthetic replay into a fresh in-memory store (the suite folder is removed afterwards).
  func syntheticRun() async throws -> (RunStore, Int64) {
    let suite = try FourItemSuite()
    let store = try RunStore()
    let replay = try ReplayAdapter(path: try writeSyntheticReplay(in: suite.root))
    let outcome = try await Evaluator(store: store, adapter: replay)
      .start(suites: try suite.suites(), modelSpec: "replay:replay.jsonl", settings: EvaluationSettings(repeats: 4))
    return (store, outcome.run.id)
  }

  @Test func successStatisticsOfTheSyntheticRunAreTheHandComputedOnes() async throws {
    let (store, run) = try await syntheticRun()
    let analysis = try RunAnalysis.analyze(store: store, run: run)
    #expect(analysis.repeats == 4 && analysis.ks == [1, 2, 4])
    let slice = try #require(analysis.benchmarks.first)
    #expect(analysis.benchmarks.count == 1 && slice.name == "ai2d" && slice.group == "Charts")
    #expect(slice.items == 4 && slice.samples == 16 && slice.completeItems == 4)
    // pass@1 = (4 + 2 + 2 + 0)/16; pass@2 = (1 + 5/6 + 5/6 + 0)/4 with 1 − C(2,2)/C(4,2) = 5/6; pass@4 = 3/4.
    let pass = Dictionary(uniqueKeysWithValues: slice.passAtK.map { ($0.k, $0.value) })
    #expect(abs(pass[1]! - 0.5) < 1e-12)
    #expect(abs(pass[2]! - 2.0 / 3) < 1e-12)
    #expect(abs(pass[4]! - 0.75) < 1e-12)
    let majority = Dictionary(uniqueKeysWithValues: slice.majorityAtK.map { ($0.k, $0.value) })
    // maj@1 is the first repeat's success: only item 0.
    #expect(majority == [1: 0.25, 2: 0.25, 4: 0.5])
    #expect(slice.successHistogram == [1, 0, 2, 0, 1])
    #expect(slice.allCorrectShare == 0.25 && slice.allWrongShare == 0.25)
    // The group slice pools the one suite.
    #expect(analysis.groups.map(\.passAtK) == [slice.passAtK])
  }

  @Test func lengthFormatAndRewardOfTheSyntheticRun() async throws {
    let (store, run) = try await syntheticRun()
    let slice = try #require(try RunAnalysis.analyze(store: store, run: run).benchmarks.first)
    // 15 answered samples (one error): characters, since replays report no usage.
    var lengths: [Int] = []
    for (item, answers) in syntheticAnswers.enumerated() {
      for (repeatIndex, answer) in answers.enumerated() {
        if let answer { lengths.append(syntheticResponse(item: item, repeatIndex: repeatIndex, answer: answer).count) }
      }
    }
    #expect(lengths.count == 15)
    #expect(slice.lengthUnit == "characters")
    #expect(abs(slice.meanLength! - Double(lengths.reduce(0, +)) / 15) < 1e-12)
    // `<think>`: items 1 and 2 (8) and item 3's tagged repeats (2); `<thinking>`: item 0 (4).
    #expect(abs(slice.formatRateThink! - 10.0 / 15) < 1e-12)
    #expect(abs(slice.formatRateThinking! - 4.0 / 15) < 1e-12)
    // Rewards (multiple choice): item 0 earns 1.5 four times, each other right answer 0.9 (no training format),
    // wrong ones 0; the error carries none. (6 + 0.9·4)/15.
    #expect(slice.rewardSamples == 15)
    #expect(abs(slice.meanRewardOverall! - (6 + 0.9 * 4) / 15) < 1e-12)
    #expect(slice.meanTokenEntropy == nil && slice.entropyBand == nil && slice.entropyTokens == 0)
  }

  @Test func advantagesOfTheSyntheticRun() async throws {
    let (store, run) = try await syntheticRun()
    let analysis = try RunAnalysis.analyze(store: store, run: run)
    let task = try #require(analysis.advantages.first)
    #expect(analysis.advantages.count == 1 && task.task == "charts" && task.items == 4 && task.samples == 16)
    let methods = Dictionary(uniqueKeysWithValues: task.methods.map { ($0.method, $0) })
    #expect(task.methods.map(\.method) == RunAnalysis.methods)
    // Scores per item: [1,1,1,1], [0,1,1,0], [0,1,1,0], [0,0,0,0]; GRPO gives ±0.5/(0.5 + 1e-6) on the two mixed
    // groups and 0 elsewhere.
    let grpo = try #require(methods["grpo"])
    #expect(abs(grpo.moments.maximumMagnitude - 0.5 / (0.5 + 1e-6)) < 1e-12)
    #expect(abs(grpo.moments.totalMagnitude - 8 * 0.5 / (0.5 + 1e-6)) < 1e-9)
    #expect(grpo.share == 1)
    let drGRPO = try #require(methods["dr_grpo"])
    #expect(drGRPO.moments.maximumMagnitude == 0.5)
    // Stage one gives the mixed groups ±Φ⁻¹(0.75)-ish values and zeros elsewhere; stage two ranks all 16 values.
    let stageOne = Advantages.compute1DOT([0, 1, 1, 0])
    let expected = Advantages.compute1DOT([0, 0, 0, 0] + stageOne + stageOne + [0, 0, 0, 0])
    let g2rpo = try #require(methods["g2rpo"])
    #expect(abs(g2rpo.moments.maximumMagnitude - expected.map(abs).max()!) < 1e-12)
    #expect(g2rpo.histogram.reduce(0, +) == 16)
  }

  @Test func advantagesOnTheTrainingRewardUseOverall() async throws {
    let (store, run) = try await syntheticRun()
    let analysis = try RunAnalysis.analyze(store: store, run: run, settings: AnalysisSettings(reward: .overall))
    let drGRPO = try #require(analysis.advantages.first?.methods.first { $0.method == "dr_grpo" })
    // Item 0 earns 1.5 on every repeat (0 advantage); items 1 and 2 are [0, 0.9, 0.9, 0] (±0.45); item 3 is all 0.
    #expect(abs(drGRPO.moments.maximumMagnitude - 0.45) < 1e-12)
    #expect(abs(drGRPO.moments.totalMagnitude - 8 * 0.45) < 1e-12)
  }

  @Test func aSingleRepeatRunStillReportsPassAtOneLengthAndEntropy() async throws {
    let suite = try FourItemSuite()
    let store = try RunStore()
    let outcome = try await Evaluator(store: store, adapter: TokenReportingAdapter(logprobs: [-0.05, -0.15, -0.1]))
      .start(suites: try suite.suites(), modelSpec: "tokens", settings: EvaluationSettings())
    let analysis = try RunAnalysis.analyze(store: store, run: outcome.run.id)
    let slice = try #require(analysis.benchmarks.first)
    #expect(slice.passAtK == [ValueAtK(k: 1, value: 1)])
    #expect(slice.majorityAtK.isEmpty && slice.successHistogram.isEmpty && slice.allCorrectShare == nil)
    #expect(analysis.advantages.isEmpty)
    #expect(analysis.notes.contains { $0.contains("--repeats N") })
    #expect(slice.lengthUnit == "tokens" && slice.meanLength == 7)
    #expect(slice.entropyTokens == 12)
    #expect(abs(slice.meanTokenEntropy! - 0.1) < 1e-12)
    #expect(slice.entropyBand == .below)
  }

  @Test func entropyIsATokenWeightedMeanAndFlaggedAgainstTheBand() async throws {
    let suite = try FourItemSuite()
    let store = try RunStore()
    let outcome = try await Evaluator(store: store, adapter: TokenReportingAdapter(logprobs: [-0.2, -1.4]))
      .start(suites: try suite.suites(), modelSpec: "tokens", settings: EvaluationSettings(repeats: 2))
    let slice = try #require(try RunAnalysis.analyze(store: store, run: outcome.run.id).benchmarks.first)
    #expect(abs(slice.meanTokenEntropy! - 0.8) < 1e-12)
    #expect(slice.entropyBand == .above)
    #expect(slice.allCorrectShare == 1 && slice.successHistogram == [0, 0, 4])
  }

  @Test func anUnknownSuiteIsAClearError() async throws {
    let (store, run) = try await syntheticRun()
    #expect(throws: AnalysisError.unknownSuite(suite: "docvqa", run: run, known: ["ai2d"])) {
      try RunAnalysis.analyze(store: store, run: run, settings: AnalysisSettings(suite: "docvqa"))
    }
  }

  @Test func renderingsCarryTheNumbersAndEscapeModelText() async throws {
    let (store, run) = try await syntheticRun()
    var analysis = try RunAnalysis.analyze(store: store, run: run)
    let text = analysis.text()
    #expect(text.contains("pass@2") && text.contains("66.7%") && text.contains("1 0 2 0 1"))
    #expect(text.contains("G²RPO") && text.contains("no logprobs"))
    let json = try analysis.json()
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["repeats"] as? Int == 4)
    let benchmarks = try #require(object["benchmarks"] as? [[String: Any]])
    #expect(benchmarks.first?["success_histogram"] as? [Int] == [1, 0, 2, 0, 1])
    #expect(try analysis.json() == json)
    analysis.model = "<script>alert(1)</script>"
    let html = analysis.html()
    #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
    #expect(html.contains("<svg") && html.contains("Advantage distributions"))
  }
}
