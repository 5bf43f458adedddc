import Foundation
import OcularCore

/// Predictions made elsewhere, read from a JSONL file of `{"suite", "id", "response"}` lines and scored here.
///
/// An optional integer `repeat` field addresses repeated answers (default 0). A request the file has no line for
/// fails with ``ModelError/noPrediction``, which the run stores as an error. Bytes that are not UTF-8 and escapes of
/// unpaired surrogates are read as U+FFFD (see ``JSONValue/parseRepairing(_:)``), and the sample notes it.
public struct ReplayAdapter: ModelAdapter {
  private struct Key: Hashable {
    var suite: String
    var id: String
    var repeatIndex: Int
  }

  private let predictions: [Key: (text: String, notes: [String])]
  /// The file's path.
  public let path: String

  /// Reads a replay file; a malformed line is an error naming the file and line.
  public init(path: String) throws(ModelError) {
    self.path = path
    let reader: LineReader
    do {
      reader = try LineReader(path: path)
    } catch {
      throw .unreadable(path: path, reason: "no such file or not readable")
    }
    var predictions: [Key: (text: String, notes: [String])] = [:]
    while true {
      let line: ArraySlice<UInt8>?
      do {
        line = try reader.next()
      } catch {
        throw .invalidReplay(path: path, line: reader.lineNumber + 1, message: "line too long")
      }
      guard let line else { break }
      let number = reader.lineNumber
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      guard case let (parsed, repairs)? = JSONValue.parseRepairing(line), case .object(let object) = parsed else {
        throw .invalidReplay(path: path, line: number, message: "not a JSON object")
      }
      guard let suite = object["suite"]?.stringValue else {
        throw .invalidReplay(path: path, line: number, message: "missing string field \"suite\"")
      }
      guard let id = object["id"]?.cellText else {
        throw .invalidReplay(path: path, line: number, message: "missing field \"id\" (string or integer)")
      }
      guard let response = object["response"]?.stringValue else {
        throw .invalidReplay(path: path, line: number, message: "missing string field \"response\"")
      }
      var repeatIndex = 0
      if let value = object["repeat"] {
        guard let number = value.numberValue, number >= 0, number.rounded() == number else {
          throw .invalidReplay(path: path, line: number, message: "field \"repeat\" must be a non-negative integer")
        }
        repeatIndex = Int(number)
      }
      let key = Key(suite: suite, id: id, repeatIndex: repeatIndex)
      guard predictions[key] == nil else {
        throw .invalidReplay(path: path, line: number, message: "duplicate prediction for \(suite)/\(id)")
      }
      predictions[key] = (response, response.contains("\u{FFFD}") ? repairs.notes : [])
    }
    self.predictions = predictions
  }

  /// The number of predictions in the file.
  public var count: Int { predictions.count }

  public var description: AdapterDescription {
    AdapterDescription(
      model: "replay:\((path as NSString).lastPathComponent)", kind: "replay", maxConcurrency: 64)
  }

  public func generate(_ request: Request) async throws -> Response {
    let key = Key(suite: request.suite, id: request.sampleID, repeatIndex: request.repeatIndex)
    guard let prediction = predictions[key] else { throw ModelError.noPrediction }
    return Response(text: prediction.text, notes: prediction.notes)
  }
}
