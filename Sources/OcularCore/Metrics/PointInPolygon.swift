/// Point-in-polygon tests for RoboSpatial's polygon answers (benchmarks.md §3.12).
public enum PointInPolygon {
  /// `RoboSpatialBench.point_in_polygon` as published in ms-vlmeval 0.0.20: ray casting without the
  /// `x ≤ max(p1x, p2x)` test, so every vertical edge spanning the point's height toggles the result, whichever
  /// side of the point it lies on (a point inside an axis-aligned rectangle is "outside").
  public static func reference(x: Double, y: Double, polygon: [(x: Double, y: Double)]) -> Bool {
    guard let start = polygon.first else { return false }
    var inside = false
    var p1 = start
    for index in 1...polygon.count {
      let p2 = polygon[index % polygon.count]
      if y > pythonMin(p1.y, p2.y), y <= pythonMax(p1.y, p2.y) {
        let crossing = p1.y != p2.y ? (y - p1.y) * (p2.x - p1.x) / (p2.y - p1.y) + p1.x : p1.x
        if p1.x == p2.x || x <= crossing { inside.toggle() }
      }
      p1 = p2
    }
    return inside
  }

  /// The classic even-odd ray casting that the reference abbreviates: an edge toggles only when the point also
  /// lies left of the edge's rightmost x (`x ≤ max(p1x, p2x)`). Ocular's corrected rule, for notes and variants.
  public static func corrected(x: Double, y: Double, polygon: [(x: Double, y: Double)]) -> Bool {
    guard let start = polygon.first else { return false }
    var inside = false
    var p1 = start
    for index in 1...polygon.count {
      let p2 = polygon[index % polygon.count]
      if y > pythonMin(p1.y, p2.y), y <= pythonMax(p1.y, p2.y), x <= pythonMax(p1.x, p2.x) {
        let crossing = p1.y != p2.y ? (y - p1.y) * (p2.x - p1.x) / (p2.y - p1.y) + p1.x : p1.x
        if p1.x == p2.x || x <= crossing { inside.toggle() }
      }
      p1 = p2
    }
    return inside
  }

  /// Python's `min(a, b)`: `b` only when `b < a`.
  private static func pythonMin(_ a: Double, _ b: Double) -> Double { b < a ? b : a }

  /// Python's `max(a, b)`: `b` only when `b > a`.
  private static func pythonMax(_ a: Double, _ b: Double) -> Double { b > a ? b : a }
}
