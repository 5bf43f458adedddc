// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`: the real
// `vlmeval.dataset.utils.spatial_bench.tools.utils.Point2DParser.parse(pred, W, H, output='pixel')`, the mask read
// and the scoring lines of `vlmeval.dataset.refspatialbench.RefSpatialBench.evaluate`, run by
// scripts/golden/refspatial_driver.py (see Golden/README.md). Golden files: Golden/refspatial.cases.jsonl,
// Golden/refspatial.golden.jsonl (88 cases), Golden/refspatial.metrics.json (the real `evaluate()` over all
// cases), masks in Golden/refspatial_masks/.
import Foundation
import Testing

@testable import OcularCore

struct RefSpatialCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  /// The mask PNG, relative to the package root.
  var mask: String
  var category: String
}

struct RefSpatialGolden: Decodable, Sendable, Identified {
  struct Published: Decodable, Sendable {
    var score: Double
    var error: String?
  }

  var id: String
  var score: Double
  var num_points: Int
  var is_parsable: Bool
  var error: String?
  var width: Int
  var height: Int
  /// The first 8 parsed pixel points (NaN coordinates appear as NumPy's cast of NaN, Int64.min).
  var points: [[Int]]
  var as_published: Published
}

struct RefSpatialGoldenCase: Sendable, CustomTestStringConvertible {
  var input: RefSpatialCase
  var golden: RefSpatialGolden
  var testDescription: String { input.id }

  var maskPath: String { TestPaths.packageRoot.appendingPathComponent(input.mask).path }

  static func all() throws -> [RefSpatialGoldenCase] {
    try pairedGolden(
      cases: "refspatial.cases.jsonl", golden: "refspatial.golden.jsonl", RefSpatialCase.self, RefSpatialGolden.self
    ).map { RefSpatialGoldenCase(input: $0.0, golden: $0.1) }
  }

  /// Masks Ocular declines to decode because libpng cannot reproduce PIL's values (16-bit samples).
  static let declinedMasks = ["mask-16bit"]

  static func decodable() throws -> [RefSpatialGoldenCase] {
    try all().filter { !declinedMasks.contains($0.input.id) }
  }
}

/// The first `limit` points of a parse in the reference's `output='pixel'` form.
func pixelPoints(_ points: Point2DParser.Points, limit: Int) -> [[Int]] {
  var result: [[Int]] = []
  func add(_ x: Double, _ y: Double) {
    result.append([
      Point2DParser.pixel(x, size: points.width) ?? Int(Int64.min),
      Point2DParser.pixel(y, size: points.height) ?? Int(Int64.min),
    ])
  }
  for group in points.groups where result.count < limit {
    switch group {
    case .point(let x, let y): add(x, y)
    case .box(let x0, let y0, let x1, let y1):
      var y = y0
      while y < y1, result.count < limit {
        var x = x0
        while x < x1, result.count < limit {
          add(x / points.width, y / points.height)
          x += 1
        }
        y += 1
      }
    }
  }
  return result
}

