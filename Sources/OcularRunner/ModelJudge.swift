import OcularCore
import OcularModels
import OcularStore

/// A judge backed by a model adapter: each question is one user message holding the prompt as text, sent with the
/// judge settings as generation parameters.
public struct ModelJudge: Judge {
  /// The judge model.
  public let adapter: any ModelAdapter
  /// The sample the questions are about, named in each request (an adapter may log it).
  public let key: SampleKey

  /// Creates a judge for one sample's questions.
  public init(adapter: any ModelAdapter, key: SampleKey) {
    self.adapter = adapter
    self.key = key
  }

  public func reply(to prompt: String, settings: JudgeSettings) async throws -> String {
    let request = Request(
      suite: key.suite, sampleID: key.sampleID, repeatIndex: key.repeatIndex,
      messages: [ChatMessage(role: .user, content: [.text(prompt)])], parameters: settings.parameters)
    return try await adapter.generate(request).text
  }
}

extension SampleRecord {
  /// Sets every field the scoring pipeline decides from its outcome; the rest (request, response, timing) stays.
  mutating func record(_ outcome: ScoredOutcome) {
    status = outcome.score.status
    score = outcome.score.value
    measuresJSON = Evaluator.measuresJSON(outcome.measures)
    parsed = outcome.score.parsed
    notes = outcome.score.notes
    responseNotes = outcome.responseNotes
    thinking = outcome.extraction.thinking
    extracted = outcome.extraction.answer
    hasAnswerTag = outcome.extraction.hasAnswerTag
    isAnswerInThink = outcome.extraction.isAnswerInThink
    judgeExchanges = outcome.judgeExchanges
  }
}
