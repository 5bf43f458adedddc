// The pieces of VLMEvalKit's `is_equal` (ms-vlmeval 0.0.20 `vlmeval/dataset/utils/mathv.py`), tested in isolation.
// The end-to-end golden cases are in Benchmarks/MathVisionTests.swift (refscore bench `mathv`, 70 cases).
//
// The expected values below were produced by running the reference's own building blocks in the refscore venv
// (Python 3.11.7): `eval(s, {})` for PythonArithmetic, and `eval(str(latex2sympy(s)), {})` with
// latex2sympy2_extended 1.11.0 for LatexArithmetic ("raises" = the call or the eval raised). Cases marked
// "unsupported" are constructs Ocular deliberately does not evaluate.
import Testing

@testable import OcularCore

@Suite("MathEquivalence: Python arithmetic, LaTeX approximation, is_equal")
struct MathEquivalenceTests {
  @Test func pythonArithmeticValues() {
    let cases: [(String, PythonNumber)] = [
      ("2^3", .int(1)), ("2**3**2", .int(512)), ("-2**2", .int(-4)), ("2**-1", .float(0.5)), ("7//2", .int(3)),
      ("-7//2", .int(-4)), ("7%-3", .int(-2)), ("-7.5//2", .float(-4)), ("-7.5%2", .float(0.5)), ("1/4", .float(0.25)),
      ("6/3", .float(2)), ("0x1F", .int(31)), ("0o17", .int(15)), ("0b101", .int(5)), ("0_0", .int(0)), ("00", .int(0)),
      ("1_000", .int(1000)), ("05.5", .float(5.5)), ("1.", .float(1)), (".5", .float(0.5)), ("1e3", .float(1000)),
      ("1.e2", .float(100)), ("1e1_0", .float(1e10)), ("(1+2)*3", .int(9)), ("~5", .int(-6)), ("1<<4", .int(16)),
      ("-16>>2", .int(-4)), ("6&3", .int(2)), ("6|3", .int(7)), ("5 # c", .int(5)), ("(1\n+2)", .int(3)),
      ("1e400", .float(.infinity)), ("True+1", .int(2)), ("  3 ", .int(3)),
    ]
    for (source, expected) in cases {
      #expect(PythonArithmetic.evaluate(source) == .value(expected), "\(source)")
    }
  }

  @Test func pythonArithmeticRaises() {
    for source in [
      "1__0", "05", "2.0^1", "1/0", "1%0", "0**-1", "x", "(1,2)", "'5'", "1\n+2", "10.0**400", "3 +", "", "2(3)",
      "\\frac{1}{2}", "1,000", "$5",
    ] {
      #expect(PythonArithmetic.evaluate(source) == .raises, "\(source)")
    }
  }

  /// Python would evaluate these (to a complex, a call's result, a bool, a list element); Ocular does not.
  @Test func pythonArithmeticUnsupported() {
    for source in ["(-8)**(1/3)", "2j", "abs(-3)", "1<2", "[1][0]", "1 .real", "99999999999999999999", "2**64"] {
      guard case .unsupported = PythonArithmetic.evaluate(source) else {
        Issue.record("\(source) should be unsupported")
        continue
      }
    }
  }

