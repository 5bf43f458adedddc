// Golden reference: OneThinker `tulerfeng/OneThinker: Evaluation/Eval/eval_bench.py` at commit
// 4448451e6e519e17c9e72d2b67f94a45612f2323 (`extract_answer`, `accuracy_only(…, "spatial grounding")`), with the
// one-line `iou_2d` correction described in Golden/README.md. Golden files: Golden/grounding.cases.jsonl,
// Golden/grounding.golden.jsonl (56 cases), Golden/grounding.metrics.json.
import Foundation
import Testing

@testable import OcularCore

struct GroundingCase: Decodable, Sendable, Identified {
  var id: String
  var response: String
  var solution: String
}

struct GroundingGolden: Decodable, Sendable, Identified {
  var id: String
  var extracted: String
  var scored_answer: String
  var gold_extracted: String
  var iou: Double
  var hit30: Bool
  var hit50: Bool
  var hit70: Bool
  var error: String?
}

struct GroundingGoldenCase: Sendable, CustomTestStringConvertible {
  var input: GroundingCase
  var golden: GroundingGolden
  var testDescription: String { input.id }

  static func all() throws -> [GroundingGoldenCase] {
    try pairedGolden(
      cases: "grounding.cases.jsonl", golden: "grounding.golden.jsonl", GroundingCase.self, GroundingGolden.self
    ).map { GroundingGoldenCase(input: $0.0, golden: $0.1) }
  }

  /// The corrected IoU as Ocular computes it: 0 when either box does not parse (the reference's 0.0).
  var ocularIoU: Double {
    let answer = AnswerExtractor.onethinker.extract(input.response).answer
    let gold = AnswerExtractor.onethinker.extract(input.solution).answer
    guard let predicted = BoxIoU.parseBox(answer), let goldBox = BoxIoU.parseBox(gold) else { return 0 }
    return BoxIoU.iou(predicted, goldBox)
  }
}

struct GroundingMetrics: Decodable {
  var metrics: [String: Double]
  var n: Int
}

@Suite("BoxIoU + E2 extraction: golden cases of OneThinker eval_bench.py (corrected iou_2d)")
struct BoxIoUGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    let cases = try GroundingGoldenCase.all()
    #expect(cases.count == 56)
    #expect(cases.allSatisfy { $0.golden.error == nil })
  }

  /// Ocular's answer is what `accuracy_only` parses: `extract_answer(response) or response.strip()`. It equals the
  /// golden `extracted` whenever that is non-empty, and `scored_answer` always.
  @Test(arguments: try GroundingGoldenCase.all())
  func extractionMatchesReference(_ item: GroundingGoldenCase) {
    let extraction = AnswerExtractor.onethinker.extract(item.input.response)
    #expect(scalars(extraction.answer) == scalars(item.golden.scored_answer), "\(item.input.id)")
    if !item.golden.extracted.isEmpty {
      #expect(scalars(extraction.answer) == scalars(item.golden.extracted), "\(item.input.id)")
    }
    let gold = AnswerExtractor.onethinker.extract(item.input.solution)
    #expect(scalars(gold.answer) == scalars(item.golden.gold_extracted), "\(item.input.id): gold")
  }

  /// The IoU must equal the reference's float exactly: no tolerance, the operation order matters.
  @Test(arguments: try GroundingGoldenCase.all())
  func iouMatchesReferenceExactly(_ item: GroundingGoldenCase) {
    let iou = item.ocularIoU
    #expect(iou == item.golden.iou, "\(item.input.id): \(iou) vs reference \(item.golden.iou)")
    #expect(iou.bitPattern == item.golden.iou.bitPattern, "\(item.input.id): bits differ")
    #expect((iou >= 0.3) == item.golden.hit30, "\(item.input.id)")
    #expect((iou >= 0.5) == item.golden.hit50, "\(item.input.id)")
    #expect((iou >= 0.7) == item.golden.hit70, "\(item.input.id)")
  }

  /// The same cases through the RefCOCO scorer: Acc@0.5 value and the `iou` measure.
  @Test(arguments: try GroundingGoldenCase.all())
  func groundingScorerMatchesReference(_ item: GroundingGoldenCase) {
    let benchmark = BenchmarkRegistry.refcoco
    let sample = memorySample(["problem": .string("p"), "solution": .string(item.input.solution)])
    let extraction = benchmark.extractor(options: ScoringOptions()).extract(item.input.response)
    let score = benchmark.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == (item.golden.hit50 ? 1 : 0), "\(item.input.id)")
    if score.status == .ok {
      #expect(score.measures["iou"] == item.golden.iou, "\(item.input.id)")
      #expect(score.measures["acc@0.3"] == (item.golden.hit30 ? 1 : 0), "\(item.input.id)")
      #expect(score.measures["acc@0.7"] == (item.golden.hit70 ? 1 : 0), "\(item.input.id)")
    } else {
      // Unparsed only where the reference also scored 0.
      #expect(item.golden.iou == 0, "\(item.input.id): unparsed but reference IoU \(item.golden.iou)")
    }
  }

  /// `accumulate_metrics` + `finalize_metrics` over the 56 corrected results, reproduced with ScoreAccumulator.
  @Test func aggregateMatchesFinalizeMetrics() throws {
    let data = try Data(contentsOf: TestPaths.golden("grounding.metrics.json"))
    let reference = try JSONDecoder().decode(GroundingMetrics.self, from: data)
    let cases = try GroundingGoldenCase.all()
    #expect(reference.n == cases.count)
    let benchmark = BenchmarkRegistry.refcoco
    var accumulator = ScoreAccumulator(metric: benchmark.headlineMetric, measureNames: benchmark.measureNames)
    for item in cases {
      let sample = memorySample(["problem": .string("p"), "solution": .string(item.input.solution)])
      let score = benchmark.score(
        benchmark.extractor(options: ScoringOptions()).extract(item.input.response), for: sample,
        options: ScoringOptions())
      accumulator.add(ScoredSample(sampleID: item.input.id, score: score, breakdown: []))
    }
    let metrics = reference.metrics
    #expect(abs(accumulator.overall.mean - metrics["spatial grounding/iou/R@0.5"]!) <= 1e-12)
    #expect(abs(accumulator.measures["iou"]!.mean - metrics["spatial grounding/acc"]!) <= 1e-12)
    #expect(abs(accumulator.measures["iou"]!.mean - metrics["spatial grounding/iou/mean"]!) <= 1e-12)
    #expect(abs(accumulator.measures["acc@0.3"]!.mean - metrics["spatial grounding/iou/R@0.3"]!) <= 1e-12)
    #expect(abs(accumulator.measures["acc@0.7"]!.mean - metrics["spatial grounding/iou/R@0.7"]!) <= 1e-12)
    #expect(accumulator.measures["iou"]!.count == 56)
  }
}

