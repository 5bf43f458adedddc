// MathVerse (benchmarks.md §3.5) against VLMEvalKit ms-vlmeval 0.0.20 (`vlmeval/dataset/utils/mathverse.py`).
//
// GOLDEN, produced by the reference: Golden/mathverse.cases.jsonl → scripts/golden/math_driver.py mathverse →
// Golden/mathverse.golden.jsonl (21 cases) and Golden/mathverse.metrics.json. The driver calls the real
// `post_check_score(line, prefetch=False)` and `MathVerse_auxeval_score(<judge that always fails>, line)` with the
// case's prediction as the extract (which is exactly Ocular's rule-only rule: extract = E1 prediction, then the
// strip-equality test), and `MathVerse_acc` over all cases (one row per problem_version with per-subject and
// per-subfield values).
//
// HAND-DERIVED, not reference-produced: the micro mean over all rows used as the headline (benchmarks.md §3.5 marks
// it *[inferred]*; the reference has no cross-version number) and the sample-suite baseline.
import Foundation
import Testing

@testable import OcularCore

struct MathVerseCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  var answer: String
  var problemVersion: String
  var metadata: String

  enum CodingKeys: String, CodingKey {
    case id, pred, answer, metadata
    case problemVersion = "problem_version"
  }

  var sample: Sample {
    memorySample(
      [
        "question": .string("q"), "answer": .string(answer), "problem_version": .string(problemVersion),
        "metadata": .string(metadata),
      ], id: id)
  }
}

struct MathVerseGolden: Decodable, Sendable, Identified {
  var id: String
  var postCheck: Bool
  var score: Bool
  var log: String

  enum CodingKeys: String, CodingKey {
    case id, score, log
    case postCheck = "post_check"
  }
}

struct MathVerseGoldenCase: Sendable, CustomTestStringConvertible {
  var input: MathVerseCase
  var golden: MathVerseGolden
  var testDescription: String { input.id }

  static func all() throws -> [MathVerseGoldenCase] {
    try pairedGolden(
      cases: "mathverse.cases.jsonl", golden: "mathverse.golden.jsonl", MathVerseCase.self, MathVerseGolden.self
    ).map { MathVerseGoldenCase(input: $0.0, golden: $0.1) }
  }
}

func scoreMathVerse(_ prediction: String, _ sample: Sample) -> SampleScore {
  let extraction = Extraction(
    raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: false, isAnswerInThink: false)
  return BenchmarkRegistry.mathverse.score(extraction, for: sample, options: ScoringOptions())
}

