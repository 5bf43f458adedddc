import Foundation
import OcularCore

/// The lifecycle of a run.
public enum RunStatus: String, Sendable, Codable, Hashable {
  /// Being evaluated now, or killed before it could say otherwise.
  case running
  /// Every sample was attempted.
  case completed
  /// Stopped by the user before the end; resumable.
  case interrupted
  /// Stopped because the model could not answer (a streak of failures of one kind); resumable.
  case failed
}

/// A run as the store keeps it: what was evaluated, how, and by which harness.
public struct RunRecord: Sendable, Hashable, Codable {
  /// The run's id, assigned by the store.
  public var id: Int64
  /// When the run was created (ISO 8601).
  public var createdAt: String
  /// When the run last finished (ISO 8601).
  public var finishedAt: String?
  /// The lifecycle status.
  public var status: RunStatus
  /// The model spec as given (`builtin:oracle`, `replay:preds.jsonl`).
  public var modelSpec: String
  /// The model's name from the adapter.
  public var modelName: String
  /// The adapter's self-description, as JSON.
  public var adapterJSON: String
  /// Generation parameters, as JSON.
  public var parametersJSON: String
  /// The prompt profile (`paper`, `dataset`).
  public var promptProfile: String
  /// The scoring profile id, with its options (`vlmevalkit-0.0.20+onethinker; boxed=unwrap`).
  public var scoringProfile: String
  /// Scoring options, as JSON.
  public var scoringOptionsJSON: String
  /// Answers asked per sample.
  public var repeats: Int
  /// The harness version.
  public var harnessVersion: String
  /// The harness's git revision, when known.
  public var gitRevision: String?
  /// The suite names, in evaluation order.
  public var suiteNames: [String]

  /// Creates a record; the store assigns the id.
  public init(
    id: Int64 = 0, createdAt: String, finishedAt: String? = nil, status: RunStatus = .running, modelSpec: String,
    modelName: String, adapterJSON: String, parametersJSON: String, promptProfile: String, scoringProfile: String,
    scoringOptionsJSON: String, repeats: Int, harnessVersion: String, gitRevision: String?, suiteNames: [String]
  ) {
    self.id = id
    self.createdAt = createdAt
    self.finishedAt = finishedAt
    self.status = status
    self.modelSpec = modelSpec
    self.modelName = modelName
    self.adapterJSON = adapterJSON
    self.parametersJSON = parametersJSON
    self.promptProfile = promptProfile
    self.scoringProfile = scoringProfile
    self.scoringOptionsJSON = scoringOptionsJSON
    self.repeats = repeats
    self.harnessVersion = harnessVersion
    self.gitRevision = gitRevision
    self.suiteNames = suiteNames
  }
}

/// A suite of a run: which data, how scored, and its summary.
public struct RunSuiteRecord: Sendable, Hashable, Codable {
  /// The run.
  public var runID: Int64
  /// The suite name.
  public var suite: String
  /// The benchmark id.
  public var benchmark: String
  /// The display name.
  public var title: String
  /// The benchmark group.
  public var group: String
  /// The metric id.
  public var metric: String
  /// The headline metric's name.
  public var headlineMetric: String
  /// The judge label (`none`, `exact_matching`, `rule-only`).
  public var judgeLabel: String
  /// The reference the scorer follows.
  public var reference: String
  /// The suite's content hash (manifest, records, images).
  public var contentHash: String
  /// Samples in the suite.
  public var sampleCount: Int
  /// A Boolean value that indicates whether full imported data was used rather than the bundled sample set.
  public var isFullData: Bool
  /// The suite folder.
  public var folder: String
  /// The headline number, once scored.
  public var headline: Double?
  /// Samples whose answer could not be parsed, once scored.
  public var unparsedCount: Int?
  /// Samples with no usable answer, once scored.
  public var errorCount: Int?
  /// Seconds spent evaluating, summed over resumptions.
  public var seconds: Double
  /// The named scoring profile the suite was scored under.
  public var scoringProfile: ScoringProfile

