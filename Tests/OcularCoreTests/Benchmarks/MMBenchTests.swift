// MMBench, benchmarks.md §3.2 and §2.6 (CircularEval). Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`,
// run by scripts/golden/mcq_driver.py: `mcq_circular_eval(None, …, 'MMBench_DEV_EN')` (prefetch_circular_group,
// exact_matching), `prefetch_answer` per row and `report_acc` on the main rows (Golden/mmbench.cases.jsonl,
// mmbench.golden.jsonl, mmbench.metrics.json; 37 rows in two runs: `suite` = the bundled suite's 17 rows with
// scripted predictions, `traps` = 20 more). Prompts: `ImageMCQDataset.build_prompt` (Golden/mcq_prompts.*).
import Foundation
import Testing

@testable import OcularCore

struct MMBenchCase: Decodable, Sendable, Identified {
  var id: String
  var run: String
  var index: Int
  var pred: String
  var answer: String
  var options: [String: String]
  var hint: String?
  var category: String
  var l2Category: String
  var split: String

  private enum CodingKeys: String, CodingKey {
    case id, run, index, pred, answer, options, hint, category, split
    case l2Category = "l2-category"
  }

  var sample: Sample {
    var record: [String: JSONValue] = [
      "index": .number(Double(index)), "question": .string("Which option is correct?"), "answer": .string(answer),
      "category": .string(category), "l2-category": .string(l2Category), "split": .string(split),
    ]
    if let hint { record["hint"] = .string(hint) }
    for (letter, text) in options { record[letter] = .string(text) }
    return Sample(id: String(index), split: split, record: record)
  }
}

struct MMBenchGolden: Decodable, Sendable, Identified {
  var id: String
  var index: Int
  var extracted: String?
  var isMain: Bool
  var groupHit: Int?

  private enum CodingKeys: String, CodingKey {
    case id, index, extracted
    case isMain = "is_main"
    case groupHit = "group_hit"
  }
}

struct MMBenchPair: Sendable, CustomTestStringConvertible {
  var input: MMBenchCase
  var golden: MMBenchGolden
  var testDescription: String { input.id }

  static func all() throws -> [MMBenchPair] {
    try pairedGolden(
      cases: "mmbench.cases.jsonl", golden: "mmbench.golden.jsonl", MMBenchCase.self, MMBenchGolden.self
    )
    .map { MMBenchPair(input: $0.0, golden: $0.1) }
  }
}

/// Scores rows and aggregates them the way the evaluator does.
func circularRun(_ rows: [(Sample, String)]) -> (scores: [String: SampleScore], aggregator: CircularAggregator) {
  let benchmark = BenchmarkRegistry.mmbench
  var aggregator = CircularAggregator(metric: benchmark.headlineMetric)
  var scores: [String: SampleScore] = [:]
  for (sample, prediction) in rows {
    let score = benchmark.score(predictionExtraction(prediction), for: sample, options: ScoringOptions())
    scores[sample.id] = score
    aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
  }
  return (scores, aggregator)
}

@Suite("MMBench: golden cases of ms-vlmeval 0.0.20 mcq_circular_eval")
struct MMBenchGoldenTests {
  struct Metrics: Decodable { var report_acc: [String: [String: ReportAccRow]] }

  @Test func goldenFilesHaveAllCases() throws {
    let pairs = try MMBenchPair.all()
    #expect(pairs.count == 37)
    #expect(pairs.filter { $0.input.run == "suite" }.count == 17)
  }

  /// Each row alone: `prefetch_answer` (= `can_infer`) and the row's own hit.
  @Test(arguments: try MMBenchPair.all())
  func rowMatchesPrefetch(_ pair: MMBenchPair) {
    let score = BenchmarkRegistry.mmbench.score(
      predictionExtraction(pair.input.pred), for: pair.input.sample, options: ScoringOptions())
    #expect(score.parsed == pair.golden.extracted, "\(pair.input.id)")
    #expect((score.status == .unparsed) == (pair.golden.extracted == nil))
    #expect(score.value == (pair.golden.extracted == pair.input.answer ? 1 : 0))
    #expect(MMBench.circularGroup(ofSampleID: pair.input.sample.id)?.isMain == pair.golden.isMain)
  }

