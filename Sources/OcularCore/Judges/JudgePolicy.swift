/// How a reference asks its judge one question: the settings of each call, the most calls, and which replies it asks
/// again about (docs/judges.md lists each reference's code path).
public struct JudgePolicy: Sendable {
  /// The most calls the reference makes for the question.
  public var callLimit: Int
  /// The settings of call `i` (0-based).
  public var settings: @Sendable (Int) -> JudgeSettings
  /// Whether the reference asks again after this reply.
  public var isAskingAgain: @Sendable (String) -> Bool

  /// Creates a policy.
  public init(
    callLimit: Int, settings: @escaping @Sendable (Int) -> JudgeSettings,
    isAskingAgain: @escaping @Sendable (String) -> Bool
  ) {
    self.callLimit = callLimit
    self.settings = settings
    self.isAskingAgain = isAskingAgain
  }

  /// The text by which VLMEvalKit's API wrapper reports a failed call (`BaseAPI.fail_msg`); the references test
  /// replies for it (the math files with a final period).
  public static let failureText = "Failed to obtain answer via API"

  /// `OpenAIWrapper`'s own settings when the caller sets none (`vlmeval/api/gpt.py: OpenAIWrapper.__init__`:
  /// temperature 0, max_tokens 2048; no seed, no top_p).
  public static let wrapperDefaults = JudgeSettings(temperature: 0, maxTokens: 2048)

  /// `extract_answer_from_item` (`multiple_choice.py`): `retry = 3` calls of `model.generate(prompt)` with the
  /// wrapper's defaults while the reply holds the failure text or `can_infer` reads no option in it.
  public static func multipleChoice(choices: [(letter: String, text: String)]) -> JudgePolicy {
    let pairs = choices.map { ($0.letter, $0.text) }
    return JudgePolicy(
      callLimit: 3, settings: { _ in wrapperDefaults },
      isAskingAgain: { reply in
        reply.containsScalars(failureText)
          || OptionInference.infer(reply, choices: pairs.map { (letter: $0.0, text: $0.1) }) == nil
      })
  }

  /// `MathVista_auxeval`, `MATH_V_auxeval`, `MathVerse_auxeval_extract`: 5 calls of `model.generate(prompt,
  /// temperature=i * 0.5)` on a judge built with `build_judge(max_tokens=128)`, asked again while the reply holds
  /// `FAIL_MSG`.
  public static let mathExtraction = JudgePolicy(
    callLimit: 5, settings: { JudgeSettings(temperature: Double($0) * 0.5, maxTokens: 128) },
    isAskingAgain: { $0.containsScalars(failureText + ".") })

  /// `MathVerse_auxeval_score`: as ``mathExtraction``, also asked again while the stripped reply is not `0` or `1`.
  public static let mathVerseScore = JudgePolicy(
    callLimit: 5, settings: { JudgeSettings(temperature: Double($0) * 0.5, maxTokens: 128) },
    isAskingAgain: { reply in
      let stripped = PythonString.strip(reply)
      return reply.containsScalars(failureText + ".") || (stripped != "0" && stripped != "1")
    })

  /// CharXiv's `auxeval` (`vlmeval/dataset/charxiv.py`): `retry` 10 calls with temperature 0, max_tokens 256, seed
  /// 42, top_p 1 (the defaults of its `kwargs.get`, which `track_progress_rich` never fills), asked again while
  /// `json.loads` fails.
  public static let charXiv = JudgePolicy(
    callLimit: 10, settings: { _ in JudgeSettings(temperature: 0, maxTokens: 256, seed: 42, topP: 1) },
    isAskingAgain: { PythonJSON.parse($0) == nil })

