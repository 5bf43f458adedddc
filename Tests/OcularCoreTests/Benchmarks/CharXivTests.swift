// CharXiv (RQ), benchmarks.md §3.9. The reference, VLMEvalKit ms-vlmeval 0.0.20 `vlmeval/dataset/charxiv.py`
// (`auxeval`, `CharXiv.get_scores`), grades every item with a gpt-4o-mini judge, so there is no reference output
// to compare the offline rule with: the `rule-only` expectations below are HAND-DERIVED from benchmarks.md's text
// ("strip, lower-case, collapse whitespace, and remove surrounding `$` and a trailing `.`; correct on string
// equality, or on numeric equality when both sides parse as floats"), read as documented on
// `CharXivReasoning.normalize`: one trailing `.` removed, then every `$` at either end, stripping after each step.
// The aggregation (`get_scores`: per-category mean, Overall = Σ score / N) is checked on a hand-computed set.
import Testing

@testable import OcularCore

@Suite("CharXiv (RQ) benchmark, rule-only")
struct CharXivTests {
  static func record(
    answer: String? = "Red", category: JSONValue = .number(1),
    query: String = "Grade it.\n* Question: Which entry is red?\n* Ground Truth: Red\n* Response: {PREDICTION}\n"
  ) -> [String: JSONValue] {
    var record: [String: JSONValue] = [
      "question": .string("Which entry is red?"), "grading_query": .string(query), "inst_category": category,
    ]
    if let answer { record["answer"] = .string(answer) }
    return record
  }

  /// (prediction after extraction, gold, expected score): hand-derived from benchmarks.md §3.9.
  static let ruleCases: [(String, String, Double)] = [
    ("Revenue", "Revenue", 1),
    ("  REVENUE \n", "Revenue", 1),  // strip + lower-case
    ("revenue.", "Revenue", 1),  // one trailing period removed
    ("revenue..", "Revenue", 0),  // only one
    ("increasing   then\ndecreasing", "increasing then decreasing", 1),  // whitespace collapsed
    ("\u{A0}left\u{A0}", "left", 1),  // Python whitespace includes U+00A0
    ("\\alpha", "$\\alpha$", 1),  // surrounding `$` removed from the gold
    ("$ \\alpha $", "\\alpha", 1),  // and from the prediction, stripped again
    ("\u{3B1}", "$\\alpha$", 0),  // a judge might accept α; the rule does not
    ("$12$.", "12", 1),  // the trailing period first, then `$` at the ends
    ("$red.$", "red", 0),  // the period is inside the `$`: only one removal pass of each
    ("12.", "12", 1),
    ("No", "No.", 1),
    ("1.5e3", "1500", 1),  // equal as floats
    ("1500.0", "1500", 1),
    ("0.5", "0.50", 1),
    ("1e-2", "0.01", 1),
    ("10^-2", "0.01", 0),  // not a float
    ("1,500", "1500", 0),  // float() rejects the comma
    ("-3.57", "-3.57", 1),
    ("\u{2212}3.57", "-3.57", 0),  // U+2212 is not a sign for float()
    ("3.57", "-3.57", 0),
    ("infinity", "inf", 1),  // both parse as +inf
    ("The answer is 3", "3", 0),  // no answer extraction beyond E1
    ("A, B, C", "A,B,C", 0),  // spacing inside differs
    ("B, A, C", "A, B, C", 0),  // order differs (a judge may accept)
  ]

