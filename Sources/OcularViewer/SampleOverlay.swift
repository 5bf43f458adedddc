import Foundation
import OcularCore

/// What a grounding sample draws over its image: the gold and the predicted boxes, points and polygons, read with
/// the scorers' own parsers.
public struct SampleOverlay: Sendable, Hashable {
  /// The coordinate space of the shapes.
  public enum Space: String, Sendable, Hashable {
    /// Thousandths of the width and height (the grounding references' 0–1000 grid).
    case norm1000
    /// Fractions of the width and height, 0–1.
    case unit
  }

  /// One shape to draw.
  public enum Shape: Sendable, Hashable {
    /// An axis-aligned box.
    case box(x1: Double, y1: Double, x2: Double, y2: Double)
    /// A point.
    case point(x: Double, y: Double)
    /// A closed polygon.
    case polygon([Point])

    /// A polygon's vertex.
    public struct Point: Sendable, Hashable {
      /// The horizontal coordinate.
      public var x: Double
      /// The vertical coordinate.
      public var y: Double
    }
  }

  /// The most predicted shapes kept (a text answer can name thousands of points).
  public static let shapeLimit = 200

  /// The coordinate space.
  public var space: Space
  /// The gold shapes.
  public var gold: [Shape]
  /// The predicted shapes.
  public var predicted: [Shape]
  /// The gold mask image's path relative to the suite folder (RefSpatial), drawn translucent over the image.
  public var goldMaskPath: String?

  /// The overlay of a sample of a benchmark, or nil where the benchmark draws nothing (not a grounding benchmark).
  ///
  /// - Parameters:
  ///   - sample: The suite record, with its images' sizes.
  ///   - record: The stored result: its `parsed` and `extracted` texts.
  ///   - options: The run's scoring options (the declared box format).
  ///   - folder: The suite folder, to express the mask's path relative to it.
  public static func make(
    benchmark: any Benchmark, sample: Sample, parsed: String?, extracted: String?, options: ScoringOptions,
    folder: String
  ) -> SampleOverlay? {
    switch benchmark {
    case is GroundingBenchmark:
      var overlay = SampleOverlay(space: .norm1000, gold: [], predicted: [], goldMaskPath: nil)
      if let box = GroundingBenchmark.goldBox(of: sample) {
        overlay.gold = [.box(x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2)]
      }
      // `parsed` is the predicted box after any conversion to the 0–1000 grid, as `[x1, y1, x2, y2]`.
      if let parsed, case .array(let items)? = try? JSONValue.parse(Data(parsed.utf8)), items.count == 4 {
        let numbers = items.compactMap(\.numberValue)
        if numbers.count == 4 {
          overlay.predicted = [.box(x1: numbers[0], y1: numbers[1], x2: numbers[2], y2: numbers[3])]
        }
      }
      return overlay
    case is RefSpatialBenchmark:
      var overlay = SampleOverlay(space: .unit, gold: [], predicted: [], goldMaskPath: nil)
      if let mask = sample.auxiliaryFiles["mask_path"], mask.hasPrefix(folder + "/") {
        overlay.goldMaskPath = String(mask.dropFirst(folder.count + 1))
      }
      overlay.predicted = points(in: extracted, sample: sample, options: options)
      return overlay
    case is RoboSpatialBenchmark:
      guard case .polygon(let vertices)? = RoboSpatialBenchmark.gold(of: sample) else { return nil }
      var overlay = SampleOverlay(space: .unit, gold: [], predicted: [], goldMaskPath: nil)
      overlay.gold = [.polygon(vertices.map { Shape.Point(x: $0.x, y: $0.y) })]
      overlay.predicted = points(in: extracted, sample: sample, options: options)
      return overlay
    default:
      return nil
    }
  }

  /// The points of an answer as the point scorers read them, as fractions of the image.
  private static func points(in answer: String?, sample: Sample, options: ScoringOptions) -> [Shape] {
    guard let answer, let image = sample.images.first,
      case .success(let points) = Point2DParser.parse(
        PythonString.strip(answer), width: image.width, height: image.height, format: options.boxFormat)
    else { return [] }
    return points.groups.prefix(shapeLimit).compactMap { group -> Shape? in
      switch group {
      case .point(let x, let y):
        return x.isFinite && y.isFinite ? .point(x: x, y: y) : nil
      case .box(let x0, let y0, let x1, let y1):
        return .box(
          x1: x0 / points.width, y1: y0 / points.height, x2: x1 / points.width, y2: y1 / points.height)
      }
    }
  }

  /// The overlay as JSON for the page.
  func json(imageURL: (String) -> String) -> JSONValue {
    func shape(_ shape: Shape) -> JSONValue {
      switch shape {
      case .box(let x1, let y1, let x2, let y2):
        return .object(["type": .string("box"), "coords": .array([x1, y1, x2, y2].map(JSONValue.number))])
      case .point(let x, let y):
        return .object(["type": .string("point"), "coords": .array([.number(x), .number(y)])])
      case .polygon(let points):
        return .object([
          "type": .string("polygon"),
          "coords": .array(points.map { .array([.number($0.x), .number($0.y)]) }),
        ])
      }
    }
    return .object([
      "space": .string(space.rawValue), "gold": .array(gold.map(shape)), "predicted": .array(predicted.map(shape)),
      "gold_mask": goldMaskPath.map { .string(imageURL($0)) } ?? .null,
    ])
  }
}
