import Foundation

/// The generation settings of one judge call, as the reference sets them; nil where the reference leaves a setting
/// to the judge's client (it is then not sent).
public struct JudgeSettings: Sendable, Hashable, Codable {
  /// The sampling temperature.
  public var temperature: Double?
  /// The most new tokens the judge may write.
  public var maxTokens: Int?
  /// The sampling seed.
  public var seed: Int?
  /// The nucleus sampling threshold.
  public var topP: Double?

  /// Creates settings.
  public init(temperature: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil, topP: Double? = nil) {
    self.temperature = temperature
    self.maxTokens = maxTokens
    self.seed = seed
    self.topP = topP
  }

  /// The settings as generation parameters for a model adapter.
  public var parameters: GenerationParameters {
    GenerationParameters(temperature: temperature, topP: topP, maxTokens: maxTokens, seed: seed)
  }

  /// The settings as text: `temperature=0.5, max_tokens=128`.
  public var label: String {
    let parts: [String?] = [
      temperature.map { "temperature=\(JSONValue.number($0).cellText ?? "\($0)")" },
      maxTokens.map { "max_tokens=\($0)" }, seed.map { "seed=\($0)" },
      topP.map { "top_p=\(JSONValue.number($0).cellText ?? "\($0)")" },
    ]
    let text = parts.compactMap { $0 }.joined(separator: ", ")
    return text.isEmpty ? "defaults" : text
  }

  private enum CodingKeys: String, CodingKey {
    case temperature, seed
    case maxTokens = "max_tokens"
    case topP = "top_p"
  }
}

/// One call to a judge: the prompt, the settings, and the reply or why there was none.
public struct JudgeExchange: Sendable, Hashable, Codable {
  /// The prompt sent, verbatim; nil only for a reply kept from a store written before prompts were recorded.
  public var prompt: String?
  /// The settings sent with it.
  public var settings: JudgeSettings
  /// The judge's raw reply; nil when the call failed.
  public var reply: String?
  /// Why the call failed (adapter error, timeout); nil when it replied.
  public var failure: String?

  /// Creates an exchange.
  public init(prompt: String?, settings: JudgeSettings, reply: String? = nil, failure: String? = nil) {
    self.prompt = prompt
    self.settings = settings
    self.reply = reply
    self.failure = failure
  }
}

/// An LLM judge: asked a prompt with settings, it replies; a sample may ask it several times.
public protocol Judge: Sendable {
  /// Asks the judge one prompt as one user message.
  ///
  /// - Throws: An error naming why no reply could be had (the exchange records it as a failure).
  func reply(to prompt: String, settings: JudgeSettings) async throws -> String
}

/// A judge that answers from the exchanges stored with a sample, so a rescore makes the same decisions without
/// asking anyone: the k-th question with a prompt and settings gets the k-th stored reply to exactly that prompt
/// and those settings (a failure stored is a failure again).
public final class ReplayingJudge: Judge, @unchecked Sendable {
  /// An error of a replay: the question was never asked of the stored judge.
  public struct NotStored: Error, CustomStringConvertible {
    /// The settings asked with.
    public var settings: JudgeSettings
    /// The start of the prompt asked.
    public var promptStart: String

    public var description: String {
      "no stored judge reply for this prompt and settings (\(settings.label); prompt starts "
        + "\"\(promptStart)\"); rescore with --judge SPEC to ask a judge"
    }
  }

  /// An error of a replay: the stored call had failed.
  public struct StoredFailure: Error, CustomStringConvertible {
    /// The failure as stored.
    public var reason: String

    public var description: String { reason }
  }

  private let exchanges: [JudgeExchange]
  private let lock = NSLock()
  private var used: Set<Int> = []

  /// Creates a judge over one sample's stored exchanges, in the order they were made.
  public init(exchanges: [JudgeExchange]) {
    self.exchanges = exchanges
  }

  public func reply(to prompt: String, settings: JudgeSettings) async throws -> String {
    let found = lock.withLock { () -> JudgeExchange? in
      // A reply kept from a store without prompts answers the sample's first question, whatever it was.
      guard
        let index = exchanges.indices.first(where: { index in
          !used.contains(index)
            && (exchanges[index].prompt == nil
              ? used.isEmpty
              : exchanges[index].prompt == prompt && exchanges[index].settings == settings)
        })
      else { return nil }
      used.insert(index)
      return exchanges[index]
    }
    guard let found else {
      throw NotStored(settings: settings, promptStart: String(prompt.unicodeScalars.prefix(60)))
    }
    if let reply = found.reply { return reply }
    throw StoredFailure(reason: found.failure ?? "judge call failed")
  }
}

/// The judge calls of one sample: asks the judge and records every exchange, replies and failures alike.
public final class JudgeCalls: @unchecked Sendable {
  /// The outcome of one call.
  public enum Outcome: Sendable, Hashable {
    /// The judge replied.
    case reply(String)
    /// The call failed; the reference's API wrapper turns this into its failure text.
    case failure(String)
    /// A replay has no stored reply to the question: nothing was asked, and asking again cannot help.
    case notStored(String)
  }

  private let judge: any Judge
  private let lock = NSLock()
  private var recorded: [JudgeExchange] = []

  /// Creates a recorder around a judge.
  public init(judge: any Judge) {
    self.judge = judge
  }

  /// Every call made so far, in order.
  public var exchanges: [JudgeExchange] { lock.withLock { recorded } }

  /// The number of calls made so far.
  public var count: Int { lock.withLock { recorded.count } }

  /// Asks the judge once and records the exchange.
  public func ask(_ prompt: String, settings: JudgeSettings) async -> Outcome {
    let outcome: Outcome
    do {
      outcome = .reply(try await judge.reply(to: prompt, settings: settings))
    } catch let error as ReplayingJudge.NotStored {
      return .notStored(error.description)
    } catch {
      outcome = .failure(String(describing: error))
    }
    let exchange: JudgeExchange
    switch outcome {
    case .reply(let text): exchange = JudgeExchange(prompt: prompt, settings: settings, reply: text)
    case .failure(let reason), .notStored(let reason):
      exchange = JudgeExchange(prompt: prompt, settings: settings, failure: reason)
    }
    lock.withLock { recorded.append(exchange) }
    return outcome
  }
}