  @Test(arguments: ruleCases)
  func ruleOnlyScores(_ prediction: String, _ gold: String, _ expected: Double) {
    let sample = memorySample(Self.record(answer: gold))
    let extraction = Extraction(
      raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: false, isAnswerInThink: false)
    let score = BenchmarkRegistry.charxiv.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == expected, "\(prediction.debugDescription) vs \(gold.debugDescription)")
    #expect(score.status == .ok)
    #expect(score.notes.count == 1 && score.notes[0].hasPrefix("rule-only"))
  }

  @Test func normalization() {
    #expect(CharXivReasoning.normalize("  $\\Alpha$. ") == "\\alpha")
    #expect(CharXivReasoning.normalize("$$x$$") == "x")
    #expect(CharXivReasoning.normalize("a  \t b.") == "a b")
    #expect(CharXivReasoning.normalize("...") == "..")
    #expect(CharXivReasoning.normalize("$12 $ .") == "12")
    #expect(CharXivReasoning.ruleMatch(prediction: "1500.0", gold: "1500") == .numeric)
    #expect(CharXivReasoning.ruleMatch(prediction: "Red.", gold: "red") == .text)
    #expect(CharXivReasoning.ruleMatch(prediction: "nan", gold: "NaN") == .text)  // text first; NaN ≠ NaN as floats
  }

  @Test func emptyAnswerIsUnparsed() {
    let sample = memorySample(Self.record())
    for answer in ["", "  ", "$.", "$ $"] {
      let extraction = Extraction(
        raw: answer, thinking: nil, answer: answer, hasAnswerTag: true, isAnswerInThink: false)
      let score = BenchmarkRegistry.charxiv.score(extraction, for: sample, options: ScoringOptions())
      #expect(score.status == .unparsed && score.value == 0, "\(answer.debugDescription)")
    }
  }

  @Test func extractionRunsFirst() {
    let benchmark = BenchmarkRegistry.charxiv
    let sample = memorySample(Self.record(answer: "3"))
    let extraction = benchmark.extractor(options: ScoringOptions()).extract(
      "<think>Count the bars above 20: 42, 30, 25.</think>\n<answer>3</answer>")
    #expect(benchmark.score(extraction, for: sample, options: ScoringOptions()).value == 1)
  }

  @Test func goldFromAnswerOrGradingQuery() {
    #expect(CharXivReasoning.gold(of: memorySample(Self.record(answer: "Blue"))) == "Blue")
    #expect(CharXivReasoning.gold(of: memorySample(Self.record(answer: nil))) == "Red")
    // The last "Ground Truth:" wins: templates carry worked examples before the item's own line.
    let query =
      "* Ground Truth: P56962\n* Response: x\n### Your Turn ###\n* Ground Truth:  1.5e3 \n* Response: {PREDICTION}"
    #expect(CharXivReasoning.gold(of: memorySample(Self.record(answer: nil, query: query))) == "1.5e3")
    let noGold = memorySample(Self.record(answer: nil, query: "Grade {PREDICTION}"))
    #expect(CharXivReasoning.gold(of: noGold) == nil)
    #expect(BenchmarkRegistry.charxiv.validate(noGold) != nil)
  }

  @Test func gradingPromptReplacesEveryPlaceholder() {
    let sample = memorySample(Self.record(query: "A {PREDICTION} B {PREDICTION}{PREDICTION}"))
    #expect(CharXivReasoning.gradingPrompt(for: sample, prediction: "x{y}") == "A x{y} B x{y}x{y}")
  }

  @Test func validation() {
    let benchmark = BenchmarkRegistry.charxiv
    #expect(benchmark.validate(memorySample(Self.record())) == nil)
    #expect(benchmark.validate(memorySample(Self.record(category: .string("4")))) == nil)
    #expect(benchmark.validate(memorySample(Self.record(category: .number(5)))) != nil)
    #expect(benchmark.validate(memorySample(Self.record(category: .string("Text-in-Chart")))) != nil)
    #expect(benchmark.validate(memorySample(Self.record(query: "no placeholder, Ground Truth: Red"))) != nil)
  }

  /// Hand-computed: category 1 → 1/2, category 3 → 1/1 (`3.0` = `3` as floats), category 4 → 1/1 (`1.8.` loses its
  /// period, then equals `1.80` as floats); Overall = 3/4 (get_scores: Σ score / N).
  @Test func aggregationByCategoryWithFractions() {
    let benchmark = BenchmarkRegistry.charxiv
    var aggregator = benchmark.makeAggregator()
    let rows: [(Int, String, String)] = [(1, "Red", "red"), (1, "Blue", "red"), (3, "3", "3.0"), (4, "1.80", "1.8.")]
    for (index, (category, gold, prediction)) in rows.enumerated() {
      let sample = memorySample(Self.record(answer: gold, category: .number(Double(category))), id: "\(index)")
      let extraction = Extraction(
        raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: true, isAnswerInThink: false)
      let score = benchmark.score(extraction, for: sample, options: ScoringOptions())
      aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    func value(_ dimension: String, _ key: String, _ metric: String) -> Double? {
      summary.values.first { $0.dimension == dimension && $0.key == key && $0.metric == metric }?.value
    }
    #expect(summary.headline == 75)
    #expect(value("overall", "all", "accuracy (fraction)") == 0.75)
    #expect(value("category", "Text-in-Chart", "accuracy") == 50)
    #expect(value("category", "Text-in-Chart", "accuracy (fraction)") == 0.5)
    #expect(value("category", "Number-in-Chart", "accuracy") == 100)
    #expect(value("category", "Number-in-General", "accuracy") == 100)
    #expect(value("category", "Text-in-General", "accuracy") == nil)
  }

  @Test func registryAndDescription() {
    let benchmark = BenchmarkRegistry.charxiv
    #expect(BenchmarkRegistry.benchmark(id: "charxiv") != nil)
    #expect(benchmark.group == .charts)
    #expect(benchmark.judgeLabel == "rule-only")
    #expect(benchmark.defaultPromptTemplate == "{question}")
  }

  /// The prompt is the question alone, after the first image only (record 6 lists two images).
  @Test func paperPromptUsesTheFirstImageOnly() throws {
    let (suite, samples) = try bundledSamples("charxiv")
    let sample = try #require(samples.first { $0.id == "6" })
    #expect(sample.images.count == 2)
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let question = try #require(sample.text("question"))
    #expect(question.hasSuffix("\n* Your final answer must be a short phrase."))
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(role: .user, content: [.image(path: sample.images[0].absolutePath), .text(question)]),
      ])
  }

  @Test func suiteKeepsTheGradingQueryTemplate() throws {
    let (_, samples) = try bundledSamples("charxiv")
    #expect(samples.count == 12)
    #expect(samples.allSatisfy { $0.text("grading_query")?.contains("{PREDICTION}") == true })
    #expect(samples.filter { $0.record["answer"] == nil }.map(\.id) == ["3"])
    let counts = Dictionary(grouping: samples, by: { CharXivReasoning.categoryNumber(of: $0) ?? 0 }).mapValues(\.count)
    #expect(counts == [1: 3, 2: 3, 3: 3, 4: 3])
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("charxiv") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 12)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
    #expect(result.summary.values.filter { $0.dimension == "category" && $0.metric == "accuracy" }.count == 4)
  }

  @Test func baselineScoresZero() throws {
    let result = try scoreAll("charxiv") { $0.baselineResponse(for: $1) }
    #expect(result.scores.values.allSatisfy { $0.value == 0 && $0.status == .ok })
    #expect(result.summary.headline == 0)
  }
}