  /// Creates a record.
  public init(
    runID: Int64, suite: String, benchmark: String, title: String, group: String, metric: String,
    headlineMetric: String, judgeLabel: String, reference: String, contentHash: String, sampleCount: Int,
    isFullData: Bool, folder: String, headline: Double? = nil, unparsedCount: Int? = nil, errorCount: Int? = nil,
    seconds: Double = 0, scoringProfile: ScoringProfile = .default
  ) {
    self.runID = runID
    self.suite = suite
    self.benchmark = benchmark
    self.title = title
    self.group = group
    self.metric = metric
    self.headlineMetric = headlineMetric
    self.judgeLabel = judgeLabel
    self.reference = reference
    self.contentHash = contentHash
    self.sampleCount = sampleCount
    self.isFullData = isFullData
    self.folder = folder
    self.headline = headline
    self.unparsedCount = unparsedCount
    self.errorCount = errorCount
    self.seconds = seconds
    self.scoringProfile = scoringProfile
  }

  /// The note shown with the suite when its benchmark does not define its scoring profile (the default rule was
  /// kept), or nil.
  public var scoringProfileNote: String? {
    scoringProfile.note(definedBy: BenchmarkRegistry.benchmark(id: benchmark)?.defines(scoringProfile) ?? true)
  }
}

/// The key that pairs samples across runs.
public struct SampleKey: Sendable, Hashable, Codable {
  /// The suite name.
  public var suite: String
  /// The sample id.
  public var sampleID: String
  /// The repeat index.
  public var repeatIndex: Int

  /// Creates a key.
  public init(suite: String, sampleID: String, repeatIndex: Int) {
    self.suite = suite
    self.sampleID = sampleID
    self.repeatIndex = repeatIndex
  }
}

/// One answered (or failed) sample as the store keeps it.
public struct SampleRecord: Sendable, Hashable {
  /// The run.
  public var runID: Int64
  /// Which sample and repeat.
  public var key: SampleKey
  /// ok, unparsed or error.
  public var status: SampleStatus
  /// The primary score (0 for errors).
  public var score: Double
  /// Secondary measures, as JSON.
  public var measuresJSON: String
  /// What the scorer read from the answer.
  public var parsed: String?
  /// Reference behaviours that decided the sample.
  public var notes: [String]
  /// The breakdown keys, as JSON.
  public var breakdownJSON: String
  /// The request's messages and parameters, as JSON.
  public var requestJSON: String
  /// The raw response, verbatim.
  public var response: String?
  /// The reasoning block.
  public var thinking: String?
  /// The extracted answer the scorer received.
  public var extracted: String?
  /// A Boolean value that indicates whether an answer tag was found.
  public var hasAnswerTag: Bool
  /// A Boolean value that indicates whether the answer taken sat inside the think block.
  public var isAnswerInThink: Bool
  /// The reason of an error.
  public var errorReason: String?
  /// Every call to the LLM judge made for the sample (prompt, settings, reply or failure), in order.
  public var judgeExchanges: [JudgeExchange]
  /// The adapter's notes on the response, which ``notes`` also starts with (a rescore keeps them).
  public var responseNotes: [String]
  /// Milliseconds the model took.
  public var latencyMilliseconds: Double?
  /// Prompt tokens, when reported.
  public var promptTokens: Int?
  /// Completion tokens, when reported.
  public var completionTokens: Int?
  /// How many token log-probabilities the adapter returned, when it returned any.
  public var logprobCount: Int?
  /// The mean of −log p over the returned tokens (the paper's entropy proxy), when the adapter returned logprobs.
  public var meanNegativeLogprob: Double?

  /// Creates a record.
  public init(
    runID: Int64, key: SampleKey, status: SampleStatus, score: Double, measuresJSON: String = "{}",
    parsed: String? = nil, notes: [String] = [], breakdownJSON: String = "[]", requestJSON: String,
    response: String?, thinking: String? = nil, extracted: String? = nil, hasAnswerTag: Bool = false,
    isAnswerInThink: Bool = false, errorReason: String? = nil, judgeExchanges: [JudgeExchange] = [],
    responseNotes: [String] = [],
    latencyMilliseconds: Double? = nil,
    promptTokens: Int? = nil, completionTokens: Int? = nil, logprobCount: Int? = nil,
    meanNegativeLogprob: Double? = nil
  ) {
    self.runID = runID
    self.key = key
    self.status = status
    self.score = score
    self.measuresJSON = measuresJSON
    self.parsed = parsed
    self.notes = notes
    self.breakdownJSON = breakdownJSON
    self.requestJSON = requestJSON
    self.response = response
    self.thinking = thinking
    self.extracted = extracted
    self.hasAnswerTag = hasAnswerTag
    self.isAnswerInThink = isAnswerInThink
    self.errorReason = errorReason
    self.judgeExchanges = judgeExchanges
    self.responseNotes = responseNotes
    self.latencyMilliseconds = latencyMilliseconds
    self.promptTokens = promptTokens
    self.completionTokens = completionTokens
    self.logprobCount = logprobCount
    self.meanNegativeLogprob = meanNegativeLogprob
  }

