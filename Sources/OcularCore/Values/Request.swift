/// The coordinate convention in which a model writes boxes and points.
public enum BoxFormat: String, Sendable, Codable, CaseIterable, Hashable {
  /// Absolute pixels of the original image.
  case pixel
  /// Fractions of the width and height, 0–1.
  case norm1
  /// Qwen-style thousandths of the width and height, 0–1000.
  case norm1000
}

/// The role of a chat message.
public enum ChatRole: String, Sendable, Codable, Hashable {
  case system, user, assistant
}

/// One part of a chat message's content: text, or an image given by its absolute path.
public enum ContentPart: Sendable, Hashable, Codable {
  case text(String)
  case image(path: String)

  private enum CodingKeys: String, CodingKey { case type, text, path }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    switch try container.decode(String.self, forKey: .type) {
    case "image": self = .image(path: try container.decode(String.self, forKey: .path))
    default: self = .text(try container.decode(String.self, forKey: .text))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .text(let text):
      try container.encode("text", forKey: .type)
      try container.encode(text, forKey: .text)
    case .image(let path):
      try container.encode("image", forKey: .type)
      try container.encode(path, forKey: .path)
    }
  }
}

/// A chat message sent to a model.
public struct ChatMessage: Sendable, Hashable, Codable {
  /// Who speaks.
  public var role: ChatRole
  /// The message's parts, in order.
  public var content: [ContentPart]

  /// Creates a message.
  public init(role: ChatRole, content: [ContentPart]) {
    self.role = role
    self.content = content
  }
}

/// Generation settings recorded on a run and passed to the model.
public struct GenerationParameters: Sendable, Hashable, Codable {
  /// Sampling temperature.
  public var temperature: Double?
  /// Nucleus sampling threshold.
  public var topP: Double?
  /// The most new tokens to generate.
  public var maxTokens: Int?
  /// The sampling seed; repeat r of a sample is sent this seed plus r (see ``PromptBuilder``).
  public var seed: Int?
  /// The fewest pixels an image is resized to (OCRBench's reference sets 102,400); nil keeps the processor's default.
  public var minPixels: Int?
  /// A Boolean value that indicates whether the model is asked for the generated tokens' log-probabilities.
  public var isAskingForLogprobs: Bool?

  /// Creates parameters; nil leaves a setting to the model.
  public init(
    temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil,
    isAskingForLogprobs: Bool? = nil
  ) {
    self.temperature = temperature
    self.topP = topP
    self.maxTokens = maxTokens
    self.seed = seed
    self.isAskingForLogprobs = isAskingForLogprobs
  }

  private enum CodingKeys: String, CodingKey {
    case temperature
    case topP = "top_p"
    case maxTokens = "max_tokens"
    case seed
    case minPixels = "min_pixels"
    case isAskingForLogprobs = "logprobs"
  }
}

/// What the harness asks a model for one sample.
public struct Request: Sendable, Hashable {
  /// The suite the sample belongs to.
  public var suite: String
  /// The sample's id within its suite.
  public var sampleID: String
  /// Which of the repeated answers this is (0-based).
  public var repeatIndex: Int
  /// The chat messages, system prompt first when there is one.
  public var messages: [ChatMessage]
  /// Generation settings.
  public var parameters: GenerationParameters

  /// Creates a request.
  public init(
    suite: String, sampleID: String, repeatIndex: Int = 0, messages: [ChatMessage],
    parameters: GenerationParameters = .init()
  ) {
    self.suite = suite
    self.sampleID = sampleID
    self.repeatIndex = repeatIndex
    self.messages = messages
    self.parameters = parameters
  }
}

/// Token counts reported by a model.
public struct TokenUsage: Sendable, Hashable, Codable {
  /// Tokens in the prompt.
  public var promptTokens: Int?
  /// Tokens generated.
  public var completionTokens: Int?

  /// Creates counts.
  public init(promptTokens: Int? = nil, completionTokens: Int? = nil) {
    self.promptTokens = promptTokens
    self.completionTokens = completionTokens
  }
}

/// A model's answer to one request.
public struct Response: Sendable, Hashable {
  /// The generated text, verbatim.
  public var text: String
  /// Token counts, when the model reports them.
  public var usage: TokenUsage?
  /// The log-probability of each generated token, when the model reports them.
  public var tokenLogprobs: [Double]?
  /// Notes stored with the sample, such as a repair of invalid text (see ``TextRepairs``).
  public var notes: [String]

  /// Creates a response.
  public init(text: String, usage: TokenUsage? = nil, tokenLogprobs: [Double]? = nil, notes: [String] = []) {
    self.text = text
    self.usage = usage
    self.tokenLogprobs = tokenLogprobs
    self.notes = notes
  }

  /// The mean of −log p over the sampled tokens (the paper's per-token entropy proxy), or `nil` without logprobs.
  public var meanNegativeLogprob: Double? {
    guard let tokenLogprobs, !tokenLogprobs.isEmpty else { return nil }
    return -tokenLogprobs.reduce(0, +) / Double(tokenLogprobs.count)
  }
}
