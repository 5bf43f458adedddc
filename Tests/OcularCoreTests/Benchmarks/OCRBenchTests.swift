// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20` (`vlmeval.dataset.image_vqa.OCRBench.evaluate` on a
// one-row table, `Final Score`; refscore bench `ocrbench`), see Golden/README.md. Golden files:
// Golden/ocrbench.cases.jsonl, Golden/ocrbench.golden.jsonl (37 cases, 3 of which crash the reference).
import Foundation
import Testing

@testable import OcularCore

struct OCRBenchCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  /// The raw TSV cell, normally a Python list literal.
  var answer: String
  var category: String
}

struct OCRBenchGolden: Decodable, Sendable, Identified {
  var id: String
  var score: Double?
  var error: String?
}

struct OCRBenchGoldenCase: Sendable, CustomTestStringConvertible {
  var input: OCRBenchCase
  var golden: OCRBenchGolden
  var testDescription: String { input.id }

  var sample: Sample {
    memorySample([
      "question": .string("q"), "answer": .string(input.answer), "category": .string(input.category),
    ])
  }

  static func all() throws -> [OCRBenchGoldenCase] {
    try pairedGolden(
      cases: "ocrbench.cases.jsonl", golden: "ocrbench.golden.jsonl", OCRBenchCase.self, OCRBenchGolden.self
    ).map { OCRBenchGoldenCase(input: $0.0, golden: $0.1) }
  }

  static func scored() throws -> [OCRBenchGoldenCase] { try all().filter { $0.golden.error == nil } }
  /// Cases Ocular accepts: a known category and a readable gold list.
  static func accepted() throws -> [OCRBenchGoldenCase] {
    try scored().filter { OCRBench.categories.contains($0.input.category) }
  }
}

@Suite("OCRBench: golden cases of ms-vlmeval 0.0.20 OCRBench.evaluate")
struct OCRBenchGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    #expect(try OCRBenchGoldenCase.all().count == 37)
    #expect(
      try OCRBenchGoldenCase.all().filter { $0.golden.error != nil }.map(\.input.id) == [
        "ocrbench-non-string-element-error", "ocrbench-bare-string-cell-error", "ocrbench-unknown-category-hit-error",
      ])
  }

  @Test(arguments: try OCRBenchGoldenCase.accepted())
  func scoreMatchesReference(_ item: OCRBenchGoldenCase) throws {
    let expected = try #require(item.golden.score)
    let sample = item.sample
    #expect(BenchmarkRegistry.ocrbench.validate(sample) == nil, "\(item.input.id)")
    let extraction = Extraction(
      raw: item.input.pred, thinking: nil, answer: item.input.pred, hasAnswerTag: false, isAnswerInThink: false)
    let score = BenchmarkRegistry.ocrbench.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == expected, "\(item.input.id): golds \(OCRBench.golds(of: sample) ?? [])")
    #expect(score.status == .ok)
  }

  /// Where the reference crashes (`'int' object has no attribute 'lower'`, `NameError` from `eval`, `KeyError` for
  /// an unknown category that hits), Ocular rejects the record instead of inventing a score. An unknown category
  /// that misses scores 0 in the reference without error; Ocular rejects it too, since the same record would crash
  /// as soon as the model answered it correctly.
  @Test(
    arguments: try OCRBenchGoldenCase.all().filter {
      $0.golden.error != nil || !OCRBench.categories.contains($0.input.category)
    })
  func unreadableRecordsAreRejected(_ item: OCRBenchGoldenCase) {
    let problem = BenchmarkRegistry.ocrbench.validate(item.sample)
    #expect(problem != nil, "\(item.input.id)")
  }

  /// A quoted string cell evaluates to a string, which the reference iterates character by character.
  @Test func quotedStringCellIteratesCharacters() {
    let sample = memorySample([
      "question": .string("q"), "answer": .string("'h\u{E9}'"), "category": .string("Regular Text Recognition"),
    ])
    #expect(OCRBench.golds(of: sample) == ["h", "\u{E9}"])
    let extraction = Extraction(raw: "x", thinking: nil, answer: "h", hasAnswerTag: false, isAnswerInThink: false)
    let score = BenchmarkRegistry.ocrbench.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == 1)
    #expect(score.notes.contains { $0.contains("string literal") })
  }
}

