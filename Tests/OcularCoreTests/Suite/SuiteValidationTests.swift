// Every class of bad suite input, each in a temporary copy of a bundled suite, with the exact message
// (`path:line: message`, or `path: message` for the file as a whole) that the user sees.
import Foundation
import Testing

@testable import OcularCore

/// Damages a copy of a bundled suite and checks the first load error's description.
func expectLoadError(
  _ suite: String, _ damage: (SuiteCopy) throws -> Void, _ expected: (SuiteCopy) -> String,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
  try withTemporaryFolder { parent in
    let copy = try SuiteCopy(of: suite, in: parent)
    try damage(copy)
    let actual = loadError(folder: copy.path)
    let want = expected(copy)
    #expect(actual == want, sourceLocation: sourceLocation)
  }
}

@Suite("Suite loading: bad records")
struct SampleRecordValidationTests {
  let samples = "samples.jsonl"

  @Test func invalidJSONLine() throws {
    try expectLoadError("docvqa", { try $0.replaceLine(3, of: samples, with: #"{"index": 3, "question": "#) }) {
      "\($0.display("samples.jsonl")):3: invalid JSON"
    }
  }

  @Test func nonObjectLines() throws {
    try expectLoadError("docvqa", { try $0.replaceLine(2, of: samples, with: #"["a", "b"]"#) }) {
      "\($0.display("samples.jsonl")):2: a sample must be a JSON object, not an array"
    }
    try expectLoadError("docvqa", { try $0.replaceLine(2, of: samples, with: #""text""#) }) {
      "\($0.display("samples.jsonl")):2: a sample must be a JSON object, not a string"
    }
    try expectLoadError("docvqa", { try $0.replaceLine(2, of: samples, with: "null") }) {
      "\($0.display("samples.jsonl")):2: a sample must be a JSON object, not null"
    }
  }

  @Test func missingRequiredField() throws {
    try expectLoadError("docvqa", { try $0.editRecord(4, of: samples) { $0["answer"] = nil } }) {
      "\($0.display("samples.jsonl")):4: missing field \"answer\""
    }
    // OCRBench's reference raises on a NaN gold; DocVQA's scores it as the string "nan" (ScoringProfileTests).
    try expectLoadError("ocrbench", { try $0.editRecord(4, of: samples) { $0["answer"] = NSNull() } }) {
      "\($0.display("samples.jsonl")):4: missing field \"answer\""
    }
    try expectLoadError("mmstar", { try $0.editRecord(2, of: samples) { $0["question"] = nil } }) {
      "\($0.display("samples.jsonl")):2: missing field \"question\""
    }
    try expectLoadError("refcoco", { try $0.editRecord(2, of: "eval_refcoco_testB.jsonl") { $0["solution"] = nil } }) {
      "\($0.display("eval_refcoco_testB.jsonl")):2: missing field \"solution\""
    }
  }

  @Test func wrongFieldTypes() throws {
    try expectLoadError("docvqa", { try $0.editRecord(5, of: samples) { $0["question"] = 5 } }) {
      "\($0.display("samples.jsonl")):5: field \"question\" must be a string, not a number"
    }
    try expectLoadError("docvqa", { try $0.editRecord(5, of: samples) { $0["answer"] = ["a": "b"] } }) {
      "\($0.display("samples.jsonl")):5: field \"answer\" must be a string, a list literal or an array of strings"
    }
    try expectLoadError("docvqa", { try $0.editRecord(5, of: samples) { $0["answer"] = [["x"]] } }) {
      "\($0.display("samples.jsonl")):5: field \"answer\" must be a string, a list literal or an array of strings"
    }
    try expectLoadError("mmstar", { try $0.editRecord(3, of: samples) { $0["answer"] = "AB" } }) {
      "\($0.display("samples.jsonl")):3: field \"answer\" must be a single letter A–Z"
    }
    try expectLoadError("mmstar", { try $0.editRecord(3, of: samples) { $0["answer"] = "b" } }) {
      "\($0.display("samples.jsonl")):3: field \"answer\" must be a single letter A–Z"
    }
    try expectLoadError("refcoco", { try $0.editRecord(1, of: "eval_refcoco_val.jsonl") { $0["problem"] = ["x"] } }) {
      "\($0.display("eval_refcoco_val.jsonl")):1: field \"problem\" must be a string, not an array"
    }
    try expectLoadError("docvqa", { try $0.editRecord(1, of: samples) { $0["image_path"] = 7 } }) {
      "\($0.display("samples.jsonl")):1: field \"image_path\" must be a path or a list of paths, not a number"
    }
    try expectLoadError("docvqa", { try $0.editRecord(1, of: samples) { $0["image_path"] = ["docvqa_1.png", 3] } }) {
      "\($0.display("samples.jsonl")):1: field \"image_path\" must list strings"
    }
  }

  @Test func answerCellWithNoAnswer() throws {
    try expectLoadError("docvqa", { try $0.editRecord(6, of: samples) { $0["answer"] = "[]" } }) {
      "\($0.display("samples.jsonl")):6: field \"answer\" holds no answer"
    }
  }

  /// The reference crashes on a list cell with a non-string element (Golden/anls: `[1234, '1,234']`); the loader
  /// must reject the record rather than score it.
  @Test func answerListWithNonStringElementIsRejected() throws {
    try withTemporaryFolder { parent in
      let copy = try SuiteCopy(of: "docvqa", in: parent)
      try copy.editRecord(8, of: samples) { $0["answer"] = "[1234, '1,234']" }
      let error = loadError(folder: copy.path)
      let prefix = "\(copy.display("samples.jsonl")):8: "
      #expect(error?.hasPrefix(prefix) == true, "got \(error ?? "no error")")
      #expect(error?.contains("answer") == true)
    }
  }

  @Test func missingOrBadIDField() throws {
    try expectLoadError("docvqa", { try $0.editRecord(6, of: samples) { $0["index"] = nil } }) {
      "\($0.display("samples.jsonl")):6: missing field \"index\""
    }
    try expectLoadError("docvqa", { try $0.editRecord(6, of: samples) { $0["index"] = NSNull() } }) {
      "\($0.display("samples.jsonl")):6: field \"index\" must be a non-empty string or an integer, not null"
    }
    try expectLoadError("docvqa", { try $0.editRecord(6, of: samples) { $0["index"] = "" } }) {
      "\($0.display("samples.jsonl")):6: field \"index\" must be a non-empty string or an integer, not a string"
    }
    try expectLoadError("docvqa", { try $0.editRecord(6, of: samples) { $0["index"] = 6.5 } }) {
      "\($0.display("samples.jsonl")):6: field \"index\" must be a non-empty string or an integer, not a number"
    }
    try expectLoadError("refcoco", { try $0.editRecord(3, of: "eval_refcoco_val.jsonl") { $0["problem_id"] = nil } }) {
      "\($0.display("eval_refcoco_val.jsonl")):3: missing field \"problem_id\""
    }
  }

  @Test func duplicateID() throws {
    try expectLoadError("docvqa", { try $0.editRecord(3, of: samples) { $0["index"] = 1 } }) {
      "\($0.display("samples.jsonl")):3: duplicate sample id \"1\""
    }
    // A string id equal to an earlier integer id is the same id.
    try expectLoadError("docvqa", { try $0.editRecord(3, of: samples) { $0["index"] = "2" } }) {
      "\($0.display("samples.jsonl")):3: duplicate sample id \"2\""
    }
    // Within a split file of a split suite the id is `<split>/<id>`.
    try expectLoadError("refcoco", { try $0.editRecord(4, of: "eval_refcoco_testA.jsonl") { $0["problem_id"] = 2 } }) {
      "\($0.display("eval_refcoco_testA.jsonl")):4: duplicate sample id \"testA/2\""
    }
  }

  @Test func emptySampleFile() throws {
    try expectLoadError("docvqa", { try Data().write(to: $0.file("samples.jsonl")) }) {
      "\($0.display("samples.jsonl")): empty sample file"
    }
    try expectLoadError("refcoco", { try Data().write(to: $0.file("eval_refcoco_testB.jsonl")) }) {
      "\($0.display("eval_refcoco_testB.jsonl")): empty sample file"
    }
  }

  @Test func invalidUTF8() throws {
    try expectLoadError(
      "docvqa",
      { copy in
        var lines = try copy.lines("samples.jsonl").map { Array($0.utf8) }
        lines[1] =
          Array(#"{"index": 2, "question": "caf"#.utf8) + [0xE9]
          + Array(#"", "answer": "['x']", "image_path": "docvqa_2.png"}"#.utf8)
        try Data(lines.joined(separator: [0x0A]) + [0x0A]).write(to: copy.file("samples.jsonl"))
      }
    ) {
      "\($0.display("samples.jsonl")):2: invalid UTF-8"
    }
  }

  @Test func templateNamingAMissingField() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["prompt_template"] = "{question} (page {page})" } }) {
      "\($0.display("samples.jsonl")):1: prompt_template names field \"page\", which the record lacks"
    }
  }

  @Test func mcqAnswerLetterNamingNoOption() throws {
    try expectLoadError("mmstar", { try $0.editRecord(4, of: samples) { $0["answer"] = "E" } }) {
      "\($0.display("samples.jsonl")):4: answer \"E\" names no option of the record"
    }
    try expectLoadError(
      "mmstar",
      {
        try $0.editRecord(4, of: samples) {
          $0["B"] = NSNull(); $0["answer"] = "B"
        }
      }
    ) {
      "\($0.display("samples.jsonl")):4: answer \"B\" names no option of the record"
    }
  }

  @Test func mcqWithFewerThanTwoOptions() throws {
    try expectLoadError(
      "mmstar",
      { try $0.editRecord(1, of: samples) { for letter in ["B", "C", "D"] { $0[letter] = nil } } }
    ) {
      "\($0.display("samples.jsonl")):1: a multiple-choice record needs at least two option columns (A, B, …)"
    }
  }

  @Test func groundingSolutionWithoutABox() throws {
    try expectLoadError(
      "refcoco",
      { try $0.editRecord(2, of: "eval_refcoco_val.jsonl") { $0["solution"] = "<answer>[1, 2, 3, 4]</answer>" } }
    ) {
      "\($0.display("eval_refcoco_val.jsonl")):2: field \"solution\" must hold <answer>{\"boxes\": [x1, y1, x2, y2]}</answer>"
    }
  }
}

@Suite("Suite loading: bad image paths and files")
struct ImagePathValidationTests {
  let samples = "samples.jsonl"

  @Test func pathWithDotDot() throws {
    try expectLoadError("docvqa", { try $0.editRecord(1, of: samples) { $0["image_path"] = "../docvqa_1.png" } }) {
      "\($0.display("samples.jsonl")):1: path \"images/../docvqa_1.png\" contains \"..\"; paths must stay inside the suite folder"
    }
    try expectLoadError(
      "refcoco",
      { try $0.editRecord(1, of: "eval_refcoco_val.jsonl") { $0["path"] = "images/../../mmstar/images/mmstar_1.png" } }
    ) {
      "\($0.display("eval_refcoco_val.jsonl")):1: path \"images/../../mmstar/images/mmstar_1.png\" contains \"..\"; paths must stay inside the suite folder"
    }
  }

  @Test func absolutePathWithoutImageRoot() throws {
    let absolute = TestPaths.image("refcoco", "refcoco_val_1.png")
    try expectLoadError("refcoco", { try $0.editRecord(1, of: "eval_refcoco_val.jsonl") { $0["path"] = absolute } }) {
      "\($0.display("eval_refcoco_val.jsonl")):1: path \"\(absolute)\" is absolute; paths must be relative to the suite folder"
    }
  }

  /// With an `image_root`, an absolute record path must still be refused as absolute (not silently re-rooted under
  /// the image root and then reported as a missing file).
  @Test func absolutePathWithImageRoot() throws {
    let absolute = TestPaths.image("docvqa", "docvqa_1.png")
    try expectLoadError("docvqa", { try $0.editRecord(1, of: samples) { $0["image_path"] = absolute } }) {
      "\($0.display("samples.jsonl")):1: path \"\(absolute)\" is absolute; paths must be relative to the suite folder"
    }
  }

  @Test func symlinkEscapingTheFolder() throws {
    try expectLoadError(
      "docvqa",
      { copy in
        try FileManager.default.createSymbolicLink(
          atPath: copy.file("images/evil.png").path, withDestinationPath: TestPaths.image("mmstar", "mmstar_1.png"))
        try copy.editRecord(1, of: samples) { $0["image_path"] = "evil.png" }
      }
    ) {
      "\($0.display("samples.jsonl")):1: path \"images/evil.png\" resolves outside the suite folder (symlink)"
    }
    // A symlinked sample file escaping the folder is refused too (no line: the manifest names it).
    try expectLoadError(
      "docvqa",
      { copy in
        try FileManager.default.removeItem(at: copy.file("samples.jsonl"))
        try FileManager.default.createSymbolicLink(
          atPath: copy.file("samples.jsonl").path,
          withDestinationPath: TestPaths.benchmarks.appendingPathComponent("docvqa/samples.jsonl").path)
      }
    ) {
      "\($0.display("suite.json")): path \"samples.jsonl\" resolves outside the suite folder (symlink)"
    }
  }

  @Test func missingImage() throws {
    try expectLoadError("docvqa", { try $0.editRecord(2, of: samples) { $0["image_path"] = "nope.png" } }) {
      "\($0.display("samples.jsonl")):2: path \"images/nope.png\": no such file"
    }
  }

  @Test func emptyImagePathAndList() throws {
    try expectLoadError("docvqa", { try $0.editRecord(2, of: samples) { $0["image_path"] = "" } }) {
      "\($0.display("samples.jsonl")):2: field \"image_path\" holds an empty path"
    }
    try expectLoadError("docvqa", { try $0.editRecord(2, of: samples) { $0["image_path"] = [String]() } }) {
      "\($0.display("samples.jsonl")):2: field \"image_path\" names no image"
    }
    try expectLoadError("docvqa", { try $0.editRecord(2, of: samples) { $0["image_path"] = nil } }) {
      "\($0.display("samples.jsonl")):2: missing field \"image_path\""
    }
  }

  @Test func zeroByteImage() throws {
    try expectLoadError(
      "docvqa",
      { copy in
        try Data().write(to: copy.file("images/empty.png"))
        try copy.editRecord(1, of: samples) { $0["image_path"] = "empty.png" }
      }
    ) {
      "\($0.display("samples.jsonl")):1: image \"empty.png\": empty image file"
    }
  }

  @Test func truncatedImages() throws {
    for (file, format) in [("docvqa_1.png", "PNG"), ("docvqa_4.jpg", "JPEG"), ("docvqa_9.webp", "WEBP")] {
      try expectLoadError(
        "docvqa",
        { copy in
          let bytes = try Data(contentsOf: copy.file("images/\(file)"))
          try bytes.prefix(bytes.count / 2).write(to: copy.file("images/cut-\(file)"))
          try copy.editRecord(1, of: samples) { $0["image_path"] = "cut-\(file)" }
        }
      ) {
        "\($0.display("samples.jsonl")):1: image \"cut-\(file)\": truncated or corrupt \(format) image"
      }
    }
  }

  @Test func notAnImage() throws {
    try expectLoadError(
      "docvqa",
      { copy in
        try Data("just text".utf8).write(to: copy.file("images/note.png"))
        try copy.editRecord(1, of: samples) { $0["image_path"] = "note.png" }
      }
    ) {
      "\($0.display("samples.jsonl")):1: image \"note.png\": not a PNG, JPEG, GIF or WebP image"
    }
  }
}

@Suite("Suite loading: bad manifests")
struct ManifestValidationTests {
  @Test func unknownBenchmark() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["benchmark"] = "nosuch" } }) {
      "\($0.display("suite.json")): unknown benchmark \"nosuch\""
    }
  }