  @Test func latexValues() {
    let cases: [(String, Double)] = [
      ("\\frac{1}{2}", 0.5), ("\\dfrac{3}{4}", 0.75), ("\\tfrac{1}{4}", 0.25), ("2\\frac{1}{2}", 2.5),
      ("-2\\frac{1}{2}", -2.5), ("(-2)\\frac{1}{2}", -2.5), ("2(3)", 5), ("1 2 3", 6), ("2 (1+1)", 4),
      ("\\frac{4}{2}3", 5), ("2\\frac{4}{2}", 4), ("\\frac{1}{4} 3", 0.75), ("2.5\\frac{1}{2}", 1.25), ("1,000", 1000),
      ("12,345.5", 12345.5), ("0,500", 0.5), ("05", 5), ("007", 7), (".5", 0.5), ("3.50", 3.5), ("2^3", 8),
      ("2^10", 1024), ("2^{3}^{2}", 64), ("2^{-1}", 0.5), ("10^{-3}", 0.001), ("-3^2", -9), ("(-3)^2", 9),
      ("2^{0.5}", 2.0.squareRoot()), ("\\sqrt[3]{8}", 2), ("30^\\circ", 30), ("30^{\\circ}", 30), ("3\\cdot 4", 12),
      ("3\\times4", 12), ("3\u{00D7}4", 12), ("\u{2212}5", -5), ("6\\div 4", 1.5), ("3:4", 0.75),
      ("\\left(\\frac{1}{2}\\right)", 0.5), ("[2]", 2), ("{2}{3}", 5), ("\\text{5}", 5), ("2\\text{5}", 10),
      ("5\\text{ }", 5), ("$\\frac{3}{4}$", 0.75), ("\\$5", 5), ("'5'", 5), ("\\boxed{7}", 7), ("0^{0}", 1),
      ("\\frac{1}{2}+\\frac{1}{3}", 5.0 / 6), ("6/2/3", 1), ("1 1/2", 1), ("2\\!3", 23), ("2\\,3", 5),
      ("2\\cdot -3", -6),
    ]
    for (source, expected) in cases {
      guard case .value(let value) = LatexArithmetic.evaluate(source) else {
        Issue.record("\(source): \(LatexArithmetic.evaluate(source))")
        continue
      }
      #expect(abs(value - expected) < 1e-12, "\(source): \(value)")
    }
  }

  /// The reference's `latex2sympy` raises, or the printed expression names something Python's `eval` does not know.
  @Test func latexRaises() {
    for source in [
      "1,0000", "0,5", "2^{1/2}", "2^{\\frac{2}{4}}", "\\sqrt{4}", "\\sqrt[2]{9}", "\\pi", "2\\pi", "\\infty", "x", "e",
      "5\\%", "30\u{00B0}", "{5}", "(1,2)", "\\{1\\}", "|-3|", "3!", "x=3", "5\\text{ cm}", "\\frac{1}{0}",
      "\\frac{0}{0}",
      "\\frac{1.0}{0}", "0^{-1}", "\\frac12", "5.", "2^-1", "\\ln 1", "\\frac{\\sqrt{3}}{2}", "",
    ] {
      #expect(LatexArithmetic.evaluate(source) == .raises, "\(source): \(LatexArithmetic.evaluate(source))")
    }
  }

  /// The reference reads these (`1_000` is 1, `\binom{4}{2}` is 6, `10^{20}` an exact integer); Ocular does not.
  @Test func latexUnsupported() {
    for source in ["1_000", "\\binom{4}{2}", "10^{20}", "\\sqrt[3]{-8}", "0.\\overline{3}", "\\operatorname{5}"] {
      switch LatexArithmetic.evaluate(source) {
      case .unsupported: break
      case .raises where source == "0.\\overline{3}":
        // A bare `.` is a parse error in both.
        break
      case let other: Issue.record("\(source): \(other)")
      }
    }
  }

  @Test func isEqualRules() {
    #expect(MathEquivalence.compare(" B ", "b").rule == .string)
    #expect(MathEquivalence.compare("7.0", "7").rule == .python)
    #expect(MathEquivalence.compare("2^3", "1").rule == .python)
    #expect(MathEquivalence.compare("2^3", "8").rule == .latex)
    #expect(MathEquivalence.compare("\\frac{1}{3}", "0.333333").isEqual)
    #expect(!MathEquivalence.compare("\\frac{1}{3}", "0.33333").isEqual)
    #expect(!MathEquivalence.compare("\\sqrt{4}", "2").isEqual)
    #expect(!MathEquivalence.compare("7.000001", "7").isEqual)
    #expect(MathEquivalence.compare("7.0000001", "7").isEqual)
    // Code points, not Swift's canonical equivalence.
    #expect(!MathEquivalence.compare("cafe\u{301}", "caf\u{E9}").isEqual)
    let flagged = MathEquivalence.compare("abs(-3)", "3")
    #expect(!flagged.isEqual && flagged.notes.contains { $0.contains("not evaluated") })
  }
}
