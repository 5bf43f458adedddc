import OcularCore
import OcularStore

/// Which per-answer reward the advantage tables use.
public enum RewardSource: String, Sendable, Hashable, Codable, CaseIterable {
  /// The benchmark's primary score, on 0–1.
  case score
  /// The training reward's `overall` (0.9·accuracy + 0.1·format + structure), for items with a problem type.
  case overall
}

/// What the advantage tables pool as one task.
public enum TaskKey: String, Sendable, Hashable, Codable, CaseIterable {
  /// The six benchmark groups, which map one-to-one onto the paper's training task types (benchmarks.md §5).
  case group
  /// Each benchmark suite on its own.
  case benchmark
}

/// Where a task's mean token entropy lies against the paper's band [0.2, 0.6].
public enum EntropyBand: String, Sendable, Hashable, Codable {
  /// Below 0.2: collapsing.
  case below
  /// Within [0.2, 0.6].
  case within
  /// Above 0.6: exploding.
  case above

  /// The band's lower bound.
  public static let lowerBound = 0.2
  /// The band's upper bound.
  public static let upperBound = 0.6

  /// The band of a mean −log p.
  public init(entropy: Double) {
    self = entropy < Self.lowerBound ? .below : entropy > Self.upperBound ? .above : .within
  }
}

/// The options of an analysis.
public struct AnalysisSettings: Sendable, Hashable {
  /// Only this suite, when set.
  public var suite: String?
  /// The reward the advantages are computed from.
  public var reward: RewardSource
  /// What one task is.
  public var taskKey: TaskKey

  /// Creates settings; the defaults analyse every suite on the benchmark score, pooling tasks by group.
  public init(suite: String? = nil, reward: RewardSource = .score, taskKey: TaskKey = .group) {
    self.suite = suite
    self.reward = reward
    self.taskKey = taskKey
  }
}

/// A failure to analyse a run.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
  /// The run has no suite of that name.
  case unknownSuite(suite: String, run: Int64, known: [String])

  /// The one-line message.
  public var description: String {
    switch self {
    case .unknownSuite(let suite, let run, let known):
      return "run \(run) has no suite \"\(suite)\" (it has: \(known.joined(separator: ", ")))"
    }
  }
}

/// One value of a statistic at some k.
public struct ValueAtK: Sendable, Hashable, Codable {
  /// The k.
  public var k: Int
  /// The value, a fraction in [0, 1].
  public var value: Double
}

/// The analytics of one slice of a run: a benchmark suite, or a group pooling its suites.
public struct SliceAnalysis: Sendable, Hashable, Codable {
  /// The suite name, or the group id.
  public var name: String
  /// The display name.
  public var title: String
  /// The group's display name.
  public var group: String
  /// The benchmark metric (suites only).
  public var metric: String?
  /// The score at which one answer counts as a success (suites only).
  public var successThreshold: Double?
  /// Distinct items.
  public var items: Int
  /// Stored answers (items × repeats, when complete).
  public var samples: Int
  /// Items with every repeat stored; the pass, majority, histogram and share statistics use only these.
  public var completeItems: Int
  /// pass@k (unbiased estimator), averaged over complete items.
  public var passAtK: [ValueAtK]
  /// maj@k, averaged over complete items (only with 2 or more repeats).
  public var majorityAtK: [ValueAtK]
  /// Complete items by number of successful repeats, index c = 0…repeats (only with 2 or more repeats).
  public var successHistogram: [Int]
  /// The share of complete items whose repeats all succeed (only with 2 or more repeats).
  public var allCorrectShare: Double?
  /// The share of complete items whose repeats all fail (only with 2 or more repeats).
  public var allWrongShare: Double?
  /// The mean response length over answered samples, in ``lengthUnit``.
  public var meanLength: Double?
  /// `tokens` when every answered sample reported completion tokens, else `characters`.
  public var lengthUnit: String
  /// The share of answered samples formatted `<think>…</think><answer>…</answer>` (the evaluation prompt's tags).
  public var formatRateThink: Double?
  /// The share formatted `<thinking>…</thinking><answer>…</answer>` (the training reward's tags).
  public var formatRateThinking: Double?
  /// Samples that carry the training reward (their item has a problem type).
  public var rewardSamples: Int
  /// The mean training reward `overall` over those samples.
  public var meanRewardOverall: Double?
  /// The mean training reward `accuracy` over those samples.
  public var meanRewardAccuracy: Double?
  /// Tokens behind the entropy (samples that returned logprobs).
  public var entropyTokens: Int
  /// The token mean of −log p of the sampled tokens, when the adapter returned logprobs.
  public var meanTokenEntropy: Double?
  /// Where the entropy lies against [0.2, 0.6].
  public var entropyBand: EntropyBand?
}