@Suite("OCRBench benchmark")
struct OCRBenchTests {
  @Test func registryAndDescription() {
    let benchmark = BenchmarkRegistry.ocrbench
    #expect(BenchmarkRegistry.benchmark(id: "ocrbench") != nil)
    #expect(benchmark.group == .documents)
    #expect(benchmark.judgeLabel == "none")
    #expect(benchmark.defaultPromptTemplate == "{question}")
    #expect(OCRBench.categories.count == 10)
    #expect(
      Set(OCRBench.categories.map(OCRBench.reportedGroup)) == [
        "Text Recognition", "Scene Text-centric VQA", "Doc-oriented VQA", "Key Information Extraction",
        "Handwritten Mathematical Expression Recognition",
      ])
  }

  @Test func paperPromptIsTheQuestionAlone() throws {
    let (suite, samples) = try bundledSamples("ocrbench")
    let sample = try #require(samples.first { $0.id == "0" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let image = try #require(sample.images.first).absolutePath
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(role: .user, content: [.image(path: image), .text("what is written in the image?")]),
      ])
  }

  @Test func hmerRule() {
    let hmer = OCRBench.hmerCategory
    #expect(OCRBench.isHit(prediction: "\\frac{a}{b}", golds: ["\\frac { a } { b }"], category: hmer))
    #expect(!OCRBench.isHit(prediction: "X^2", golds: ["x ^ 2"], category: hmer))
    #expect(OCRBench.isHit(prediction: "X^2", golds: ["x ^ 2"], category: "Regular Text Recognition") == false)
    #expect(OCRBench.isHit(prediction: "x ^ 2", golds: ["X ^ 2"], category: "Regular Text Recognition"))
    // `\r\n` is two scalars: only the `\n` becomes a space (a Character-based replace would miss it).
    #expect(OCRBench.isHit(prediction: "a\r\nb", golds: ["a\rb"], category: hmer))
  }

  /// Hand-computed: Regular hit, Irregular miss, HMER hit, Doc-oriented hit, KIE miss → 3 hits of 5.
  @Test func aggregationReportsCountsAndGroups() {
    let benchmark = BenchmarkRegistry.ocrbench
    var aggregator = benchmark.makeAggregator()
    let rows: [(String, String, String)] = [
      ("Regular Text Recognition", "cuisine", "['Cuisine']"),
      ("Irregular Text Recognition", "bakery", "['BAKERS']"),
      (OCRBench.hmerCategory, "x^{2}", "['x ^ { 2 }']"),
      ("Doc-oriented VQA", "No. INV-7", "['inv-7']"),
      ("Key Information Extraction", "12.5", "['12.50']"),
    ]
    for (index, (category, prediction, answer)) in rows.enumerated() {
      let sample = memorySample(
        ["question": .string("q"), "answer": .string(answer), "category": .string(category)], id: "\(index)")
      let extraction = Extraction(
        raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: false, isAnswerInThink: false)
      let score = benchmark.score(extraction, for: sample, options: ScoringOptions())
      aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    #expect(summary.headline == 60)
    #expect(summary.headlineMetric == "final_score_norm")
    func value(_ dimension: String, _ key: String, _ metric: String) -> MetricValue? {
      summary.values.first { $0.dimension == dimension && $0.key == key && $0.metric == metric }
    }
    #expect(value("overall", "all", "final_score")?.value == 3)
    #expect(value("overall", "all", "final_score")?.count == 5)
    #expect(value("group", "Text Recognition", "final_score")?.value == 1)
    #expect(value("group", "Text Recognition", "final_score")?.count == 2)
    #expect(value("group", "Text Recognition", "final_score_norm")?.value == 50)
    #expect(value("group", OCRBench.hmerCategory, "final_score")?.value == 1)
    #expect(value("group", "Doc-oriented VQA", "final_score")?.value == 1)
    #expect(value("group", "Key Information Extraction", "final_score")?.value == 0)
    #expect(value("category", "Irregular Text Recognition", "final_score_norm")?.value == 0)
    #expect(summary.values.filter { $0.dimension == "group" && $0.metric == "final_score" }.count == 4)
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("ocrbench") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 13)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
    let final = result.summary.values.first { $0.dimension == "overall" && $0.metric == "final_score" }
    #expect(final?.value == 13)
    let categories = Set(result.summary.values.filter { $0.dimension == "category" }.map(\.key))
    #expect(categories == Set(OCRBench.categories))
  }

  @Test func baselineScoresZero() throws {
    let result = try scoreAll("ocrbench") { $0.baselineResponse(for: $1) }
    #expect(result.scores.values.allSatisfy { $0.value == 0 && $0.status == .ok })
    #expect(result.summary.headline == 0)
  }
}
