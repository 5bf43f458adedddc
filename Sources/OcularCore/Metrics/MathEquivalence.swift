/// VLMEvalKit's `is_equal(asw, gt_asw)` (`vlmeval/dataset/utils/mathv.py`, ms-vlmeval 0.0.20), without `eval`.
///
/// Both strings are lower-cased and stripped (Python semantics). They are equal if the strings are; else if both
/// evaluate as Python arithmetic and `abs(eval(gt) - eval(asw)) < 1e-6` (``PythonArithmetic``); else if both
/// read as LaTeX numbers within 1e-6 (``LatexArithmetic``, an approximation of the reference's `latex2sympy`
/// test). The reference's 30-second timeout never matters here: huge powers are reported as not evaluated.
public enum MathEquivalence {
  /// Which test decided.
  public enum Rule: String, Sendable, Hashable {
    /// The lower-cased, stripped strings are identical.
    case string
    /// Python arithmetic on both sides agrees within 1e-6.
    case python
    /// The LaTeX approximation on both sides agrees within 1e-6.
    case latex
    /// The answer is a bare `a`, which the reference's `eval` reads as its local variable holding the gold.
    case localVariable
    /// No test succeeded.
    case none
  }

  /// The outcome of one comparison.
  public struct Verdict: Sendable, Hashable {
    /// Whether the answers are equal.
    public var isEqual: Bool
    /// The test that decided.
    public var rule: Rule
    /// Flags for reports: the LaTeX approximation decided, or a side could not be read where the reference might.
    public var notes: [String]
  }

  /// The note on an item the LaTeX approximation found equal.
  public static let latexNote = "is_equal: LaTeX approximation decided equal"

  /// The note on an item the local-`a` behaviour decided.
  public static let localANote =
    "is_equal: a bare \"a\" is the reference's local variable holding the evaluated gold, so it equals any "
    + "numeric gold (reproduced; the corrected profile drops it)"

  /// `is_equal(answer, gold)`.
  ///
  /// - Parameter isLocalAReproduced: Whether a bare `A`/`a` answer equals any gold that evaluates to a number, as
  ///   in the reference: `is_equal` runs `a = eval(gt_asw)` and then `eval(asw)`, so the answer `a` evaluates to
  ///   the gold itself (in its Python and its `latex2sympy` test alike).
  public static func compare(_ answer: String, _ gold: String, isLocalAReproduced: Bool = true) -> Verdict {
    let a = PythonString.strip(PythonString.lower(answer))
    let g = PythonString.strip(PythonString.lower(gold))
    if a.unicodeScalars.elementsEqual(g.unicodeScalars) { return Verdict(isEqual: true, rule: .string, notes: []) }
    var notes: [String] = []
    let pythonGold = PythonArithmetic.evaluate(g)
    if isLocalAReproduced, a == "a" {
      if case .value = pythonGold { return Verdict(isEqual: true, rule: .localVariable, notes: [localANote]) }
      // latex2sympy's result is `eval`ed from its `str()`: `sqrt(2)` and `pi` are names `is_equal` cannot see.
      if !g.containsScalars("\\sqrt"), !g.containsScalars("\\pi"), case .value = LatexArithmetic.evaluate(g) {
        return Verdict(isEqual: true, rule: .localVariable, notes: [localANote, latexNote])
      }
    }
    let pythonAnswer = PythonArithmetic.evaluate(a)
    if case .value(let x) = pythonGold, case .value(let y) = pythonAnswer, PythonArithmetic.isClose(x, y) {
      return Verdict(isEqual: true, rule: .python, notes: [])
    }
    for case .unsupported(let reason) in [pythonGold, pythonAnswer] {
      notes.append("is_equal: Python expression not evaluated (\(reason))")
    }
    let latexGold = LatexArithmetic.evaluate(g)
    let latexAnswer = LatexArithmetic.evaluate(a)
    if case .value(let x) = latexGold, case .value(let y) = latexAnswer, abs(x - y) < 1e-6 {
      return Verdict(isEqual: true, rule: .latex, notes: [latexNote])
    }
    for case .unsupported(let reason) in [latexGold, latexAnswer] {
      notes.append("is_equal: LaTeX approximation could not read (\(reason))")
    }
    return Verdict(isEqual: false, rule: .none, notes: notes)
  }
}