/// The statistics of one estimator's advantages over a task.
public struct MethodAdvantages: Sendable, Hashable, Codable {
  /// The estimator: `grpo`, `grpo_unbiased`, `dr_grpo` or `g2rpo`.
  public var method: String
  /// Mean, std, skewness, excess kurtosis, max |A| and Σ|A|.
  public var moments: Moments
  /// The task's share of the total |A| over all tasks under this estimator.
  public var share: Double
  /// Counts of advantages per bin of ``RunAnalysis/advantageBinEdges`` (values beyond the ends fall in the end bins).
  public var histogram: [Int]
}

/// The advantages every estimator would give one task's answers.
public struct TaskAdvantages: Sendable, Hashable, Codable {
  /// The task: a group id or a suite name.
  public var task: String
  /// The display name.
  public var title: String
  /// Prompt groups (items with every repeat).
  public var items: Int
  /// Answers.
  public var samples: Int
  /// One entry per estimator.
  public var methods: [MethodAdvantages]
}

/// The training-signal analytics of one run (`ocular analyze`): pass@k, maj@k, success histograms, length, format,
/// entropy and the advantages of the GRPO family per task.
public struct RunAnalysis: Sendable, Hashable, Codable {
  /// The run id.
  public var run: Int64
  /// The model spec.
  public var model: String
  /// Answers asked per item.
  public var repeats: Int
  /// The reward the advantages use.
  public var reward: RewardSource
  /// What a task is.
  public var taskKey: TaskKey
  /// The k values reported.
  public var ks: [Int]
  /// Plain-language notes (a single-repeat run, unmapped items, …).
  public var notes: [String]
  /// One slice per suite.
  public var benchmarks: [SliceAnalysis]
  /// One slice per group, pooling its suites' items.
  public var groups: [SliceAnalysis]
  /// One entry per task (empty with fewer than 2 repeats).
  public var advantages: [TaskAdvantages]

  /// The estimators, in report order.
  public static let methods = ["grpo", "grpo_unbiased", "dr_grpo", "g2rpo"]
  /// The edges of the advantage histogram bins: −3.5, −3, …, 3.5.
  public static let advantageBinEdges = stride(from: -3.5, through: 3.5, by: 0.5).map { $0 }

  /// Analyses a stored run.
  public static func analyze(store: RunStore, run id: Int64, settings: AnalysisSettings = AnalysisSettings()) throws
    -> RunAnalysis
  {
    let run = try store.run(id: id)
    var suites = try store.suites(run: id)
    if let name = settings.suite {
      guard suites.contains(where: { $0.suite == name }) else {
        throw AnalysisError.unknownSuite(suite: name, run: id, known: suites.map(\.suite))
      }
      suites = suites.filter { $0.suite == name }
    }
    var loaded: [LoadedSuite] = []
    for suite in suites {
      var items: [String: [Int: Answer]] = [:]
      var order: [String] = []
      try store.forEachSample(run: id, suite: suite.suite) { record in
        if items[record.key.sampleID] == nil { order.append(record.key.sampleID) }
        items[record.key.sampleID, default: [:]][record.key.repeatIndex] = Answer(record, metric: suite.metric)
      }
      loaded.append(LoadedSuite(record: suite, items: order.map { items[$0]! }))
    }
    let repeats = run.repeats
    var notes: [String] = []
    if repeats < 2 {
      notes.append(
        "run \(id) has 1 repeat: pass@k for k > 1, maj@k, success histograms and advantages need "
          + "`ocular eval --repeats N` with N ≥ 2 (and a temperature above 0)")
    }
    let benchmarks = loaded.map { suite in
      slice(
        name: suite.record.suite, title: suite.record.title, group: groupTitle(suite.record.group),
        metric: suite.record.metric, items: suite.items, repeats: repeats)
    }
    var groupOrder: [String] = []
    var groupItems: [String: [[Int: Answer]]] = [:]
    for suite in loaded {
      if groupItems[suite.record.group] == nil { groupOrder.append(suite.record.group) }
      groupItems[suite.record.group, default: []] += suite.items
    }
    let groups = groupOrder.map { group in
      slice(
        name: group, title: groupTitle(group), group: groupTitle(group), metric: nil, items: groupItems[group]!,
        repeats: repeats)
    }
    var advantages: [TaskAdvantages] = []
    if repeats >= 2 {
      var tasks: [(key: String, title: String, items: [[Int: Answer]])] = []
      switch settings.taskKey {
      case .group:
        tasks = groupOrder.map { ($0, groupTitle($0), groupItems[$0]!) }
      case .benchmark:
        tasks = loaded.map { ($0.record.suite, $0.record.title, $0.items) }
      }
      advantages = taskAdvantages(tasks, repeats: repeats, reward: settings.reward)
      if settings.reward == .overall {
        let unmapped = loaded.flatMap(\.items).filter { item in item.values.allSatisfy { $0.rewardOverall == nil } }
        if !unmapped.isEmpty {
          notes.append(
            "\(unmapped.count) item(s) carry no training reward (no clean problem type, or scored before rewards "
              + "were stored; `ocular rescore` adds them) and are left out of the advantages")
        }
      }
    }
    let incomplete = benchmarks.reduce(0) { $0 + $1.items - $1.completeItems }
    if incomplete > 0 {
      notes.append("\(incomplete) item(s) lack some repeats (an interrupted run?) and are left out of pass@k and maj@k")
    }
    return RunAnalysis(
      run: id, model: run.modelSpec, repeats: repeats, reward: settings.reward, taskKey: settings.taskKey,
      ks: SuccessStatistics.reportedKs(repeats: repeats), notes: notes, benchmarks: benchmarks, groups: groups,
      advantages: advantages)
  }

