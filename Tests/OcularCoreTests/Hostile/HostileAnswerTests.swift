// Hostile model output through every scorer: deeply nested JSON, brackets, parentheses and braces, huge answers,
// NUL bytes, replacement characters, markup and terminal escapes. Each must be scored (ok or unparsed), never
// crash. Nesting limits follow CPython where the reference calls Python: the tokenizer's 200 nested brackets
// (`ast.literal_eval`, `eval`), and `json.loads`' recursion limit (about 1,000).
import Foundation
import Testing

@testable import OcularCore

/// Answers a hostile model might give.
enum HostileAnswers {
  /// Nesting depth far past any parser's limit (200 to 1,000), in the answers given to every scorer.
  static let depth = 10_000
  /// Nesting depth of the answers given to the parsers alone.
  static let deepest = 100_000

  static func nested(_ open: String, _ close: String, inner: String = "", count: Int = depth) -> String {
    String(repeating: open, count: count) + inner + String(repeating: close, count: count)
  }

  /// Name and text of each hostile answer.
  static let all: [(String, String)] = [
    ("arrays", nested("[", "]")),
    ("open arrays", String(repeating: "[", count: depth)),
    ("objects", nested("{\"a\":", "}", inner: "1")),
    ("point objects", "[" + nested("{\"point_2d\":", "}", inner: "[1, 2]") + "]"),
    ("parentheses", nested("(", ")", inner: "1")),
    ("braces", nested("{", "}", inner: "1")),
    ("latex fractions", nested("\\frac{1}{", "}", inner: "2")),
    ("unary minus", String(repeating: "-", count: depth) + "1"),
    ("powers", "2" + String(repeating: "**2", count: depth)),
    ("latex powers", "2" + String(repeating: "^{2", count: depth) + String(repeating: "}", count: depth)),
    ("boxed", nested("\\boxed{", "}", inner: "A")),
    ("answer tags", nested("<answer>", "</answer>", inner: "A", count: 10_000)),
    ("NUL", "A\u{0}B\u{0}"),
    ("replacement", "\u{FFFD}\u{FFFD} A"),
    ("markup", "<script>alert(1)</script> **A** | B |\n<img src=x onerror=alert(1)>"),
    ("terminal", "\u{1B}[2J\u{1B}[31mA\r\u{1B}]0;title\u{7}\u{9B}2J"),
    ("formula", "=HYPERLINK(\"http://x\",\"A\")"),
    ("100 kB", String(repeating: "The answer is A. ", count: 6_400)),
  ]
}

@Suite("Hostile answers")
struct HostileAnswerTests {
  /// Every benchmark scores every hostile answer on one of its bundled samples without crashing.
  @Test(arguments: BenchmarkRegistry.all.map(\.id))
  func everyScorerSurvives(_ benchmark: String) async throws {
    let folder = try #require(
      try FileManager.default.contentsOfDirectory(atPath: TestPaths.benchmarks.path).sorted().first { name in
        (try? Suite.open(folder: TestPaths.suite(name)))?.benchmark.id == benchmark
      })
    let (suite, samples) = try bundledSamples(folder)
    let sample = try #require(samples.first)
    let options = ScoringOptions()
    for (name, answer) in HostileAnswers.all {
      // Scoring runs on a task, as in a run (smaller stacks than the main thread).
      let score = await Task.detached {
        let extraction = suite.benchmark.extractor(options: options).extract(answer)
        return suite.benchmark.score(extraction, for: sample, options: options)
      }.value
      #expect(score.status == .ok || score.status == .unparsed, "\(benchmark): \(name)")
      #expect(score.value.isFinite && score.value >= 0 && score.value <= 1, "\(benchmark): \(name)")
    }
  }

  /// Before the fix, every start in a run of brackets re-scanned the whole run: 100,000 brackets took hours.
  @Test func optionMatchingIsLinearOnARunOfBrackets() {
    let answer = HostileAnswers.nested("[", "]", count: HostileAnswers.deepest) + " A"
    #expect(OptionMatching.letter(in: answer) == "A")
    #expect(OptionMatching.letter(in: String(repeating: "(", count: HostileAnswers.deepest)) == nil)
  }

  @Test func pythonJSONRefusesDeepNestingLikeJSONLoads() async {
    await Task.detached {
      #expect(!PythonJSON.parse(HostileAnswers.nested("[", "]", count: HostileAnswers.deepest)).isParsed)
      #expect(
        !PythonJSON.parse(HostileAnswers.nested("{\"a\":", "}", inner: "1", count: HostileAnswers.deepest)).isParsed)
      // CPython's json.loads reads 990 levels and raises RecursionError at 1,000.
      #expect(PythonJSON.parse(HostileAnswers.nested("[", "]", count: 899)).isParsed)
    }.value
  }

  @Test func pythonLiteralRefusesMoreThan200NestedBracketsLikeCPython() async {
    await Task.detached {
      // `ast.literal_eval` raises "too many nested parentheses" past 200 levels.
      #expect(PythonLiteral.parse(HostileAnswers.nested("[", "]", count: 200)).isParsed)
      #expect(!PythonLiteral.parse(HostileAnswers.nested("[", "]", count: 201)).isParsed)
      #expect(!PythonLiteral.parse(HostileAnswers.nested("(", ")", inner: "1", count: 201)).isParsed)
      #expect(!PythonLiteral.parse(HostileAnswers.nested("{1:", "}", inner: "1", count: 201)).isParsed)
      #expect(!PythonLiteral.parse(HostileAnswers.nested("[", "]", count: HostileAnswers.deepest)).isParsed)
    }.value
  }

  @Test func pythonArithmeticRefusesDeepNestingLikeEval() async {
    await Task.detached {
      // `eval` raises "too many nested parentheses" past 200 levels.
      #expect(PythonArithmetic.evaluate(HostileAnswers.nested("(", ")", inner: "1", count: 200)) == .value(.int(1)))
      #expect(PythonArithmetic.evaluate(HostileAnswers.nested("(", ")", inner: "1", count: 201)) == .raises)
      #expect(
        PythonArithmetic.evaluate(HostileAnswers.nested("(", ")", inner: "1", count: HostileAnswers.deepest)) == .raises
      )
      // Long chains of unary operators and powers: CPython's parser gives up (MemoryError) near 3,000.
      #expect(PythonArithmetic.evaluate(String(repeating: "-", count: 1000) + "1") == .value(.int(1)))
      #expect(PythonArithmetic.evaluate(String(repeating: "-", count: HostileAnswers.deepest) + "1") == .raises)
      #expect(PythonArithmetic.evaluate("1" + String(repeating: "**1", count: HostileAnswers.deepest)) == .raises)
    }.value
  }

  @Test func latexArithmeticRefusesDeepNesting() async {
    await Task.detached {
      #expect(LatexArithmetic.evaluate(HostileAnswers.nested("(", ")", inner: "1", count: 100)) == .value(1))
      for answer in [
        HostileAnswers.nested("(", ")", inner: "1", count: HostileAnswers.deepest),
        HostileAnswers.nested("\\frac{1}{", "}", inner: "2", count: HostileAnswers.deepest),
        String(repeating: "-", count: HostileAnswers.deepest) + "1",
        "2" + String(repeating: "^{2", count: HostileAnswers.deepest)
          + String(repeating: "}", count: HostileAnswers.deepest),
      ] {
        #expect(LatexArithmetic.evaluate(answer) == .unsupported("nested deeper than 200 levels"))
      }
    }.value
  }
}

extension Optional {
  /// A Boolean value that indicates whether a parser returned a value (without printing a huge one on failure).
  fileprivate var isParsed: Bool { self != nil }
}
