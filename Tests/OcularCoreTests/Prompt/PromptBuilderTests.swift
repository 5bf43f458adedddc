// Reference prompts: benchmarks.md §2.1–2.2 (VLMEvalKit ms-vlmeval 0.0.20 `ImageMCQDataset.build_prompt` and the
// Qwen3-VL system prompt of the OneThinker VLMEvalKit fork; OneThinker `eval_bench.py` `QUESTION_TEMPLATE` +
// `TYPE_TEMPLATE["spatial grounding"]`, commit 4448451e6e519e17c9e72d2b67f94a45612f2323). The strings below were
// transcribed by hand from benchmarks.md, not copied from the source under test.
import Foundation
import Testing

@testable import OcularCore

enum ReferencePrompts {
  /// benchmarks.md §2.2, verbatim (note the missing spaces after "content." and "tags.").
  static let system =
    "Please answer this question based on the visual content.Provide your thinking process between the <think> and </think> tags, and then give your final answer between the <answer> and </answer> tags.At the end, you must output the final answer in the format:\n<think>\nyour_thinking_process\n</think>\n\n<answer>\nyour_answer_here\n</answer>\n\n"

  /// benchmarks.md §2.2 grounding user text, after `{problem}`.
  static let groundingAfterProblem =
    "\nPlease answer this question based on the visual content.Provide your thinking process between the <think> and </think> tags, and then give your final answer between the <answer> and </answer> tags.At the end, you must output the final answer in the format:\n<answer><your_answer_here></answer>\n"
    + "Please provide only the bounding box as JSON with key 'boxes' within the <answer>...</answer> tags.\nExample:\n<answer>{\"boxes\": [35, 227, 437, 932]}</answer>"
}

func bundledSamples(_ name: String) throws -> (Suite, [Sample]) {
  let suite = try Suite.open(folder: TestPaths.suite(name))
  return (suite, try readAll(suite).samples)
}

