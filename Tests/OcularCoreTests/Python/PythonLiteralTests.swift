// Reference: CPython 3.11 `eval` / `ast.literal_eval` of the literal subset VLMEvalKit (ms-vlmeval 0.0.20) `eval`s
// in TSV cells, and its reading of an `answer` cell (`vqa_eval.py: process_line`: only a *list* is split into
// golds; see Golden/README.md). Expected values were checked with python3.
import Testing

@testable import OcularCore

@Suite("PythonLiteral")
struct PythonLiteralTests {
  @Test func listOfMixedQuotes() {
    #expect(PythonLiteral.parse("['a', \"b's\"]") == .array([.string("a"), .string("b's")]))
    #expect(
      PythonLiteral.parse("[\"Children's Hospital\", \"children's hospital\"]")
        == .array([.string("Children's Hospital"), .string("children's hospital")]))
  }

  @Test func escapes() {
    // eval(r"'a\nb\t\\\'\"\x41\u00e9\U0001F600'") == 'a\nb\t\\\'"Aé😀'
    #expect(
      PythonLiteral.parse(#"'a\nb\t\\\'\"\x41\u00e9\U0001F600'"#)
        == .string("a\nb\t\\'\"A\u{E9}\u{1F600}"))
    // An unknown escape keeps its backslash: eval(r"'\d'") == '\\d'.
    #expect(PythonLiteral.parse(#"'\d'"#) == .string("\\d"))
    // A backslash-newline continues the string.
    #expect(PythonLiteral.parse("'a\\\nb'") == .string("ab"))
  }

  /// Python's octal escapes: eval(r"'\101\0'") == 'A\x00', eval(r"'\12'") == '\n'.
  @Test func octalEscapes() {
    #expect(PythonLiteral.parse(#"'\101'"#) == .string("A"))
    #expect(PythonLiteral.parse(#"'\12'"#) == .string("\n"))
    #expect(PythonLiteral.parse(#"'\0'"#) == .string("\0"))
  }

  @Test func malformedHexEscapesAreRejected() {
    // eval(r"'\x4'") and eval(r"'\x+1'") are SyntaxErrors.
    #expect(PythonLiteral.parse(#"'\x4'"#) == nil)
    #expect(PythonLiteral.parse(#"'\x+1'"#) == nil)
  }

  @Test func nestedListsAndScalars() {
    #expect(
      PythonLiteral.parse("[['a', 1], [2.5, [True, False, None]], -3]")
        == .array([
          .array([.string("a"), .number(1)]),
          .array([.number(2.5), .array([.bool(true), .bool(false), .null])]),
          .number(-3),
        ]))
    #expect(PythonLiteral.parse("[]") == .array([]))
    #expect(PythonLiteral.parse(" [ 1 , 2 , ] ") == .array([.number(1), .number(2)]))
  }

  @Test func tuplesAndDicts() {
    #expect(PythonLiteral.parse("('a', 'b')") == .array([.string("a"), .string("b")]))
    #expect(
      PythonLiteral.parse("{'x': 1, \"y\": [None], 'z': {'w': 'v'}}")
        == .object(["x": .number(1), "y": .array([.null]), "z": .object(["w": .string("v")])]))
    #expect(PythonLiteral.parse("{}") == .object([:]))
  }

  @Test func booleansNoneNumbers() {
    #expect(PythonLiteral.parse("True") == .bool(true))
    #expect(PythonLiteral.parse("False") == .bool(false))
    #expect(PythonLiteral.parse("None") == .null)
    #expect(PythonLiteral.parse("42") == .number(42))
    #expect(PythonLiteral.parse("1_000") == .number(1000))
    #expect(PythonLiteral.parse("-1.5e3") == .number(-1500))
  }

  @Test(arguments: [
    "['a', 'b'", "['a' ; 'b']", "[1 2]", "'unterminated", "[a]", "__import__('os')", "[,]", "{'a' 1}", "",
    "true", "none", "['a'] extra", "{'a': }", "'line\nbreak'", "(1, 2", "[1, 2)",
  ])
  func malformedIsNil(_ text: String) {
    #expect(PythonLiteral.parse(text) == nil, "\(text.debugDescription)")
  }

  /// The byte-level fast path either declines or agrees with the full parser.
  @Test(arguments: [
    "['ITC Limited', 'itc']", "[\"Children's Hospital\", \"children's hospital\"]", "[]", "[ ]", "['a',]",
    "  ['a' , 'b' ]  ", "['a' 'b']", "['a\\'b']", "[u'a']", "['a', 1]", "['a', ['b']]", "('a', 'b')", "['a'",
    "['a'] x", "['é ü', '€']", "plain text", "['a',\n'b']", "[\"a\", 'b']", "['', '']", "[,]", "['a',,'b']",
  ])
  func simpleStringListAgreesWithTheFullParser(cell: String) {
    if let fast = PythonLiteral.simpleStringList(cell) {
      #expect(fast == PythonLiteral.fullStringList(cell))
    }
  }

  @Test func simpleStringListTakesTheCommonShapes() {
    #expect(PythonLiteral.simpleStringList("['ITC Limited', 'itc']") == ["ITC Limited", "itc"])
    #expect(PythonLiteral.simpleStringList("[\"a\", 'b',]") == ["a", "b"])
    #expect(PythonLiteral.simpleStringList("['a\\'b']") == nil)
  }

  @Test func stringListReadsAListCell() {
    #expect(PythonLiteral.stringList("['ITC Limited', 'itc']") == ["ITC Limited", "itc"])
    #expect(PythonLiteral.stringList("['']") == [""])
    #expect(PythonLiteral.stringList("[\"McDonald's\", 'mcdonalds']") == ["McDonald's", "mcdonalds"])
  }

  @Test func stringListKeepsANonListCellWhole() {
    // Only a list is split (Golden/README.md): "42", "'hello'" and "('a', 'b')" are each one gold.
    #expect(PythonLiteral.stringList("42") == ["42"])
    #expect(PythonLiteral.stringList("'hello'") == ["'hello'"])
    #expect(PythonLiteral.stringList("ITC Limited") == ["ITC Limited"])
    #expect(PythonLiteral.stringList("['unclosed'") == ["['unclosed'"])
  }

  @Test func stringListKeepsATupleCellWhole() {
    // eval("('a', 'b')") is a tuple, not a list: process_line keeps the cell string as the only gold.
    #expect(PythonLiteral.stringList("('a', 'b')") == ["('a', 'b')"])
  }
}