  /// Every group verdict and the `report_acc` table of each run.
  @Test(arguments: ["suite", "traps"])
  func groupsAndReportMatchReference(_ run: String) throws {
    let pairs = try MMBenchPair.all().filter { $0.input.run == run }
    let result = circularRun(pairs.map { ($0.input.sample, $0.input.pred) })
    let verdicts = Dictionary(uniqueKeysWithValues: result.aggregator.verdicts().map { ($0.sampleID, $0.score.value) })
    let mains = pairs.filter(\.golden.isMain)
    #expect(verdicts.count == mains.count)
    for pair in mains {
      #expect(verdicts[String(pair.input.index)] == pair.golden.groupHit.map(Double.init), "\(pair.input.id)")
    }
    for pair in pairs where pair.golden.groupHit == nil {  // a group without its main row is left out
      #expect(verdicts[String(pair.input.index % 1_000_000)] == nil)
    }
    let report = try #require(try goldenJSON(Metrics.self, "mmbench.metrics.json").report_acc[run]?["dev"])
    let summary = result.aggregator.summary()
    #expect(abs(summary.headline - report.Overall * 100) < 1e-9)
    #expect(summary.count == mains.count)
    for (dimension, cells) in [("category", report.category ?? [:]), ("l2-category", report.l2Category ?? [:])] {
      let ours = summary.values.filter { $0.dimension == dimension && $0.metric == summary.headlineMetric }
      #expect(ours.count == cells.count, "\(dimension)")
      for (name, reference) in cells {
        let value = try #require(reference)
        #expect(abs((summaryValue(summary, dimension, name)?.value ?? -1) - value * 100) < 1e-9, "\(name)")
      }
    }
  }

  @Test(arguments: try MCQPromptPair.all(bench: "mmbench"))
  func promptMatchesReference(_ pair: MCQPromptPair) throws {
    try pair.check(BenchmarkRegistry.mmbench)
  }
}

@Suite("MMBench benchmark")
struct MMBenchTests {
  /// The bundled suite with the `suite` run's scripted predictions: group 0 all correct (one row through the text
  /// rule), group 1 one rotation unparsed, group 2 one rotation wrong, group 3 one unparsed and one wrong,
  /// group 4 all correct: 2 of 5 groups.
  @Test func sampleSuiteWithUnparsedAndWrongRotations() throws {
    let (_, samples) = try bundledSamples("mmbench")
    #expect(samples.count == 17)
    let cases = Dictionary(
      uniqueKeysWithValues: try MMBenchPair.all().filter { $0.input.run == "suite" }.map { ($0.input.index, $0.input) })
    var rows: [(Sample, String)] = []
    for sample in samples {
      let input = try #require(cases[Int(sample.id)!])
      #expect(sample.text("answer") == input.answer)
      rows.append((sample, input.pred))
    }
    let result = circularRun(rows)
    #expect(result.scores["1000001"]?.status == .unparsed)
    #expect(result.scores["1000002"]?.value == 0 && result.scores["1000002"]?.status == .ok)
    let verdicts = Dictionary(uniqueKeysWithValues: result.aggregator.verdicts().map { ($0.sampleID, $0.score) })
    #expect(verdicts.mapValues(\.value) == ["0": 1, "1": 0, "2": 0, "3": 0, "4": 1])
    #expect(verdicts["1"]?.status == .unparsed)
    #expect(verdicts["2"]?.status == .ok)
    #expect(verdicts["3"]?.status == .ok)  // a wrong letter decides even with an unparsed rotation
    let summary = result.aggregator.summary()
    #expect(summary.headline == 40)
    #expect(summary.count == 5 && summary.unparsedCount == 1 && summary.errorCount == 0)
  }

