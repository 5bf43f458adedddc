// RoboSpatial (benchmarks.md §3.12) against VLMEvalKit, PyPI `ms-vlmeval==0.0.20`: refscore bench
// `robospatial_vek`, which calls the real `vlmeval.dataset.robospatialbench.RoboSpatialBench.evaluate_answer(gt,
// pred, width, height)` (see Golden/README.md). Golden files: Golden/robospatial.cases.jsonl,
// Golden/robospatial.golden.jsonl (65 cases; ids `suite-baseline-<index>` are the sample suite's baseline).
import Foundation
import Testing

@testable import OcularCore

struct RoboSpatialCase: Decodable, Sendable, Identified {
  var id: String
  var answer: String
  var pred: String
  var width: Int?
  var height: Int?
}

struct RoboSpatialGolden: Decodable, Sendable, Identified {
  enum Extracted: Decodable, Sendable, Equatable {
    case text(String)
    /// The first point; NaN is written as null.
    case point([Double?])
    case none

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if container.decodeNil() {
        self = .none
      } else if let text = try? container.decode(String.self) {
        self = .text(text)
      } else {
        self = .point(try container.decode([Double?].self))
      }
    }
  }

  var id: String
  var score: Double
  var extracted: Extracted
  var is_binary: Bool
  var is_parsable: Bool
}

struct RoboSpatialGoldenCase: Sendable, CustomTestStringConvertible {
  var input: RoboSpatialCase
  var golden: RoboSpatialGolden
  var testDescription: String { input.id }

  static func all() throws -> [RoboSpatialGoldenCase] {
    try pairedGolden(
      cases: "robospatial.cases.jsonl", golden: "robospatial.golden.jsonl", RoboSpatialCase.self,
      RoboSpatialGolden.self
    ).map { RoboSpatialGoldenCase(input: $0.0, golden: $0.1) }
  }

  /// The case as a sample: yes/no golds in `compatibility`, polygons in `context`; a case without a size is an
  /// image of 1 × 1 pixels (the reference's default scale).
  var sample: Sample {
    let category = golden.is_binary ? "compatibility" : "context"
    var sample = memorySample([
      "index": .string(input.id), "question": .string("Q"), "answer": .string(input.answer),
      "category": .string(category),
    ])
    sample.images = [
      SampleImage(
        relativePath: "x.png", absolutePath: "/x.png", format: .png, width: input.width ?? 1, height: input.height ?? 1)
    ]
    return sample
  }
}

@Suite("RoboSpatial: golden cases of ms-vlmeval 0.0.20 RoboSpatialBench.evaluate_answer")
struct RoboSpatialGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    let cases = try RoboSpatialGoldenCase.all()
    #expect(cases.count == 65)
    #expect(cases.filter { $0.golden.is_binary }.count == 29)
  }

  @Test(arguments: try RoboSpatialGoldenCase.all())
  func scoreMatchesReference(_ item: RoboSpatialGoldenCase) throws {
    let benchmark = RoboSpatialBenchmark()
    let sample = item.sample
    #expect(benchmark.validate(sample) == nil, "\(item.input.id)")
    let score = benchmark.score(plainExtraction(item.input.pred), for: sample, options: ScoringOptions())
    #expect(score.value == item.golden.score, "\(item.input.id): \(score)")
    let isGoldReadable: Bool
    if case .unreadable? = RoboSpatialBenchmark.gold(of: sample) {
      isGoldReadable = false
    } else {
      isGoldReadable = true
    }
    #expect(score.status == (item.golden.is_parsable || !isGoldReadable ? .ok : .unparsed), "\(item.input.id)")
    switch item.golden.extracted {
    case .point(let point):
      guard
        case .success(let points) = Point2DParser.parse(
          PythonString.strip(item.input.pred), width: item.input.width ?? 1, height: item.input.height ?? 1)
      else {
        Issue.record("\(item.input.id): no parse")
        return
      }
      let first = try #require(points.first)
      #expect(point.count == 2)
      #expect(
        point[0] == (first.x.isNaN ? nil : first.x) && point[1] == (first.y.isNaN ? nil : first.y), "\(item.input.id)")
    case .text(let text):
      #expect(scalars(text) == scalars(PythonString.strip(item.input.pred)))
    case .none:
      #expect(score.value == 0)
    }
  }
}