@Suite("MathVerse: golden cases of ms-vlmeval 0.0.20 (post_check_score) and MathVerse_acc")
struct MathVerseGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    let cases = try MathVerseGoldenCase.all()
    #expect(cases.count == 21)
    #expect(Set(cases.map(\.input.id)).count == 21)
  }

  @Test(arguments: try MathVerseGoldenCase.all())
  func scoreMatchesReference(_ item: MathVerseGoldenCase) {
    let score = scoreMathVerse(item.input.pred, item.input.sample)
    #expect(item.golden.score == item.golden.postCheck, "\(item.input.id): no judge, so only the prefetch can score")
    #expect(score.value == (item.golden.score ? 1 : 0), "\(item.input.id)")
    #expect(score.status == .ok, "\(item.input.id)")
    #expect((item.golden.log == "Prefetch succeed") == item.golden.score, "\(item.input.id)")
  }

  /// `MathVerse_acc`'s table: each version's `Overall`, and within it each subject and subfield (null where the
  /// version has no such row), equals Ocular's `problem_version` and `problem_version/…` cells.
  @Test func matchesMathVerseAcc() throws {
    let cases = try decodeJSONLines(MathVerseCase.self, from: TestPaths.golden("mathverse.cases.jsonl"))
    let object = try JSONValue.parse(Data(contentsOf: TestPaths.golden("mathverse.metrics.json")))
    let rows = try #require(object.objectValue?["rows"]?.arrayValue)
    let benchmark = BenchmarkRegistry.mathverse
    var aggregator = benchmark.makeAggregator()
    for item in cases {
      let sample = item.sample
      aggregator.add(
        ScoredSample(
          sampleID: item.id, score: scoreMathVerse(item.pred, sample), breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    func value(_ dimension: String, _ key: String) -> Double? {
      summary.values.first { $0.dimension == dimension && $0.key == key && $0.metric == "accuracy" }?.value
    }
    let subjects: Set<String> = ["Plane Geometry", "Solid Geometry", "Functions"]
    #expect(rows.count == 5)
    var checked = 0
    for row in rows {
      let columns = try #require(row.objectValue)
      let version = try #require(columns["split"]?.stringValue)
      #expect(
        abs((value("problem_version", version) ?? -1) - (columns["Overall"]?.numberValue ?? -2)) < 1e-9, "\(version)")
      for (column, cell) in columns where column != "split" && column != "Overall" {
        let dimension = subjects.contains(column) ? "problem_version/subject" : "problem_version/subfield"
        let ours = value(dimension, "\(version) / \(column)")
        if let reference = cell.numberValue {
          #expect(ours.map { abs($0 - reference) < 1e-9 } == true, "\(version) / \(column)")
          checked += 1
        } else {
          #expect(ours == nil, "\(version) / \(column): the reference has no such row (NaN)")
        }
      }
    }
    #expect(checked > 30)
    // The headline is the micro mean over all rows [inferred]: 8 of 21 are strip-equal.
    #expect(abs(summary.headline - 800.0 / 21) < 1e-9)
  }
}

@Suite("MathVerse: metadata, sample suite, prompt, oracle and baseline")
struct MathVerseSuiteTests {
  @Test func registryAndDescription() {
    let benchmark = BenchmarkRegistry.mathverse
    #expect(BenchmarkRegistry.benchmark(id: "mathverse") != nil)
    #expect(benchmark.group == .math)
    #expect(benchmark.judgeLabel == "rule-only")
    #expect(benchmark.defaultPromptTemplate == "{question}")
  }

  @Test func metadataReadings() {
    func sample(_ metadata: JSONValue) -> Sample {
      memorySample([
        "question": .string("q"), "answer": .string("A"), "problem_version": .string("Text Lite"), "metadata": metadata,
      ])
    }
    let literal = sample(.string("{'split': 'testmini', 'subject': 'Functions', 'subfield': 'Expression'}"))
    #expect(MathVerse.metadata(of: literal)! == ("Functions", "Expression"))
    // The reference's quote swap breaks on an apostrophe; the Python-literal reading still works.
    let apostrophe = sample(.string("{'subject': 'Plane Geometry', 'subfield': \"Thales' theorem\"}"))
    #expect(MathVerse.metadata(of: apostrophe)! == ("Plane Geometry", "Thales' theorem"))
    let object = sample(.object(["subject": .string("Solid Geometry"), "subfield": .string("Volume")]))
    #expect(MathVerse.metadata(of: object)! == ("Solid Geometry", "Volume"))
    #expect(BenchmarkRegistry.mathverse.validate(sample(.string("{'subject': 'Functions'}"))) != nil)
    #expect(
      BenchmarkRegistry.mathverse.breakdown(for: literal) == [
        BreakdownKey("problem_version", "Text Lite"), BreakdownKey("subject", "Functions"),
        BreakdownKey("subfield", "Expression"), BreakdownKey("problem_version/subject", "Text Lite / Functions"),
        BreakdownKey("problem_version/subfield", "Text Lite / Expression"),
      ])
  }

  @Test func paperPrompt() throws {
    let (suite, samples) = try bundledSamples("mathverse")
    let sample = try #require(samples.first { $0.id == "5" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let text =
      "According to the question shown in the image, please directly answer the question and provide the correct "
      + "option letter, e.g., A, B, C, D."
    let image = try #require(sample.images.first).absolutePath
    #expect(sample.text("problem_version") == "Vision Only")
    #expect(image.hasSuffix("/mathverse/images/mathverse_5.png"))
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(role: .user, content: [.image(path: image), .text(text)]),
      ])
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("mathverse") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 13)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
  }

  /// Baseline `A` for letter golds, `0` otherwise: problem 2 (gold A, 4 versions) scores, 4/13. Per version:
  /// Text Dominant 1/3, Text Lite 1/3, Vision Intensive 1/2, Vision Dominant 0/2, Vision Only 1/3.
  @Test func baseline() throws {
    let result = try scoreAll("mathverse") { $0.baselineResponse(for: $1) }
    #expect(Set(result.scores.filter { $0.value.value == 1 }.map(\.key)) == ["6", "7", "8", "9"])
    #expect(abs(result.summary.headline - 400.0 / 13) < 1e-9)
    let versions = Dictionary(
      uniqueKeysWithValues: result.summary.values.filter { $0.dimension == "problem_version" }.map {
        ($0.key, ($0.value, $0.count))
      })
    #expect(versions.count == 5)
    #expect(versions["Vision Intensive"]?.0 == 50)
    #expect(versions["Vision Dominant"]?.0 == 0)
    #expect(versions["Text Dominant"]?.1 == 3)
    #expect(result.summary.values.first { $0.dimension == "subject" && $0.key == "Functions" }?.value == 100)
  }
}
