/// Box parsing and IoU as OneThinker's grounding scorer defines them (`Evaluation/Eval/eval_bench.py`:
/// `accuracy_only`, `iou_2d`), with its `iou_2d` unpacking defect corrected to the intended formula
/// (benchmarks.md §3.16–3.18).
public enum BoxIoU {
  /// An axis-aligned box as given: x1, y1, x2, y2, in whatever coordinates the answer uses.
  public struct Box: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x1, y1, x2, y2: Double

    /// Creates a box.
    public init(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
      (self.x1, self.y1, self.x2, self.y2) = (x1, y1, x2, y2)
    }

    public var description: String {
      let parts: [String] = [x1, y1, x2, y2].map { (value: Double) -> String in
        guard value.rounded() == value, abs(value) < 1e15 else { return String(value) }
        return String(Int64(value))
      }
      return "[" + parts.joined(separator: ", ") + "]"
    }
  }

  /// Parses an answer the way the reference does: `json.loads` must give an object whose `boxes` is a list of
  /// exactly four values that Python's `float()` accepts (numbers, numeric strings, Booleans).
  public static func parseBox(_ answer: String) -> Box? {
    guard case .object(let members)? = PythonJSON.parse(answer), case .array(let items)? = members["boxes"],
      items.count == 4
    else { return nil }
    var numbers: [Double] = []
    for item in items {
      switch item {
      case .number(let number): numbers.append(number)
      case .bool(let flag): numbers.append(flag ? 1 : 0)
      case .string(let text):
        guard let number = PythonString.float(text) else { return nil }
        numbers.append(number)
      default: return nil
      }
    }
    return Box(numbers[0], numbers[1], numbers[2], numbers[3])
  }

  /// Converts a box from a model's convention to the 0–1000 grid the grounding reference compares in.
  public static func toNorm1000(_ box: Box, from format: BoxFormat, width: Double, height: Double) -> Box {
    switch format {
    case .norm1000: return box
    case .norm1: return Box(box.x1 * 1000, box.y1 * 1000, box.x2 * 1000, box.y2 * 1000)
    case .pixel:
      return Box(box.x1 * 1000 / width, box.y1 * 1000 / height, box.x2 * 1000 / width, box.y2 * 1000 / height)
    }
  }

  /// The intersection over union of two boxes as given: no clipping, no corner swap; 0 when the union is
  /// not above 1e-12.
  public static func iou(_ a: Box, _ b: Box) -> Double {
    let width = max(0, min(a.x2, b.x2) - max(a.x1, b.x1))
    let height = max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
    let intersection = width * height
    let areaA = max(0, a.x2 - a.x1) * max(0, a.y2 - a.y1)
    let areaB = max(0, b.x2 - b.x1) * max(0, b.y2 - b.y1)
    let union = areaA + areaB - intersection
    return union > 1e-12 ? intersection / union : 0
  }
}