  /// EmbSpatial's `call_llm_extract` (`spatial_bench/llm_extract.py`): `max_retry` calls of `model.generate(prompt)`
  /// with the wrapper's defaults while the reply holds the failure text or its first line has no grade. `max_retry`
  /// is `judge_kwargs.get('retry', 3)` (`cal_scores.py: _build_score_fn`), and `run.py: get_judge_kwargs` sets
  /// `retry` to its `--retry` option, default 6: a VLMEvalKit run makes up to 6 calls.
  public static let embSpatial = JudgePolicy(
    callLimit: 6, settings: { _ in wrapperDefaults },
    isAskingAgain: { reply in
      switch EmbSpatial.judgeGrade(reply) {
      case .graded: return false
      case .empty: return false  // The reference raises IndexError here; it never asks again.
      case .apiFailure, .ungraded: return true
      }
    })

  /// One call with the wrapper's defaults: for a benchmark whose reference names no policy.
  public static let single = JudgePolicy(
    callLimit: 1, settings: { _ in wrapperDefaults }, isAskingAgain: { _ in false })

  /// What the calls of one question came to.
  public struct Outcome: Sendable, Hashable {
    /// The last reply; nil when every call failed.
    public var reply: String?
    /// The calls made.
    public var calls: Int
    /// The last failure, when the last call failed.
    public var failure: String?
    /// A Boolean value that indicates whether the reference would still ask again after the last reply.
    public var isUnreadable: Bool
    /// Why a replay could not answer, when it could not (no stored reply to the question).
    public var missingReply: String?
  }

  /// Asks a question as the reference does: call after call until a reply it accepts, or the limit.
  ///
  /// A failed call (the judge's adapter failed) counts as the reference counts a reply holding its failure text:
  /// it is asked again.
  public func ask(_ prompt: String, of judge: JudgeCalls) async -> Outcome {
    var outcome = Outcome(reply: nil, calls: 0, failure: nil, isUnreadable: false, missingReply: nil)
    for attempt in 0..<max(1, callLimit) {
      outcome.calls = attempt + 1
      switch await judge.ask(prompt, settings: settings(attempt)) {
      case .reply(let text):
        outcome.reply = text
        outcome.failure = nil
        outcome.isUnreadable = isAskingAgain(text)
        if !outcome.isUnreadable { return outcome }
      case .failure(let reason):
        outcome.reply = nil
        outcome.failure = reason
        outcome.isUnreadable = true
      case .notStored(let reason):
        outcome.calls = attempt
        outcome.reply = nil
        outcome.missingReply = reason
        outcome.isUnreadable = true
        return outcome
      }
    }
    return outcome
  }

  /// The notes on how the calls went: nothing for one readable reply.
  public func notes(on outcome: Outcome) -> [String] {
    var notes: [String] = []
    if let missing = outcome.missingReply {
      notes.append("judge: \(missing); scored as an empty reply")
    } else if let failure = outcome.failure {
      notes.append(
        "judge: all \(outcome.calls) calls failed (last: \(failure)); scored as the reference scores an empty reply")
    } else if outcome.isUnreadable {
      notes.append("judge: still unreadable after \(outcome.calls) calls (the reference's limit)")
    } else if outcome.calls > 1 {
      notes.append("judge: asked \(outcome.calls) times (the reference asks again after an unreadable reply)")
    }
    return notes
  }
}

extension BenchmarkScorer {
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .single }

  /// The reference's one question (``judgePrompt(for:sample:ruleScore:)``), asked by the benchmark's policy and
  /// scored from the last reply (an empty one when every call failed, as the references then score).
  public func judgedScore(
    _ extraction: Extraction, for sample: Sample, ruleScore: SampleScore, options: ScoringOptions, judge: JudgeCalls
  ) async -> SampleScore? {
    guard let prompt = judgePrompt(for: extraction, sample: sample, ruleScore: ruleScore) else { return nil }
    let policy = judgePolicy(for: sample)
    let outcome = await policy.ask(prompt, of: judge)
    var score = score(extraction, for: sample, judgeOutput: outcome.reply ?? "", options: options)
    score.notes += policy.notes(on: outcome)
    return score
  }
}