  @Test func metricMismatch() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["metric"] = "accuracy" } }) {
      "\($0.display("suite.json")): metric \"accuracy\" is not the metric of benchmark docvqa (\"anls\")"
    }
  }

  @Test func wrongGroup() throws {
    try expectLoadError("refcoco", { try $0.editManifest { $0["group"] = "spatial" } }) {
      "\($0.display("suite.json")): group \"spatial\" is not the group of benchmark refcoco (\"grounding\")"
    }
  }

  @Test func wrongScoringProfile() throws {
    try expectLoadError("mmstar", { try $0.editManifest { $0["scoring_profile"] = "onethinker" } }) {
      "\($0.display("suite.json")): scoring profile \"onethinker\" is not supported by benchmark mmstar (\"vlmevalkit\")"
    }
  }

  @Test func unknownFormatTag() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["format"] = "ocular-suite/2" } }) {
      "\($0.display("suite.json")): unsupported format \"ocular-suite/2\" (expected ocular-suite/1)"
    }
  }

  @Test func unbalancedTemplate() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["prompt_template"] = "{question\nAnswer." } }) {
      "\($0.display("suite.json")): prompt_template has an unbalanced brace"
    }
    try expectLoadError("docvqa", { try $0.editManifest { $0["prompt_template"] = "{question} }" } }) {
      "\($0.display("suite.json")): prompt_template has an unbalanced brace"
    }
  }

  @Test func missingAndMistypedManifestFields() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["name"] = nil } }) {
      "\($0.display("suite.json")): missing field \"name\""
    }
    try expectLoadError("docvqa", { try $0.editManifest { $0["files"] = "samples.jsonl" } }) {
      "\($0.display("suite.json")): field \"files\" has the wrong type"
    }
    try expectLoadError("docvqa", { try Data("{\"format\": ".utf8).write(to: $0.file("suite.json")) }) {
      "\($0.display("suite.json")): invalid JSON"
    }
  }

  @Test func badSuiteName() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["name"] = "Doc VQA" } }) {
      "\($0.display("suite.json")): suite name must match [a-z0-9_+-]+"
    }
  }

  @Test func noSampleFiles() throws {
    try expectLoadError("docvqa", { try $0.editManifest { $0["files"] = [Any]() } }) {
      "\($0.display("suite.json")): \"files\" names no sample file"
    }
    try expectLoadError("docvqa", { try $0.editManifest { $0["files"] = [["path": "nosuch.jsonl"]] } }) {
      "\($0.display("suite.json")): path \"nosuch.jsonl\": no such file"
    }
    try expectLoadError("docvqa", { try $0.editManifest { $0["files"] = [["path": "../mmstar/samples.jsonl"]] } }) {
      "\($0.display("suite.json")): path \"../mmstar/samples.jsonl\" contains \"..\"; paths must stay inside the suite folder"
    }
  }

  @Test func noManifest() throws {
    try expectLoadError("docvqa", { try FileManager.default.removeItem(at: $0.file("suite.json")) }) {
      "\($0.display("suite.json")): cannot read: no such file"
    }
  }
}
