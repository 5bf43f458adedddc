// Expected per-item values: benchmarks/EXPECTED_BASELINE.md, computed with the real references — refscore `mcq`
// and `anls` (VLMEvalKit ms-vlmeval 0.0.20 `eval_vanilla` / `process_line` + `hit_calculate`) for mmstar and
// docvqa, and the §3.16 IoU formula (OneThinker eval_bench.py, commit 4448451e…, corrected) for refcoco.
import Testing

@testable import OcularCore

func scoreAll(_ name: String, response: (any Benchmark, Sample) -> String, options: ScoringOptions = ScoringOptions())
  throws -> (suite: Suite, scores: [String: SampleScore], summary: SuiteSummary)
{
  let (suite, samples) = try bundledSamples(name)
  let benchmark = suite.benchmark
  var scores: [String: SampleScore] = [:]
  var aggregator = benchmark.makeAggregator()
  for sample in samples {
    let extraction = benchmark.extractor(options: options).extract(response(benchmark, sample))
    let score = benchmark.score(extraction, for: sample, options: options)
    scores[sample.id] = score
    aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
  }
  return (suite, scores, aggregator.summary())
}

@Suite("Oracle and baseline responses on the bundled suites")
struct ReferencePolicyTests {
  @Test(arguments: ["mmstar", "docvqa", "refcoco"])
  func oracleScoresOneEverywhere(_ name: String) throws {
    let result = try scoreAll(name) { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == (name == "refcoco" ? 13 : 12))
    for (id, score) in result.scores {
      #expect(score.value == 1, "\(name) \(id)")
      #expect(score.status == .ok, "\(name) \(id)")
    }
    #expect(result.summary.headline == 100)
    #expect(result.summary.unparsedCount == 0)
  }

  @Test(arguments: ["mmstar", "docvqa", "refcoco"])
  func oracleAlsoScoresOneWithBoxedKept(_ name: String) throws {
    let result = try scoreAll(name, response: { $0.oracleResponse(for: $1) }, options: ScoringOptions(boxed: .keep))
    #expect(result.summary.headline == 100)
  }