  /// Hand-computed: groups 5 (hit), 6 (unparsed), 7 (wrong after unparsed), 8 (error), dev/10 (hit); group 9
  /// has no main row and is left out.
  @Test func aggregatorOnASyntheticSet() {
    var aggregator = BenchmarkRegistry.mmbench.makeAggregator()
    func add(_ id: String, _ value: Double, _ status: SampleStatus = .ok, _ category: String) {
      aggregator.add(
        ScoredSample(
          sampleID: id, score: SampleScore(value: value, status: status),
          breakdown: [BreakdownKey("category", category)]))
    }
    add("5", 1, .ok, "X")
    add("1000005", 1, .ok, "X")
    add("6", 1, .ok, "X")
    add("1000006", 0, .unparsed, "X")
    add("7", 0, .unparsed, "Y")
    add("1000007", 0, .ok, "Y")
    add("8", 0, .error, "Y")
    add("1000008", 1, .ok, "Y")
    add("1000009", 1, .ok, "Z")
    add("dev/1000010", 1, .ok, "X")
    add("dev/10", 1, .ok, "X")
    let summary = aggregator.summary()
    #expect(summary.headline == 40)
    #expect(summary.count == 5 && summary.unparsedCount == 1 && summary.errorCount == 1)
    #expect(abs((summaryValue(summary, "category", "X")?.value ?? 0) - 200.0 / 3) < 1e-9)
    #expect(summaryValue(summary, "category", "X")?.count == 3)
    #expect(summaryValue(summary, "category", "Y")?.value == 0)
    #expect(summaryValue(summary, "category", "Z") == nil)
    let vanilla = summary.values.first { $0.metric == "accuracy (vanilla, all rows)" }
    #expect(vanilla?.count == 11)
    #expect(abs((vanilla?.value ?? 0) - 700.0 / 11) < 1e-9)
    #expect(summary.values.first { $0.metric == "rows without a main row" }?.count == 1)
  }

  @Test func groupsComeFromSampleIDs() {
    #expect(MMBench.circularGroup(ofSampleID: "17")! == ("17", true))
    #expect(MMBench.circularGroup(ofSampleID: "3000017")! == ("17", false))
    #expect(MMBench.circularGroup(ofSampleID: "dev/1000017")! == ("dev/17", false))
    #expect(MMBench.circularGroup(ofSampleID: "x17") == nil)
    #expect(MMBench.circularGroup(ofSampleID: "017") == nil)
  }

  @Test func recordsMustCarryTheirIndexAsID() {
    let benchmark = BenchmarkRegistry.mmbench
    let record: [String: JSONValue] = [
      "index": .number(1_000_002), "question": .string("q"), "A": .string("x"), "B": .string("y"),
      "answer": .string("B"),
    ]
    #expect(benchmark.validate(Sample(id: "1000002", record: record)) == nil)
    #expect(benchmark.validate(Sample(id: "dev/1000002", record: record)) == nil)
    #expect(benchmark.validate(Sample(id: "3", record: record)) != nil)
    var bad = record
    bad["index"] = .string("2.5")
    #expect(benchmark.validate(Sample(id: "2.5", record: bad)) != nil)
  }

  @Test func oracleScoresOneOnTheSampleSuite() throws {
    let result = try scoreAll("mmbench") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 17)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
    #expect(result.summary.count == 5)
  }

  /// The baseline answers `A`: each group has exactly one rotation whose gold is A, so every group fails; the
  /// vanilla accuracy over all rows is 5 of 17.
  @Test func baselineOnTheSampleSuite() throws {
    let result = try scoreAll("mmbench") { $0.baselineResponse(for: $1) }
    #expect(result.scores.values.filter { $0.value == 1 }.count == 5)
    #expect(result.summary.headline == 0)
    let vanilla = result.summary.values.first { $0.metric == "accuracy (vanilla, all rows)" }
    #expect(abs((vanilla?.value ?? 0) - 500.0 / 17) < 1e-9)
  }
}