@Suite("BoxIoU: rules of benchmarks.md §3.16–3.18")
struct BoxIoURuleTests {
  @Test func reversedBoxesHaveZeroAreaAndNoSwap() {
    // Boxes are compared as given: a reversed box has area max(0, w)·max(0, h) = 0.
    let gold = BoxIoU.Box(100, 100, 300, 300)
    #expect(BoxIoU.iou(BoxIoU.Box(300, 300, 100, 100), gold) == 0)
    #expect(BoxIoU.iou(gold, gold) == 1)
  }

  @Test func unionAtOrBelowEpsilonGivesZero() {
    let point = BoxIoU.Box(5, 5, 5, 5)
    #expect(BoxIoU.iou(point, point) == 0)
    // Area 1·1e-12: the union is exactly 1e-12, not above it, so the IoU is 0 (checked in Python: union == 1e-12).
    let tiny = BoxIoU.Box(0, 0, 1, 1e-12)
    #expect(BoxIoU.iou(tiny, tiny) == 0)
    // Area 2e-12 is above the threshold: identical boxes give 1.
    let small = BoxIoU.Box(0, 0, 2, 1e-12)
    #expect(BoxIoU.iou(small, small) == 1)
  }

  @Test func parseBoxAcceptsWhatFloatAccepts() {
    #expect(BoxIoU.parseBox(#"{"boxes": ["1", " 2 ", "3e2", "4_0"]}"#) == BoxIoU.Box(1, 2, 300, 40))
    #expect(BoxIoU.parseBox(#"{"boxes": [true, false, 1.5, -2]}"#) == BoxIoU.Box(1, 0, 1.5, -2))
    #expect(BoxIoU.parseBox(#"{"boxes": ["nan", 0, 1, 1]}"#).map { $0.x1.isNaN } == true)
    #expect(BoxIoU.parseBox(#"{"boxes": ["1,0", 0, 1, 1]}"#) == nil)
    #expect(BoxIoU.parseBox(#"{"boxes": [[1, 2, 3, 4]]}"#) == nil)
    #expect(BoxIoU.parseBox(#"[1, 2, 3, 4]"#) == nil)
    #expect(BoxIoU.parseBox(#"{"boxes": [1, 2, 3, 4], "extra": 1}"#) == BoxIoU.Box(1, 2, 3, 4))
  }

  @Test func boxDescriptionPrintsIntegersWithoutFraction() {
    #expect(BoxIoU.Box(250, 250, 750, 750).description == "[250, 250, 750, 750]")
    #expect(BoxIoU.Box(0.5, 1, 2, 3).description == "[0.5, 1, 2, 3]")
  }
}