  /// The breakdown cells.
  public var breakdown: [BreakdownKey] {
    // Most benchmarks have no breakdown: `[]` needs no parser.
    if breakdownJSON == "[]" { return [] }
    guard case .array(let items)? = try? JSONValue.parse(Data(breakdownJSON.utf8)) else { return [] }
    return items.compactMap { item -> BreakdownKey? in
      guard case .array(let pair) = item, pair.count == 2, let dimension = pair[0].stringValue,
        let key = pair[1].stringValue
      else { return nil }
      return BreakdownKey(dimension, key)
    }
  }

  /// The secondary measures, the training reward's included.
  public var measures: [String: Double] { Self.measures(in: measuresJSON, keepingReward: true) }

  /// The benchmark's own measures: the secondary measures without the training reward's (what aggregators read).
  public var benchmarkMeasures: [String: Double] { Self.measures(in: measuresJSON, keepingReward: false) }

  /// Parses a stored measures object, optionally leaving out the `reward.*` keys.
  static func measures(in json: String, keepingReward: Bool) -> [String: Double] {
    if let measures = flatMeasures(in: json, keepingReward: keepingReward) { return measures }
    guard case .object(let values)? = try? JSONValue.parse(Data(json.utf8)) else { return [:] }
    let measures = values.compactMapValues(\.numberValue)
    return keepingReward ? measures : TrainingReward.removingRewardMeasures(measures)
  }

  /// The measures of `{"key":number,…}` as Ocular writes it (keys without escapes), read in one scan; nil for any
  /// other text, which the general parser then reads. Summaries read this once per sample.
  static func flatMeasures(in json: String, keepingReward: Bool) -> [String: Double]? {
    var json = json
    return json.withUTF8 { bytes -> [String: Double]? in
      let count = bytes.count
      guard count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[count - 1] == UInt8(ascii: "}") else { return nil }
      var measures: [String: Double] = [:]
      var index = 1
      if count == 2 { return measures }
      let reward = Array(TrainingReward.measurePrefix.utf8)
      while true {
        guard index < count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let keyStart = index + 1
        var keyEnd = keyStart
        while keyEnd < count, bytes[keyEnd] != UInt8(ascii: "\"") {
          if bytes[keyEnd] == UInt8(ascii: "\\") || bytes[keyEnd] < 0x20 { return nil }
          keyEnd += 1
        }
        guard keyEnd + 1 < count, bytes[keyEnd + 1] == UInt8(ascii: ":") else { return nil }
        let valueStart = keyEnd + 2
        var valueEnd = valueStart
        while valueEnd < count, bytes[valueEnd] != UInt8(ascii: ","), bytes[valueEnd] != UInt8(ascii: "}") {
          valueEnd += 1
        }
        guard valueEnd < count, valueEnd > valueStart else { return nil }
        let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd])
        if keepingReward || !key.starts(with: reward) {
          guard let value = Self.number(UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])) else { return nil }
          measures[String(decoding: key, as: UTF8.self)] = value
        }
        if bytes[valueEnd] == UInt8(ascii: "}") { return valueEnd == count - 1 ? measures : nil }
        index = valueEnd + 1
      }
    }
  }

  /// A JSON number as Ocular writes it (an integer, or Swift's shortest form of a double); nil for anything else.
  private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    var isInteger = bytes.count <= 15
    var value = 0
    for (offset, byte) in bytes.enumerated() {
      if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      } else if !(offset == 0 && byte == UInt8(ascii: "-") && bytes.count > 1) {
        isInteger = false
        break
      }
    }
    if isInteger { return bytes[0] == UInt8(ascii: "-") ? -Double(value) : Double(value) }
    // Only number characters: `Double(_:)` would also accept "nan" or "inf", which JSON spells otherwise.
    guard
      bytes.allSatisfy({
        ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
          || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
      })
    else { return nil }
    return Double(String(decoding: bytes, as: UTF8.self))
  }
}
