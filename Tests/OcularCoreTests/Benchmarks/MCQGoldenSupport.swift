// Shared helpers of the MMMU, MMBench, AI2D and EmbSpatial tests. Their golden files come from the real
// VLMEvalKit code of PyPI `ms-vlmeval==0.0.20` (scripts/golden/mcq_driver.py and refscore; see Golden/README.md).
import Foundation
import Testing

@testable import OcularCore

/// One case of `mcq_prompts.cases.jsonl`: a benchmark and a TSV record.
struct MCQPromptCase: Decodable, Sendable, Identified {
  var id: String
  var bench: String
  var record: [String: JSONValue]
}

/// The reference's messages for a prompt case, or the error it raised.
struct MCQPromptGolden: Decodable, Sendable, Identified {
  struct Message: Decodable, Sendable {
    var type: String
    var value: String
  }
  var id: String
  var messages: [Message]?
  var error: String?
}

/// A pair of a prompt case and its golden line.
struct MCQPromptPair: Sendable, CustomTestStringConvertible {
  var input: MCQPromptCase
  var golden: MCQPromptGolden
  var testDescription: String { input.id }

  static func all(bench: String) throws -> [MCQPromptPair] {
    try pairedGolden(
      cases: "mcq_prompts.cases.jsonl", golden: "mcq_prompts.golden.jsonl", MCQPromptCase.self,
      MCQPromptGolden.self
    )
    .map { MCQPromptPair(input: $0.0, golden: $0.1) }
    .filter { $0.input.bench == bench }
  }

  /// The record as a sample whose images are named by `image_path` (a name or a list literal), as the reference
  /// with `meta_only` sees them.
  var sample: Sample {
    let names = input.record["image_path"]?.cellText.map(PythonLiteral.stringList) ?? []
    let images = names.map {
      SampleImage(relativePath: $0, absolutePath: $0, format: .png, width: 1, height: 1, sha256: nil)
    }
    let id = input.record["index"]?.cellText ?? input.id
    return Sample(id: id, split: input.record["split"]?.cellText, record: input.record, images: images)
  }

  /// Checks Ocular's user turn (dataset profile) against the reference messages; empty text pieces, which the
  /// chat template renders as nothing, are dropped on both sides.
  func check(_ benchmark: any Benchmark) throws {
    let sample = sample
    if let error = golden.error {
      #expect(benchmark.validate(sample) != nil, "\(input.id): the reference fails (\(error)); Ocular must reject it")
      return
    }
    #expect(benchmark.validate(sample) == nil, "\(input.id)")
    let builder = PromptBuilder(
      benchmark: benchmark, template: try PromptTemplate(benchmark.defaultPromptTemplate), profile: .dataset)
    let messages = builder.messages(for: sample)
    try #require(messages.count == 1)
    let expected: [ContentPart] = (golden.messages ?? []).compactMap { message in
      if message.type == "image" { return .image(path: message.value) }
      return message.value.isEmpty ? nil : .text(message.value)
    }
    #expect(messages[0].role == .user)
    #expect(messages[0].content == expected, "\(input.id)")
  }
}

/// An extraction whose answer is the given prediction (the golden cases give the post-extraction prediction).
func predictionExtraction(_ prediction: String) -> Extraction {
  Extraction(raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: false, isAnswerInThink: false)
}

/// Decodes a metrics JSON file of the golden folder.
func goldenJSON<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
  try JSONDecoder().decode(T.self, from: Data(contentsOf: TestPaths.golden(name)))
}

/// One split's row of `report_acc`, with the columns split by dimension.
struct ReportAccRow: Decodable, Sendable {
  var Overall: Double
  var category: [String: Double?]?
  var l2Category: [String: Double?]?

  private enum CodingKeys: String, CodingKey {
    case Overall, category
    case l2Category = "l2-category"
  }
}

/// The value of a summary cell, if present.
func summaryValue(_ summary: SuiteSummary, _ dimension: String, _ key: String) -> MetricValue? {
  summary.values.first { $0.dimension == dimension && $0.key == key && $0.metric == summary.headlineMetric }
}