@Suite("PromptBuilder")
struct PromptBuilderTests {
  @Test func mmstarPaperProfileWithHint() throws {
    let (suite, samples) = try bundledSamples("mmstar")
    let sample = try #require(samples.first { $0.id == "9" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let expectedText =
      "Hint: The short hand shows the hour.\nQuestion: What time does the clock show?\nOptions:\nA. 3:00\nB. 9:00\nC. 12:15\nD. 6:30\nPlease select the correct answer from the options above. \n"
    #expect(builder.datasetPrompt(for: sample) == expectedText)
    let image = try #require(sample.images.first).absolutePath
    #expect(image.hasSuffix("/mmstar/images/mmstar_9.png"))
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(role: .user, content: [.image(path: image), .text(expectedText)]),
      ])
  }

  @Test func mmstarWithoutHintStartsWithQuestion() throws {
    let (suite, samples) = try bundledSamples("mmstar")
    let sample = try #require(samples.first { $0.id == "1" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    #expect(
      builder.datasetPrompt(for: sample)
        == "Question: What emotion does the face in the image express?\nOptions:\nA. Sad\nB. Happy\nC. Angry\nD. Surprised\nPlease select the correct answer from the options above. \n"
    )
  }

  @Test func mmstarDefaultTemplateEqualsTheManifests() throws {
    let (suite, samples) = try bundledSamples("mmstar")
    let fallback = try PromptTemplate(suite.benchmark.defaultPromptTemplate)
    let manifest = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let builtIn = PromptBuilder(benchmark: suite.benchmark, template: fallback, profile: .paper)
    for sample in samples {
      #expect(manifest.datasetPrompt(for: sample) == builtIn.datasetPrompt(for: sample), "\(sample.id)")
    }
  }

  @Test func datasetProfileHasNoSystemPrompt() throws {
    let (suite, samples) = try bundledSamples("mmstar")
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .dataset)
    let messages = builder.messages(for: samples[0])
    #expect(messages.map(\.role) == [.user])
    #expect(messages.first?.content.count == 2)
  }

  @Test func docvqaPrompt() throws {
    let (suite, samples) = try bundledSamples("docvqa")
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let sample = samples[0]
    let image = try #require(sample.images.first).absolutePath
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(
          role: .user,
          content: [
            .image(path: image),
            .text("What is the name of the company?\nAnswer the question using a single word or phrase."),
          ]),
      ])
  }

  @Test func refcocoPromptIsOneUserTurnWithTheOneThinkerTemplate() throws {
    let (suite, samples) = try bundledSamples("refcoco")
    let sample = try #require(samples.first { $0.id == "val/1" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let problem =
      "Please provide the bounding box coordinate of the region this sentence describes: the red square on the left."
    let image = try #require(sample.images.first).absolutePath
    #expect(image.hasSuffix("/refcoco/images/refcoco_val_1.png"))
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(
          role: .user, content: [.image(path: image), .text(problem + ReferencePrompts.groundingAfterProblem)])
      ])
  }

  @Test func refcocoDatasetProfileKeepsTheGroundingSuffixWithoutThinkInstruction() throws {
    let (suite, samples) = try bundledSamples("refcoco")
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .dataset)
    let messages = builder.messages(for: samples[0])
    #expect(messages.map(\.role) == [.user])
    guard case .text(let text)? = messages.first?.content.last else {
      Issue.record("no text part")
      return
    }
    #expect(!text.contains("<think>"))
    #expect(text.hasSuffix("<answer>{\"boxes\": [35, 227, 437, 932]}</answer>"))
  }

  @Test func requestCarriesTheSampleAndSettings() throws {
    let (suite, samples) = try bundledSamples("docvqa")
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let parameters = GenerationParameters(temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 0)
    let request = builder.request(for: samples[10], suite: "docvqa", repeatIndex: 2, parameters: parameters)
    #expect(request.suite == "docvqa")
    #expect(request.sampleID == "11")
    #expect(request.repeatIndex == 2)
    var expected = parameters
    expected.seed = 2
    #expect(request.parameters == expected)
    #expect(request.messages == builder.messages(for: samples[10]))
  }

  @Test func referencePoliciesAnswerFromTheSample() throws {
    let (suite, samples) = try bundledSamples("docvqa")
    #expect(ReferencePolicy.baseline.response(to: samples[10], of: suite.benchmark) == "<answer>unknown</answer>")
    #expect(
      ReferencePolicy.oracle.response(to: samples[10], of: suite.benchmark).contains("<answer>\nUnknown\n</answer>"))
  }

  @Test func eachRepeatIsSentItsOwnSeed() throws {
    let (suite, samples) = try bundledSamples("docvqa")
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let parameters = GenerationParameters(temperature: 0.7, seed: 40)
    let seeds = (0..<4).map {
      builder.request(for: samples[0], suite: "docvqa", repeatIndex: $0, parameters: parameters).parameters.seed
    }
    #expect(seeds == [40, 41, 42, 43])
    let unseeded = builder.request(for: samples[0], suite: "docvqa", repeatIndex: 3, parameters: .init())
    #expect(unseeded.parameters.seed == nil)
  }

  @Test func messagesEncodeInTheStdioShape() throws {
    let message = ChatMessage(role: .user, content: [.image(path: "/x.png"), .text("hi")])
    let data = try JSONEncoder().encode(message)
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let content = object?["content"] as? [[String: String]]
    #expect(object?["role"] as? String == "user")
    #expect(content == [["type": "image", "path": "/x.png"], ["type": "text", "text": "hi"]])
    #expect(try JSONDecoder().decode(ChatMessage.self, from: data) == message)
  }
}

@Suite("PromptTemplate")
struct PromptTemplateTests {
  @Test func placeholdersAndEscapes() throws {
    let template = try PromptTemplate("{{literal}} {name}: {{{value}}} a}}b")
    #expect(template.placeholders == ["name", "value"])
    #expect(template.render { $0 == "name" ? "N" : "V" } == "{literal} N: {V} a}b")
    #expect(template.text == "{{literal}} {name}: {{{value}}} a}}b")
  }

  @Test func placeholdersMayRepeatAndTouch() throws {
    let template = try PromptTemplate("{a}{b}{a}")
    #expect(template.placeholders == ["a", "b", "a"])
    #expect(template.render { $0.uppercased() } == "ABA")
    #expect(try PromptTemplate("").render { _ in "x" } == "")
    #expect(try PromptTemplate("no braces").placeholders == [])
  }

  @Test func valuesAreNotReinterpreted() throws {
    // A value holding braces is inserted verbatim.
    #expect(try PromptTemplate("{q}").render { _ in "{x} }} {{" } == "{x} }} {{")
  }

  @Test(arguments: ["{", "}", "{a", "a}", "{}", "{a{b}", "x}y", "{{a}", "{a}}"])
  func unbalancedBracesAreRejected(_ text: String) {
    #expect(throws: PromptTemplate.TemplateError(text: text)) { try PromptTemplate(text) }
  }
}