@Suite("RoboSpatial benchmark")
struct RoboSpatialTests {
  @Test func registryAndDescription() throws {
    let benchmark = try #require(BenchmarkRegistry.benchmark(id: "robospatial"))
    #expect(benchmark.group == .spatial)
    #expect(benchmark.metric == "robospatial_accuracy")
    #expect(benchmark.judgeLabel == "none")
    #expect(benchmark.defaultPromptTemplate == "{prompt}")
  }

  @Test func contextPromptRule() {
    let instruction = RefSpatialBenchmark.pointInstruction
    #expect(
      RoboSpatialBenchmark.prompt(question: " Find the gap.  Your answer should be a list.", category: "context")
        == "Find the gap.\n\n" + instruction)
    #expect(
      RoboSpatialBenchmark.prompt(question: " Find the gap. ", category: "context") == "Find the gap.\n\n" + instruction
    )
    #expect(
      RoboSpatialBenchmark.prompt(question: " Is it? Your answer should be yes.", category: "configuration")
        == " Is it? Your answer should be yes.")
  }

  @Test func paperPrompts() throws {
    let (suite, samples) = try bundledSamples("robospatial")
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let yesNo = try #require(samples.first { $0.id == "0" })
    let image = try #require(yesNo.images.first).absolutePath
    #expect(
      builder.messages(for: yesNo) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(
          role: .user,
          content: [.image(path: image), .text("Can the red cup fit inside the blue box? Answer yes or no.")]),
      ])
    let context = try #require(samples.first { $0.id == "8" })
    #expect(
      builder.datasetPrompt(for: context)
        == "In the image, there is a blue box. Pinpoint several points within the vacant space situated to the left of "
        + "the blue box.\n\n" + RefSpatialBenchmark.pointInstruction)
    let padded = try #require(samples.first { $0.id == "13" })
    #expect(builder.datasetPrompt(for: padded).hasPrefix("In the image, there is a sink.   Pinpoint"))
    #expect(builder.datasetPrompt(for: padded).contains("of the sink.\n\nOutput the point"))
    let noPhrase = try #require(samples.first { $0.id == "12" })
    #expect(
      builder.datasetPrompt(for: noPhrase).hasSuffix("below the drawer.\n\n" + RefSpatialBenchmark.pointInstruction))
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("robospatial") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 14)
    for (id, score) in result.scores {
      #expect(score.value == 1 && score.status == .ok, "\(id): \(score)")
    }
    #expect(result.summary.headline == 100)
    // The oracle's polygon points are truly inside as well.
    for (id, score) in result.scores where score.notes.contains("point2d:structured") {
      #expect(!score.notes.contains(RoboSpatialBenchmark.rayCastingNote), "\(id)")
    }
  }

  @Test func baselineMatchesReference() throws {
    let golden = try RoboSpatialGoldenCase.all().filter { $0.input.id.hasPrefix("suite-baseline-") }
    var expected: [String: Double] = [:]
    for item in golden { expected[String(item.input.id.dropFirst("suite-baseline-".count))] = item.golden.score }
    #expect(expected.count == 14)
    let result = try scoreAll("robospatial") { $0.baselineResponse(for: $1) }
    #expect(result.scores.mapValues(\.value) == expected)
    #expect(abs(result.summary.headline - 600.0 / 14) < 1e-9)
    let categories = result.summary.values.filter { $0.dimension == "category" }
    #expect(categories.map(\.key) == ["compatibility", "configuration", "context"])
    #expect(categories.map(\.count) == [4, 4, 6])
    #expect(zip(categories.map(\.value), [50.0, 50, 200.0 / 6]).allSatisfy { abs($0 - $1) < 1e-9 })
  }

  @Test func validation() {
    let benchmark = RoboSpatialBenchmark()
    func sample(_ answer: String, _ category: String) -> Sample {
      var sample = memorySample(["question": .string("Q"), "answer": .string(answer), "category": .string(category)])
      sample.images = [SampleImage(relativePath: "x.png", absolutePath: "/x.png", format: .png, width: 10, height: 10)]
      return sample
    }
    #expect(benchmark.validate(sample("yes", "context")) == nil)
    #expect(benchmark.validate(sample("yes", "Context")) != nil)  // the reference asserts the exact names
    #expect(benchmark.validate(sample("yes", "spatial")) != nil)
    #expect(benchmark.validate(sample("[(0, 0), (1, 0), ('x', 1)]", "context")) != nil)  // float('x') raises
    #expect(benchmark.validate(sample("[(0, 0), (1, 0), (None, 1)]", "context")) != nil)
    #expect(benchmark.validate(sample("[(0, 0), (1, nan), (1, 1)]", "context")) == nil)  // unreadable: scores 0
    #expect(
      RoboSpatialBenchmark.gold(of: sample("[(0, 0), (1, nan), (1, 1)]", "context"))
        == .unreadable("not a Python literal"))
  }

  @Test func rayCastingDefect() {
    let square: [(x: Double, y: Double)] = [(0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9)]
    #expect(!PointInPolygon.reference(x: 0.5, y: 0.5, polygon: square))
    #expect(PointInPolygon.corrected(x: 0.5, y: 0.5, polygon: square))
    let verticalTriangle: [(x: Double, y: Double)] = [(0.2, 0.2), (0.2, 0.8), (0.8, 0.5)]
    #expect(PointInPolygon.reference(x: 0.9, y: 0.5, polygon: verticalTriangle))
    #expect(!PointInPolygon.corrected(x: 0.9, y: 0.5, polygon: verticalTriangle))
    #expect(PointInPolygon.corrected(x: 0.4, y: 0.5, polygon: verticalTriangle))
    let benchmark = RoboSpatialBenchmark()
    var sample = memorySample([
      "question": .string("Q"), "answer": .string("[(0.2, 0.2), (0.2, 0.8), (0.8, 0.5)]"),
      "category": .string("context"),
    ])
    sample.images = [SampleImage(relativePath: "x.png", absolutePath: "/x.png", format: .png, width: 100, height: 100)]
    let outside = benchmark.score(plainExtraction("(0.9, 0.5)"), for: sample, options: ScoringOptions())
    #expect(outside.value == 1)
    #expect(outside.notes.contains(RoboSpatialBenchmark.rayCastingNote))
    #expect(outside.notes.contains(RefSpatialBenchmark.logHintNote))
    let inside = benchmark.score(plainExtraction("(0.4, 0.5)"), for: sample, options: ScoringOptions())
    #expect(inside.value == 0 && inside.notes.contains(RoboSpatialBenchmark.rayCastingNote))
    #expect(!inside.notes.contains(RefSpatialBenchmark.logHintNote))
  }

  /// Hand-computed: compatibility 1/2, configuration 1/1, context 0/1 → overall 2/4 = 50.
  @Test func aggregation() {
    let benchmark = RoboSpatialBenchmark()
    var aggregator = benchmark.makeAggregator()
    for (index, (category, value)) in [
      ("compatibility", 1.0), ("compatibility", 0), ("configuration", 1), ("context", 0),
    ]
    .enumerated() {
      let sample = memorySample(["category": .string(category)], id: "\(index)")
      aggregator.add(
        ScoredSample(sampleID: sample.id, score: SampleScore(value: value), breakdown: benchmark.breakdown(for: sample))
      )
    }
    let summary = aggregator.summary()
    #expect(summary.headline == 50)
    #expect(summary.values.filter { $0.dimension == "category" }.map(\.value) == [50, 100, 0])
  }
}