  @Test func baselineResponsesAreVerbatim() throws {
    let (mmstar, mmstarSamples) = try bundledSamples("mmstar")
    #expect(
      mmstar.benchmark.baselineResponse(for: mmstarSamples[3])
        == "<think>\nThe first option is chosen by the baseline.\n</think>\n\n<answer>\nA\n</answer>")
    let (docvqa, docvqaSamples) = try bundledSamples("docvqa")
    #expect(docvqa.benchmark.baselineResponse(for: docvqaSamples[0]) == "<answer>unknown</answer>")
    let (refcoco, refcocoSamples) = try bundledSamples("refcoco")
    #expect(
      refcoco.benchmark.baselineResponse(for: refcocoSamples[0]) == "<answer>{\"boxes\": [250, 250, 750, 750]}</answer>"
    )
  }

  @Test func mmstarBaseline() throws {
    let result = try scoreAll("mmstar") { $0.baselineResponse(for: $1) }
    // EXPECTED_BASELINE.md, "mmstar (index → gold, baseline score)".
    let expected: [String: Double] = [
      "0": 1, "1": 0, "2": 0, "3": 0, "4": 1, "5": 0, "6": 0, "7": 0, "8": 0, "9": 1, "10": 0, "11": 0,
    ]
    #expect(result.scores.mapValues(\.value) == expected)
    #expect(result.scores.values.allSatisfy { $0.parsed == "A" && $0.status == .ok })
    #expect(result.summary.headline == 25)
    // By category: coarse perception 1/2, fine-grained 1/3, instance reasoning 0/2, logical reasoning 0/2,
    // math 1/2, science & technology 0/1.
    let byCategory: [String: (Double, Int)] = [
      "coarse perception": (50, 2), "fine-grained perception": (100.0 / 3, 3), "instance reasoning": (0, 2),
      "logical reasoning": (0, 2), "math": (50, 2), "science & technology": (0, 1),
    ]
    let categories = result.summary.values.filter { $0.dimension == "category" }
    #expect(categories.count == byCategory.count)
    for value in categories {
      let want = try #require(byCategory[value.key], "\(value.key)")
      #expect(abs(value.value - want.0) < 1e-9 && value.count == want.1, "\(value.key)")
    }
  }

  @Test func docvqaBaseline() throws {
    let result = try scoreAll("docvqa") { $0.baselineResponse(for: $1) }
    var expected: [String: Double] = [:]
    for index in 1...10 { expected["\(index)"] = 0 }
    expected["11"] = 1.0
    expected["12"] = 0.5  // d = 7, L = 14: exactly 0.5 is kept
    #expect(result.scores.mapValues(\.value) == expected)
    #expect(result.summary.headline == 12.5)
  }

  @Test func docvqaUnthresholdedValuesOfTheBaseline() throws {
    // EXPECTED_BASELINE.md: rows below the threshold and their unthresholded ANLS (6 decimals).
    let (_, samples) = try bundledSamples("docvqa")
    let expected: [String: Double] = ["2": 0.105263, "6": 0.090909, "7": 0.200000, "8": 0.111111]
    for (id, value) in expected {
      let sample = try #require(samples.first { $0.id == id })
      let best = ANLSBenchmark.golds(of: sample).map { ANLS.normalizedDistance(gold: $0, prediction: "unknown") }.min()!
      #expect(abs((1 - best) - value) < 5e-7, "\(id)")
    }
  }

  @Test func refcocoBaseline() throws {
    let result = try scoreAll("refcoco") { $0.baselineResponse(for: $1) }
    // EXPECTED_BASELINE.md, refcoco table (full-precision IoUs where given; the others are exact quotients).
    let iou: [String: Double] = [
      "val/1": 0.15384615384615385, "val/2": 0.64, "val/3": 0.0016, "val/4": 0.13043478260869565,
      "val/5": 0.5952380952380952, "testA/1": 0.2770390070921986, "testA/2": 0.6923076923076923, "testA/3": 1.0,
      "testA/4": 0.09090909090909091, "testB/1": 0.390625, "testB/2": 0.8181818181818182,
      "testB/3": 0.020689655172413793, "testB/4": 0.5,
    ]
    #expect(result.scores.count == 13)
    for (id, want) in iou {
      let score = try #require(result.scores[id], "\(id)")
      #expect(score.measures["iou"] == want, "\(id)")
      #expect(score.value == (want >= 0.5 ? 1 : 0), "\(id)")
      #expect(score.parsed == "[250, 250, 750, 750]", "\(id)")
    }
    #expect(result.scores["testB/4"]?.value == 1)  // IoU exactly 0.5 is a hit
    let summary = result.summary
    // Family number: mean of 40.00, 50.00, 50.00.
    #expect(abs(summary.headline - (40.0 + 50 + 50) / 3) < 1e-9)
    func value(_ dimension: String, _ key: String, _ metric: String) -> Double? {
      summary.values.first { $0.dimension == dimension && $0.key == key && $0.metric == metric }?.value
    }
    #expect(value("split", "val", "acc@0.5").map { abs($0 - 40) < 1e-9 } == true)
    #expect(value("split", "testA", "acc@0.5").map { abs($0 - 50) < 1e-9 } == true)
    #expect(value("split", "testB", "acc@0.5").map { abs($0 - 50) < 1e-9 } == true)
    // Pooled 6/13 = 46.15 is reported but is not the headline.
    #expect(value("overall", "all", "acc@0.5").map { abs($0 - 600.0 / 13) < 1e-9 } == true)
    // Mean IoU per split (6 decimals in EXPECTED_BASELINE.md), reported in percent.
    for (split, mean) in [("val", 0.304224), ("testA", 0.515064), ("testB", 0.432374)] {
      #expect(value("split", split, "iou").map { abs($0 / 100 - mean) < 5e-7 } == true, "\(split)")
    }
    #expect(value("overall", "all", "iou").map { abs($0 / 100 - 0.408529) < 5e-7 } == true)
  }

  /// EXPECTED_BASELINE.md, "Edge cases, checked with refscore mcq", on the real rows of the mmstar suite.
  @Test(
    arguments: [
      ("5", "A triangle", "A", 0.0), ("5", "triangle", nil, 0), ("3", "red", "D", 1), ("3", "dark red", nil, 0),
      ("6", "The right one.", "B", 1), ("9", "3:00", "A", 1), ("11", "30 °C", "B", 1), ("11", "30", nil, 0),
    ] as [(String, String, String?, Double)])
  func mmstarEdgeCases(_ id: String, _ prediction: String, _ letter: String?, _ expected: Double) throws {
    let (suite, samples) = try bundledSamples("mmstar")
    let sample = try #require(samples.first { $0.id == id })
    let extraction = Extraction(
      raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: false, isAnswerInThink: false)
    let score = suite.benchmark.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == expected)
    #expect(score.parsed == letter)
    #expect(score.status == (letter == nil ? .unparsed : .ok))
  }

  /// The raw baseline response (think block and tags included) gives the same letter, per EXPECTED_BASELINE.md.
  @Test func rawMMStarBaselineAlsoInfersA() throws {
    let (suite, samples) = try bundledSamples("mmstar")
    for sample in samples {
      let raw = suite.benchmark.baselineResponse(for: sample)
      #expect(OptionInference.infer(raw, choices: VanillaMultipleChoice.choices(of: sample)) == "A", "\(sample.id)")
    }
  }

  /// The raw `<answer>unknown</answer>` scores 0 everywhere: extraction must happen before scoring.
  @Test func rawDocVQABaselineScoresZero() throws {
    let (_, samples) = try bundledSamples("docvqa")
    for sample in samples {
      #expect(
        ANLS.score(prediction: "<answer>unknown</answer>", golds: ANLSBenchmark.golds(of: sample)) == 0, "\(sample.id)")
    }
  }
}
