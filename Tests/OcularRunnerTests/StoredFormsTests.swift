import Foundation
import OcularCore
import Testing

@testable import OcularRunner

/// The stored JSON of each sample (request, measures, breakdown) is written directly for speed; it must be exactly
/// what the general writer, `JSONValue.jsonText()`, gives.
@Suite struct StoredFormsTests {
  static let texts = ["", "a", "split", "val", "é\u{301}", "quote \" and \\ and \n", "\u{0}", "😀", "Zz", "reward.x"]

  @Test func measuresAreWrittenAsTheGeneralWriterWritesThem() {
    var state: UInt64 = 42
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33)
    }
    let values: [Double] = [0, 1, -1, 0.5, 1e-7, 1e15, 123_456.789, .nan, .infinity, -.infinity, 2.0 / 3]
    for _ in 0..<500 {
      var measures: [String: Double] = [:]
      for _ in 0..<next() % 6 { measures[Self.texts[next() % Self.texts.count]] = values[next() % values.count] }
      #expect(
        Evaluator.measuresJSON(measures) == JSONValue.object(measures.mapValues(JSONValue.number)).jsonText(),
        "\(measures)")
    }
  }

  @Test func breakdownsAreWrittenAsTheGeneralWriterWritesThem() {
    for count in 0..<4 {
      let keys = (0..<count).map {
        BreakdownKey(Self.texts[$0 * 3 % Self.texts.count], Self.texts[($0 * 7 + 5) % Self.texts.count])
      }
      #expect(
        Evaluator.breakdownJSON(keys)
          == JSONValue.array(keys.map { .array([.string($0.dimension), .string($0.key)]) }).jsonText())
    }
  }

  @Test func requestsAreWrittenAsTheGeneralWriterWritesThem() {
    let request = Request(
      suite: "s", sampleID: "1",
      messages: [
        ChatMessage(role: .system, content: [.text("You are \"careful\".\n")]),
        ChatMessage(role: .user, content: [.image(path: "/a/b.png"), .text("Q? é\u{0}"), .image(path: "c.jpg")]),
      ],
      parameters: GenerationParameters(temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 0))
    let general = JSONValue.object([
      "messages": .array(
        request.messages.map { message in
          .object([
            "role": .string(message.role.rawValue),
            "content": .array(
              message.content.map { part in
                switch part {
                case .text(let text): .object(["type": .string("text"), "text": .string(text)])
                case .image(let path): .object(["type": .string("image"), "path": .string(path)])
                }
              }),
          ])
        }),
      "params": .object([
        "max_tokens": .number(8192), "seed": .number(0), "temperature": .number(0.1), "top_p": .number(0.001),
      ]),
    ])
    #expect(Evaluator.requestJSON(request) == general.jsonText())
  }
}
