/// Builds the chat messages of a sample from its suite's template, its benchmark and the prompt profile.
public struct PromptBuilder: Sendable {
  /// The system prompt of the VLMEvalKit Qwen3-VL entry, verbatim (benchmarks.md §2.2).
  public static let vlmevalkitSystemPrompt =
    "Please answer this question based on the visual content.Provide your thinking process between the <think> and </think> tags, and then give your final answer between the <answer> and </answer> tags.At the end, you must output the final answer in the format:\n<think>\nyour_thinking_process\n</think>\n\n<answer>\nyour_answer_here\n</answer>\n\n"

  /// OneThinker's `QUESTION_TEMPLATE`, with `{Question}` to fill.
  public static let onethinkerQuestionTemplate =
    "{Question}\nPlease answer this question based on the visual content.Provide your thinking process between the <think> and </think> tags, and then give your final answer between the <answer> and </answer> tags.At the end, you must output the final answer in the format:\n<answer><your_answer_here></answer>\n"

  /// OneThinker's `TYPE_TEMPLATE["spatial grounding"]`.
  public static let onethinkerGroundingSuffix =
    "Please provide only the bounding box as JSON with key 'boxes' within the <answer>...</answer> tags.\nExample:\n<answer>{\"boxes\": [35, 227, 437, 932]}</answer>"

  /// The benchmark.
  public let benchmark: any Benchmark
  /// The dataset prompt template.
  public let template: PromptTemplate
  /// The profile.
  public let profile: PromptProfile

  /// Creates a builder.
  public init(benchmark: any Benchmark, template: PromptTemplate, profile: PromptProfile) {
    self.benchmark = benchmark
    self.template = template
    self.profile = profile
  }

  /// The dataset prompt of a sample: the template filled from the benchmark's variables and the record.
  public func datasetPrompt(for sample: Sample) -> String {
    let variables = benchmark.promptVariables(for: sample)
    return template.render { name in variables[name] ?? sample.text(name) ?? "" }
  }

  /// The messages of a sample.
  public func messages(for sample: Sample) -> [ChatMessage] {
    let prompt = datasetPrompt(for: sample)
    switch benchmark.descriptor.family {
    case .vlmevalkit:
      let user = ChatMessage(role: .user, content: benchmark.userContent(for: sample, prompt: prompt))
      switch profile {
      case .paper: return [ChatMessage(role: .system, content: [.text(Self.vlmevalkitSystemPrompt)]), user]
      case .dataset: return [user]
      }
    case .onethinker:
      let question: String
      switch profile {
      case .paper:
        question = Self.onethinkerQuestionTemplate.replacingFirst("{Question}", with: prompt)
      case .dataset:
        question = prompt + "\n"
      }
      return [
        ChatMessage(
          role: .user, content: benchmark.userContent(for: sample, prompt: question + Self.onethinkerGroundingSuffix))
      ]
    }
  }

  /// The request for repeat `repeatIndex` of a sample, sent the seed `parameters.seed + repeatIndex` so that the
  /// repeats are independent draws and a rerun reproduces them.
  public func request(
    for sample: Sample, suite: String, repeatIndex: Int = 0, parameters: GenerationParameters = .init()
  ) -> Request {
    var parameters = parameters
    if let seed = parameters.seed { parameters.seed = seed + repeatIndex }
    if let minimum = benchmark.minimumPixels { parameters.minPixels = minimum }
    return Request(
      suite: suite, sampleID: sample.id, repeatIndex: repeatIndex, messages: messages(for: sample),
      parameters: parameters)
  }
}

/// A dataset prompt template with `{name}` placeholders; `{{` and `}}` are literal braces.
public struct PromptTemplate: Sendable, Hashable {
  private enum Piece: Sendable, Hashable {
    case literal(String)
    case placeholder(String)
  }

  private let pieces: [Piece]
  /// The template's text.
  public let text: String

  /// Parses a template; throws a message when a brace is unbalanced.
  public init(_ text: String) throws(TemplateError) {
    self.text = text
    var pieces: [Piece] = []
    var literal = ""
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = scalars.next()
    while let scalar = pending {
      pending = scalars.next()
      switch scalar {
      case "{":
        if pending == "{" {
          literal.unicodeScalars.append("{")
          pending = scalars.next()
          continue
        }
        var name = ""
        var isClosed = false
        while let inner = pending {
          pending = scalars.next()
          if inner == "}" {
            isClosed = true
            break
          }
          name.unicodeScalars.append(inner)
        }
        guard isClosed, !name.isEmpty, !name.contains("{") else { throw TemplateError(text: text) }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        literal = ""
        pieces.append(.placeholder(name))
      case "}":
        guard pending == "}" else { throw TemplateError(text: text) }
        pending = scalars.next()
        literal.unicodeScalars.append("}")
      default:
        literal.unicodeScalars.append(scalar)
      }
    }
    if !literal.isEmpty { pieces.append(.literal(literal)) }
    self.pieces = pieces
  }

  /// The placeholder names, in order.
  public var placeholders: [String] {
    pieces.compactMap { if case .placeholder(let name) = $0 { return name } else { return nil } }
  }

  /// Fills the template.
  public func render(_ value: (String) -> String) -> String {
    var output = ""
    for piece in pieces {
      switch piece {
      case .literal(let text): output += text
      case .placeholder(let name): output += value(name)
      }
    }
    return output
  }

  /// A template with an unbalanced brace.
  public struct TemplateError: Error, Sendable, Hashable {
    /// The template's text.
    public var text: String
  }
}

extension String {
  func replacingFirst(_ target: String, with replacement: String) -> String {
    guard let range = scalarRange(of: target) else { return self }
    return String(unicodeScalars[..<range.lowerBound]) + replacement + String(unicodeScalars[range.upperBound...])
  }
}
