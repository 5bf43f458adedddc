// A model's declared box/point convention (adapter hello or --box-format) replaces the references' magnitude
// guesses. No reference has this rule: the expected values below are computed by hand from the conventions
// (norm1: fractions; norm1000: thousandths; pixel: divided by the image size).
import Foundation
import Testing

@testable import OcularCore

@Suite struct DeclaredConventionTests {
  @Test func structuredPointsFollowTheDeclaredConvention() throws {
    let answer = #"[{"point_2d": [1, 1], "label": "point_1"}]"#
    // Undeclared: max |coordinate| ≤ 1.5 reads as already normalised.
    #expect(try Point2DParser.parse(answer, width: 200, height: 100).get().groups == [.point(x: 1, y: 1)])
    #expect(
      try Point2DParser.parse(answer, width: 200, height: 100, format: .norm1000).get().groups
        == [.point(x: 0.001, y: 0.001)])
    #expect(
      try Point2DParser.parse(answer, width: 200, height: 100, format: .pixel).get().groups
        == [.point(x: 1.0 / 200, y: 1.0 / 100)])
    #expect(
      try Point2DParser.parse(answer, width: 200, height: 100, format: .norm1).get().groups == [.point(x: 1, y: 1)])
  }

  @Test func textPointsFollowTheDeclaredConvention() throws {
    // Undeclared, the text step has no 0–1000 branch: (500, 250) reads as pixels.
    #expect(
      try Point2DParser.parse("at (500, 250)", width: 200, height: 100).get().groups
        == [.point(x: 500.0 / 200, y: 250.0 / 100)])
    #expect(
      try Point2DParser.parse("at (500, 250)", width: 200, height: 100, format: .norm1000).get().groups
        == [.point(x: 0.5, y: 0.25)])
  }

  @Test func groundingConvertsDeclaredPixelBoxesToTheThousandthGrid() {
    let image = SampleImage(
      relativePath: "a.png", absolutePath: "/a.png", format: .png, width: 200, height: 100, sha256: nil)
    let sample = Sample(
      id: "1",
      record: ["problem": .string("the cat"), "solution": .string(#"<answer>{"boxes": [0, 0, 500, 500]}</answer>"#)],
      images: [image])
    let benchmark = GroundingBenchmark(id: "refcoco", title: "RefCOCO")
    let extraction = AnswerExtractor.onethinker.extract(#"<answer>{"boxes": [0, 0, 100, 50]}</answer>"#)
    // In pixels of a 200x100 image, [0, 0, 100, 50] is [0, 0, 500, 500] on the 0–1000 grid: IoU 1.
    let converted = benchmark.score(extraction, for: sample, options: ScoringOptions(boxFormat: .pixel))
    #expect(converted.value == 1)
    #expect(converted.measures["iou"] == 1)
    // Both boxes pass the reference's gate, where its published iou_2d raises: noted, the intended IoU scored.
    #expect(converted.notes == [GroundingBenchmark.iouDefectNote, "box converted from pixel to norm1000"])
    // Read as given (the reference), the box is 100x50 inside the 500x500 gold: IoU 5,000 / 250,000 = 0.02.
    let asGiven = benchmark.score(extraction, for: sample, options: ScoringOptions())
    #expect(asGiven.value == 0)
    #expect(asGiven.measures["iou"] == 5000.0 / 250000)
  }
}