  // MARK: - Loading

  struct Answer {
    var isAnswered: Bool
    var isSuccess: Bool
    var score: Double
    var vote: String?
    var characters: Int?
    var tokens: Int?
    var isFormattedThink: Bool
    var isFormattedThinking: Bool
    var rewardOverall: Double?
    var rewardAccuracy: Double?
    var logprobCount: Int?
    var meanNegativeLogprob: Double?

    init(_ record: SampleRecord, metric: String) {
      let response = record.response
      isAnswered = record.status != .error && response != nil
      score = record.status == .error ? 0 : record.score
      isSuccess = isAnswered && SuccessStatistics.isSuccess(score: score, metric: metric)
      vote = isAnswered ? (record.parsed ?? record.extracted).map(SuccessStatistics.normalizedAnswer) : nil
      characters = isAnswered ? response.map { PythonString.length($0) } : nil
      tokens = isAnswered ? record.completionTokens : nil
      let text = isAnswered ? TrainingReward.preprocess(response ?? "") : ""
      isFormattedThink = isAnswered && TrainingReward.isFormatted(text, thinkTag: "think")
      isFormattedThinking = isAnswered && TrainingReward.isFormatted(text, thinkTag: "thinking")
      let measures = record.measures
      rewardOverall = measures["reward.overall"]
      rewardAccuracy = measures["reward.accuracy"]
      logprobCount = record.logprobCount
      meanNegativeLogprob = record.meanNegativeLogprob
    }
  }

  struct LoadedSuite {
    var record: RunSuiteRecord
    var items: [[Int: Answer]]
  }

  static func groupTitle(_ group: String) -> String {
    BenchmarkGroup(rawValue: group)?.title ?? group
  }

  // MARK: - Slices