@Suite("Point2DParser and masks: golden cases of ms-vlmeval 0.0.20 RefSpatialBench")
struct Point2DParserGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    let cases = try RefSpatialGoldenCase.all()
    #expect(cases.count == 88)
    #expect(cases.filter { $0.golden.error != nil }.map(\.input.id) == ["text-huge-box-raises"])
  }

  @Test(arguments: try RefSpatialGoldenCase.decodable())
  func scoreMatchesReference(_ item: RefSpatialGoldenCase) throws {
    let mask = try PointMask(path: item.maskPath)
    #expect(mask.width == item.golden.width && mask.height == item.golden.height)
    switch Point2DParser.parse(item.input.pred, width: mask.width, height: mask.height) {
    case .failure(let failure):
      #expect(item.golden.error != nil, "\(item.input.id): Ocular raised \(failure), the reference did not")
    case .success(let points):
      #expect(item.golden.error == nil, "\(item.input.id): the reference raised \(item.golden.error ?? "")")
      #expect(points.count == Double(item.golden.num_points), "\(item.input.id)")
      #expect(mask.score(points) == item.golden.score, "\(item.input.id)")
      #expect(pixelPoints(points, limit: 8) == item.golden.points, "\(item.input.id)")
    }
  }

  /// Through the benchmark: statuses, values and the notes of the published `log_hint` defect.
  @Test(arguments: try RefSpatialGoldenCase.decodable())
  func benchmarkScoreMatchesReference(_ item: RefSpatialGoldenCase) throws {
    let benchmark = RefSpatialBenchmark()
    let score = benchmark.score(
      plainExtraction(item.input.pred), for: refSpatialSample(mask: item.maskPath, category: item.input.category),
      options: ScoringOptions())
    #expect(score.value == item.golden.score, "\(item.input.id)")
    let isUnparsed = item.golden.error != nil || item.golden.num_points == 0
    #expect(score.status == (isUnparsed ? .unparsed : .ok), "\(item.input.id)")
    // As published, every case raises AttributeError in log_hint and scores 0.
    #expect(item.golden.as_published.score == 0)
    #expect(item.golden.as_published.error?.contains("has no attribute 'logger'") == true)
    #expect(score.notes.contains(RefSpatialBenchmark.logHintNote) == (score.value > 0), "\(item.input.id)")
  }

  @Test func sixteenBitMaskIsDeclined() throws {
    let item = try #require(try RefSpatialGoldenCase.all().first { $0.input.id == "mask-16bit" })
    #expect(throws: PointMask.LoadError.self) { try PointMask(path: item.maskPath) }
    let score = RefSpatialBenchmark().score(
      plainExtraction(item.input.pred), for: refSpatialSample(mask: item.maskPath, category: "location"),
      options: ScoringOptions())
    #expect(score.status == .error && score.value == 0)
    #expect(score.notes.first?.contains("16-bit") == true)
  }

  /// The real `RefSpatialBench.evaluate()` over all 88 cases: as published (all zero) and with the `logger`
  /// attribute supplied. Ocular's aggregation of its own per-case scores gives the repaired numbers; the one
  /// declined mask contributes the reference's value here so that the sets are the same.
  @Test func aggregateMatchesEvaluate() throws {
    struct Metrics: Decodable {
      var as_published: [String: Double]
      var logger_repaired: [String: Double]
      var cases: Int
    }
    let metrics = try JSONDecoder().decode(
      Metrics.self, from: Data(contentsOf: TestPaths.golden("refspatial.metrics.json")))
    #expect(metrics.cases == 88)
    #expect(metrics.as_published == ["overall": 0, "location": 0, "placement": 0, "unseen": 0])
    let benchmark = RefSpatialBenchmark()
    var aggregator = benchmark.makeAggregator()
    for item in try RefSpatialGoldenCase.all() {
      let sample = refSpatialSample(mask: item.maskPath, category: item.input.category)
      var score = benchmark.score(plainExtraction(item.input.pred), for: sample, options: ScoringOptions())
      if RefSpatialGoldenCase.declinedMasks.contains(item.input.id) { score = SampleScore(value: item.golden.score) }
      aggregator.add(ScoredSample(sampleID: item.input.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    let overall = try #require(metrics.logger_repaired["overall"])
    #expect(abs(summary.headline - overall * 100) < 1e-9)
    for category in RefSpatialBenchmark.categories {
      let want = try #require(metrics.logger_repaired[category])
      let value = try #require(summary.values.first { $0.dimension == "category" && $0.key == category })
      #expect(abs(value.value - want * 100) < 1e-9, "\(category)")
    }
  }
}

@Suite("Point2DParser: rules")
struct Point2DParserRuleTests {
  @Test func fenceStripping() {
    #expect(Point2DParser.stripFence("```json\n[1]\n```") == "[1]")
    #expect(Point2DParser.stripFence("  ```[1]```  ") == "[1]")
    #expect(Point2DParser.stripFence("```json\n[1]\n```\nDone.") == "[1]\n```\nDone.")
    #expect(Point2DParser.stripFence("[1]") == "[1]")
  }

  @Test func tupleMatchesFollowTheRegex() {
    #expect(
      Point2DParser.tupleMatches("(1, 2) (3 , 4) (5,6,7) ((8, 9)) (+1.5,\u{3000}-2.) (a, 1)") == [
        [1, 2], [5, 6, 7], [8, 9], [1.5, -2],
      ])
    #expect(Point2DParser.tupleMatches("(\u{0662}\u{0660}, 1)") == [[20, 1]])
    #expect(Point2DParser.tupleMatches("(.5, 1) (1, ) ()") == [])
  }

  @Test func magnitudeBranches() throws {
    func first(_ text: String) throws -> (Double, Double) {
      let points = try Point2DParser.parse(text, width: 200, height: 100).get()
      return try #require(points.first)
    }
    #expect(try first("[{\"point_2d\": [1.5, 0.5]}]") == (1.5, 0.5))
    #expect(try first("[{\"point_2d\": [1000, 500]}]") == (1, 0.5))
    #expect(try first("[{\"point_2d\": [1001, 50]}]") == (1001.0 / 200, 0.5))
    // The text step has no 0-1000 branch.
    #expect(try first("(100, 50)") == (0.5, 0.5))
  }

  @Test func boxMultiplicitiesClipAtTheEdges() {
    let counts = PointMask.multiplicities(from: -3, to: 12, size: 10)
    #expect(counts.map(\.0) == Array(0...9))
    #expect(counts.first?.1 == 4 && counts.last?.1 == 3)
    #expect(counts.dropFirst().dropLast().allSatisfy { $0.1 == 1 })
    #expect(PointMask.multiplicities(from: 20, to: 25, size: 10).map { [Double($0.0), $0.1] } == [[9, 5]])
    #expect(PointMask.multiplicities(from: -9, to: -4, size: 10).map { [Double($0.0), $0.1] } == [[0, 5]])
  }

  @Test func hugeBoxesAreCountedNotListed() throws {
    let mask = PointMask(width: 4, height: 4) { x, _ in x == 3 }
    let points = try Point2DParser.parse("(0, 0, 4000000, 2)", width: 4, height: 4).get()
    #expect(points.count == 8_000_000)
    let expected: Double = 3_999_997 * 2 / 8_000_000  // columns 3 and up clip onto the inside column 3
    #expect(mask.score(points) == expected)
    // An exponent is not in the regex: no tuple matches, so no points.
    #expect(Point2DParser.parse("(0, 0, 1e10, 1e10)", width: 4, height: 4).map(\.count) == .success(0))
    // Up to NumPy's maximum array size the box counts; beyond it `np.ones` raises and the parse fails.
    #expect(Point2DParser.parse("(0, 0, 3000000000, 3000000000)", width: 4, height: 4).map(\.count) == .success(9e18))
    #expect((try? Point2DParser.parse("(0, 0, 3100000000, 3000000000)", width: 4, height: 4).get()) == nil)
  }

  @Test func paletteMasksAreReadAsIndices() throws {
    // rect_P_inverted.png: index 0 is white, index 1 black; PIL reads the indices, so black pixels are inside.
    let mask = try PointMask(path: TestPaths.golden("refspatial_masks/rect_P_inverted.png").path)
    #expect(mask.contains(x: 20, y: 12) && !mask.contains(x: 4, y: 3))
  }

  @Test func cacheReturnsTheSameMask() throws {
    let cache = PointMaskCache(capacity: 1)
    let first = TestPaths.golden("refspatial_masks/rect_L.png").path
    let second = TestPaths.golden("refspatial_masks/checker_L.png").path
    let a = try cache.mask(at: first).get()
    _ = try cache.mask(at: second).get()
    #expect(try cache.mask(at: first).get() == a)
    #expect(try PointMask(path: first) == a)
    if case .success = cache.mask(at: "/nonexistent/mask.png") { Issue.record("a missing mask loaded") }
  }
}

/// An extraction whose answer is the text itself.
func plainExtraction(_ answer: String) -> Extraction {
  Extraction(raw: answer, thinking: nil, answer: answer, hasAnswerTag: false, isAnswerInThink: false)
}

/// A RefSpatial sample in memory with its mask resolved.
func refSpatialSample(mask: String, category: String, id: String = "1") -> Sample {
  var sample = memorySample(
    ["index": .string(id), "question": .string("Point."), "category": .string(category), "mask_path": .string(mask)],
    id: id)
  sample.auxiliaryFiles["mask_path"] = mask
  return sample
}
