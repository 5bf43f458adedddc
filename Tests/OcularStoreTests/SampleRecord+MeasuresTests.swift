import Foundation
import Testing

@testable import OcularCore
@testable import OcularStore

/// The general reading of a stored measures object, the one the fast scan must agree with.
private func generalMeasures(_ json: String, keepingReward: Bool) -> [String: Double] {
  guard case .object(let values)? = try? JSONValue.parse(Data(json.utf8)) else { return [:] }
  let measures = values.compactMapValues(\.numberValue)
  return keepingReward ? measures : measures.filter { !$0.key.hasPrefix("reward.") }
}

/// Equality that counts two NaNs as equal.
private func same(_ left: [String: Double], _ right: [String: Double]) -> Bool {
  left.count == right.count
    && left.allSatisfy { key, value in
      guard let other = right[key] else { return false }
      return value == other || (value.isNaN && other.isNaN)
    }
}

@Suite("Stored measures: the one-scan reader agrees with the JSON parser")
struct SampleRecordMeasuresTests {
  @Test func measuresAsOcularWritesThemTakeTheFastScanAndAgree() {
    var random = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      var measures: [String: Double] = [:]
      for _ in 0..<Int.random(in: 0...7, using: &random) {
        let key = ["anls", "relaxed", "iou", "reward.format", "reward.overall", "acc@0.5", "ca", "é"].randomElement()!
        let value: Double =
          switch Int.random(in: 0...4, using: &random) {
          case 0: Double(Int.random(in: -3...3))
          case 1: Double.random(in: 0...1)
          case 2: Double.random(in: -1e-7...1e-7)
          case 3: Double.random(in: -1e300...1e300)
          default: 1e15 + Double(Int.random(in: 0...9))
          }
        measures[key] = value
      }
      let json = JSONValue.object(measures.mapValues(JSONValue.number)).jsonText()
      for keepingReward in [true, false] {
        let fast = SampleRecord.flatMeasures(in: json, keepingReward: keepingReward)
        #expect(fast != nil, "\(json) fell back to the general parser")
        #expect(same(fast ?? [:], generalMeasures(json, keepingReward: keepingReward)), "\(json)")
      }
    }
  }

  @Test(arguments: [
    #"{"a":NaN,"b":1}"#, #"{"a":Infinity}"#, #"{"a\"b":1}"#, #"{ "a": 1 }"#, #"{"a":"x"}"#, #"{"a":[1]}"#,
    #"{"a":1}x"#, #"{"a":}"#, #"{"a":-}"#, #"{"a":1,}"#, "{}", "", "[]", #"{"a":1e5,"reward.x":2}"#,
    #"{"a":nan}"#, #"{"a":0x10}"#,
  ])
  func otherTextIsReadAsTheJSONParserReadsIt(json: String) {
    for keepingReward in [true, false] {
      #expect(
        same(
          SampleRecord.measures(in: json, keepingReward: keepingReward),
          generalMeasures(json, keepingReward: keepingReward)))
    }
  }
}