  static func slice(
    name: String, title: String, group: String, metric: String?, items: [[Int: Answer]], repeats: Int
  ) -> SliceAnalysis {
    let complete = items.filter { item in (0..<repeats).allSatisfy { item[$0] != nil } }
    let ks = SuccessStatistics.reportedKs(repeats: repeats)
    let successes = complete.map { item in (0..<repeats).filter { item[$0]!.isSuccess }.count }
    func mean(_ values: [Double]) -> Double? {
      values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
    let passAtK = ks.compactMap { k in
      mean(successes.map { SuccessStatistics.passAtK(n: repeats, c: $0, k: k) }).map { ValueAtK(k: k, value: $0) }
    }
    var majorityAtK: [ValueAtK] = []
    var histogram: [Int] = []
    var allCorrect: Double?
    var allWrong: Double?
    if repeats >= 2, !complete.isEmpty {
      let votes = complete.map { item in
        (0..<repeats).map { SuccessStatistics.Vote(answer: item[$0]!.vote, isSuccess: item[$0]!.isSuccess) }
      }
      majorityAtK = ks.compactMap { k in
        mean(votes.map { SuccessStatistics.isMajorityCorrect($0, k: k) ? 1 : 0 }).map { ValueAtK(k: k, value: $0) }
      }
      histogram = Array(repeating: 0, count: repeats + 1)
      for count in successes { histogram[count] += 1 }
      allCorrect = Double(histogram[repeats]) / Double(complete.count)
      allWrong = Double(histogram[0]) / Double(complete.count)
    }
    let answers = items.flatMap(\.values)
    let answered = answers.filter(\.isAnswered)
    let usesTokens = !answered.isEmpty && answered.allSatisfy { $0.tokens != nil }
    let lengths = answered.map { Double(usesTokens ? $0.tokens! : $0.characters ?? 0) }
    let rewarded = answers.filter { $0.rewardOverall != nil }
    let withLogprobs = answers.filter { ($0.logprobCount ?? 0) > 0 && $0.meanNegativeLogprob != nil }
    let tokens = withLogprobs.reduce(0) { $0 + $1.logprobCount! }
    let entropy =
      tokens == 0
      ? nil : withLogprobs.reduce(0.0) { $0 + $1.meanNegativeLogprob! * Double($1.logprobCount!) } / Double(tokens)
    return SliceAnalysis(
      name: name, title: title, group: group, metric: metric,
      successThreshold: metric.map(SuccessStatistics.successThreshold(metric:)), items: items.count,
      samples: answers.count, completeItems: complete.count, passAtK: passAtK, majorityAtK: majorityAtK,
      successHistogram: histogram, allCorrectShare: allCorrect, allWrongShare: allWrong, meanLength: mean(lengths),
      lengthUnit: usesTokens ? "tokens" : "characters",
      formatRateThink: mean(answered.map { $0.isFormattedThink ? 1 : 0 }),
      formatRateThinking: mean(answered.map { $0.isFormattedThinking ? 1 : 0 }), rewardSamples: rewarded.count,
      meanRewardOverall: mean(rewarded.map { $0.rewardOverall! }),
      meanRewardAccuracy: mean(rewarded.compactMap(\.rewardAccuracy)), entropyTokens: tokens,
      meanTokenEntropy: entropy, entropyBand: entropy.map(EntropyBand.init(entropy:)))
  }

  // MARK: - Advantages

  static func taskAdvantages(
    _ tasks: [(key: String, title: String, items: [[Int: Answer]])], repeats: Int, reward: RewardSource
  ) -> [TaskAdvantages] {
    var perTask: [(key: String, title: String, items: Int, values: [String: [Double]])] = []
    for task in tasks {
      var groups: [[Double]] = []
      for item in task.items {
        guard (0..<repeats).allSatisfy({ item[$0] != nil }) else { continue }
        let answers = (0..<repeats).map { item[$0]! }
        switch reward {
        case .score:
          groups.append(answers.map(\.score))
        case .overall:
          // An item is rewarded when any answer carries the reward; an answer in error earns 0.
          guard answers.contains(where: { $0.rewardOverall != nil }) else { continue }
          groups.append(answers.map { $0.rewardOverall ?? 0 })
        }
      }
      guard !groups.isEmpty else { continue }
      let values: [String: [Double]] = [
        "grpo": groups.flatMap { Advantages.grpo($0, deviation: .population) },
        "grpo_unbiased": groups.flatMap { Advantages.grpo($0, deviation: .unbiased) },
        "dr_grpo": groups.flatMap(Advantages.drGRPO),
        "g2rpo": Advantages.g2rpo(groups: groups).flatMap { $0 },
      ]
      perTask.append((task.key, task.title, groups.count, values))
    }
    var totals: [String: Double] = [:]
    for task in perTask {
      for (method, values) in task.values { totals[method, default: 0] += values.reduce(0) { $0 + abs($1) } }
    }
    return perTask.map { task in
      TaskAdvantages(
        task: task.key, title: task.title, items: task.items, samples: task.values["grpo"]!.count,
        methods: methods.map { method in
          let values = task.values[method]!
          let moments = Moments(values)
          let total = totals[method] ?? 0
          return MethodAdvantages(
            method: method, moments: moments, share: total > 0 ? moments.totalMagnitude / total : 0,
            histogram: histogram(values))
        })
    }
  }

  static func histogram(_ values: [Double]) -> [Int] {
    let edges = advantageBinEdges
    var counts = Array(repeating: 0, count: edges.count - 1)
    for value in values {
      var bin = Int(((value - edges[0]) / 0.5).rounded(.down))
      bin = min(max(bin, 0), counts.count - 1)
      counts[bin] += 1
    }
    return counts
  }
}
