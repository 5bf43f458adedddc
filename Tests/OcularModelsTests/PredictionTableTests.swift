import Foundation
import OcularCore
import Testing
import ZIPFoundation

@testable import OcularModels

/// The committed VLMEvalKit prediction files (written by scripts/fixtures/make_vlmevalkit_fixtures.py).
enum PredictionFixtures {
  /// `Tests/ocularTests/Fixtures/vlmevalkit/`.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ocularTests/Fixtures/vlmevalkit")

  static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// The sample ids of the bundled mmstar suite (0–11).
  static let mmstarIDs = Set((0..<12).map(String.init))
}

/// Writes an `.xlsx` workbook from hand-written parts, for shapes pandas does not write.
func writeWorkbook(sheet: String, sharedStrings: String? = nil, workbook: Bool = true) throws -> String {
  let path = NSTemporaryDirectory() + "ocular-xlsx-" + UUID().uuidString + ".xlsx"
  let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
  var parts: [(String, String)] = [("xl/worksheets/data.xml", sheet)]
  if workbook {
    parts.append(
      (
        "xl/workbook.xml",
        #"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
          + #"<sheet name="Sheet1" sheetId="1" r:id="rId7"/></sheets></workbook>"#
      ))
    parts.append(
      (
        "xl/_rels/workbook.xml.rels",
        #"<Relationships><Relationship Id="rId7" Target="worksheets/data.xml"/></Relationships>"#
      ))
  }
  if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
  for (name, text) in parts {
    let data = Data(text.utf8)
    try archive.addEntry(
      with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
    ) { position, size in
      data.subdata(in: Int(position)..<Int(position) + size)
    }
  }
  return path
}

@Suite struct XLSXSheetTests {
  @Test func readsTheWorkbookPandasWritesWithXlsxwriter() throws {
    let rows = try XLSXSheet(path: PredictionFixtures.path("OcularFixtureModel_MMStar.xlsx")).rows
    #expect(rows.count == 14)
    #expect(rows.map(\.number) == Array(1...14))
    let header = rows[0].cells.map { $0 ?? "" }
    let prediction = try #require(header.firstIndex(of: "prediction"))
    #expect(prediction >= 26, "prediction sits past column Z: \(prediction)")
    #expect(rows[1].cells[0] == "0")
    #expect(rows[13].cells[0] == "999")
    #expect(rows[1].cells[prediction] == "A")
    #expect(rows[8].cells[prediction] == "control\u{1}char then B")
    #expect(rows[5].cells[prediction] == "Réponse : A — 答案")
    #expect(rows[6].cells.count <= prediction || rows[6].cells[prediction] == nil, "an empty prediction")
    let thinking = try #require(header.firstIndex(of: "thinking"))
    #expect(rows[1].cells[thinking] == "Let me look.\nIt is a meadow.")
  }

  @Test func readsInlineStringsGapsRichTextBooleansAndErrors() throws {
    let sheet = """
      <?xml version="1.0" encoding="UTF-8"?>
      <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
      <x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>index</x:t></x:is></x:c><x:c r="AB1" t="s"><x:v>0</x:v></x:c></x:row>
      <x:row r="4"><x:c r="A4"><x:v>7.0</x:v></x:c><x:c r="AB4" t="s"><x:v>1</x:v></x:c></x:row>
      <x:row><x:c><x:v>0.25</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c>
      <x:c t="str"><x:f>A1</x:f><x:v>a_x000D_b</x:v></x:c></x:row>
      </x:sheetData></x:worksheet>
      """
    let strings = """
      <sst><si><t>prediction</t></si><si><r><t>rich </t></r><r><t xml:space="preserve">text </t></r>\
      <rPh><t>phonetic</t></rPh></si></sst>
      """
    let path = try writeWorkbook(sheet: sheet, sharedStrings: strings)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let rows = try XLSXSheet(path: path).rows
    #expect(rows.map(\.number) == [1, 4, 5])
    #expect(rows[0].cells.count == 28)
    #expect(rows[0].cells[0] == "index" && rows[0].cells[27] == "prediction")
    #expect(rows[0].cells[1...26].allSatisfy { $0 == nil })
    #expect(rows[1].cells[0] == "7" && rows[1].cells[27] == "rich text ")
    #expect(rows[2].cells == ["0.25", "True", nil, "a\rb"])
  }

  @Test func aWorkbookWithoutItsSheetIsUnreadable() throws {
    let path = try writeWorkbook(sheet: "<worksheet><sheetData/></worksheet>", workbook: false)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelError.self) { try XLSXSheet(path: path) }
  }

  @Test func aFileThatIsNoWorkbookIsUnreadable() throws {
    let path = try writeTemporary("index\tprediction\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelError.self) { try XLSXSheet(path: path) }
  }

  @Test(arguments: [("A1", 0), ("Z9", 25), ("AA1", 26), ("AB12", 27), ("AZ3", 51), ("BA3", 52), ("XFD1", 16383)])
  func columnLettersBeyondZ(_ reference: String, _ column: Int) {
    #expect(XLSXSheet.column(ofReference: reference) == column)
  }

  @Test func escapesAndNumbers() {
    #expect(XLSXSheet.unescaped("a_x0009_b_x000A_") == "a\tb\n")
    #expect(XLSXSheet.unescaped("_x00zz_ and _x") == "_x00zz_ and _x")
    #expect(XLSXSheet.numberText("17") == "17")
    #expect(XLSXSheet.numberText("17.0") == "17")
    #expect(XLSXSheet.numberText("0.30000000000000004") == "0.30000000000000004")
  }
}

@Suite struct PredictionReplayTests {
  /// The responses of the JSONL twin of the MMStar prediction files, by id.
  static func jsonlResponses() async throws -> [String: String] {
    let adapter = try ReplayAdapter(path: PredictionFixtures.path("OcularFixtureModel_MMStar.jsonl"))
    var responses: [String: String] = [:]
    for id in PredictionFixtures.mmstarIDs {
      responses[id] = try await adapter.generate(makeRequest(suite: "mmstar", id: id)).text
    }
    return responses
  }

  @Test(arguments: ["xlsx", "tsv", "csv"])
  func everyFormatGivesTheResponsesOfTheJSONLTwin(_ format: String) async throws {
    let adapter = try ReplayAdapter(path: PredictionFixtures.path("OcularFixtureModel_MMStar.\(format)"))
    #expect(adapter.isPredictionTable)
    #expect(adapter.count == 13)
    #expect(adapter.description.model == "OcularFixtureModel")
    let expected = try await Self.jsonlResponses()
    for id in PredictionFixtures.mmstarIDs {
      // A prediction table answers whichever single suite the run has.
      let text = try await adapter.generate(makeRequest(suite: "mmstar", id: id)).text
      #expect(text == expected[id], "id \(id)")
    }
    #expect(expected["10"] == "<think>thinking with a <b>tag</b></think>B")
    #expect(expected["5"] == "")
  }

  @Test func coverageNamesRowsThatMatchNoSample() throws {
    let path = PredictionFixtures.path("OcularFixtureModel_MMStar.xlsx")
    let adapter = try ReplayAdapter(path: path)
    let notes = try adapter.checkCoverage(of: ["mmstar": PredictionFixtures.mmstarIDs])
    #expect(
      notes == [
        "1 of 13 rows of \(path) match no sample of mmstar and are ignored (index 999 (row 14)); mmstar's ids look "
          + "like \"0\""
      ])
    let fewer = try adapter.checkCoverage(of: ["mmstar": PredictionFixtures.mmstarIDs.union(["12", "13"])])
    #expect(fewer.last == "2 samples of mmstar have no row in \(path); they are stored as errors \"no prediction\"")
  }

  @Test func aPredictionTableNeedsExactlyOneSuite() throws {
    let path = PredictionFixtures.path("OcularFixtureModel_MMStar.tsv")
    let adapter = try ReplayAdapter(path: path)
    #expect(throws: ModelError.replayNeedsOneSuite(path: path, suites: "docvqa, mmstar")) {
      try adapter.checkCoverage(of: ["mmstar": PredictionFixtures.mmstarIDs, "docvqa": ["1"]])
    }
    #expect(
      ModelError.replayNeedsOneSuite(path: path, suites: "docvqa, mmstar").description
        == "\(path) holds the predictions of one dataset; name its suite with --suite (this run has: docvqa, mmstar)")
  }

  @Test func aTableMatchingNoSampleIsRefused() throws {
    let path = PredictionFixtures.path("OcularFixtureModel_MMStar.csv")
    let adapter = try ReplayAdapter(path: path)
    #expect(
      throws: ModelError.replayMatchesNothing(
        path: path,
        detail: "none of its 13 rows has the index of a sample of suite docvqa (e.g. index 0 (line 2), 1 (line 4), "
          + "2 (line 5); docvqa's ids look like \"q1\"); is it a prediction file for another dataset?")
    ) {
      try adapter.checkCoverage(of: ["docvqa": ["q1", "q2"]])
    }
  }

  @Test func integerIndexesMatchInEitherSpelling() async throws {
    let path = NSTemporaryDirectory() + "M_X-" + UUID().uuidString + ".tsv"
    try "index\tprediction\n007\tA\nq8\tB\n".write(toFile: path, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let adapter = try ReplayAdapter(path: path)
    #expect(try await adapter.generate(makeRequest(suite: "s", id: "7")).text == "A")
    #expect(try await adapter.generate(makeRequest(suite: "s", id: "q8")).text == "B")
    #expect(try adapter.checkCoverage(of: ["s": ["7", "q8"]]).isEmpty)
  }

  @Test(arguments: [
    ("index\tprediction\n1\tA\n2\tB\n01\tC\n", 4, "duplicate index 01 (first at line 2)"),
    ("index\tanswer\n1\tA\n", 1, "no \"prediction\" column in the header (is this a VLMEvalKit prediction file?)"),
    ("question\tprediction\n1\tA\n", 1, "no \"index\" column in the header"),
    ("index\tprediction\n\"multi\nline\"\tA\n\tB\n", 4, "missing \"index\""),
  ])
  func malformedTablesNameFileAndLine(_ text: String, _ line: Int, _ message: String) throws {
    let path = NSTemporaryDirectory() + "ocular-pred-" + UUID().uuidString + ".tsv"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelError.invalidReplay(path: path, line: line, message: message)) {
      try ReplayAdapter(path: path)
    }
  }

  @Test func duplicateXLSXRowsNameTheirRow() throws {
    let sheet = """
      <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>index</t></is></c>\
      <c r="B1" t="inlineStr"><is><t>prediction</t></is></c></row>\
      <row r="2"><c r="A2"><v>3</v></c><c r="B2" t="inlineStr"><is><t>A</t></is></c></row>\
      <row r="3"><c r="A3"><v>3</v></c><c r="B3" t="inlineStr"><is><t>B</t></is></c></row></sheetData></worksheet>
      """
    let path = try writeWorkbook(sheet: sheet)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelError.invalidReplay(path: path, line: 3, message: "duplicate index 3 (first at row 2)")) {
      try ReplayAdapter(path: path)
    }
  }

  @Test func theModelNameComesFromTheFileNameUnlessGiven() throws {
    let names = ReplayAdapter.datasetNames
    #expect(PredictionTable.modelName(fromFileName: "/o/Qwen2.5-VL-7B_MMStar.xlsx", datasets: names) == "Qwen2.5-VL-7B")
    #expect(
      PredictionTable.modelName(fromFileName: "InternVL2_5-8B_MMBench_DEV_EN_V11.tsv", datasets: names)
        == "InternVL2_5-8B")
    #expect(
      PredictionTable.modelName(fromFileName: "m_RefSpatial_wo_unseen.csv", datasets: names) == "m")
    #expect(PredictionTable.modelName(fromFileName: "predictions.xlsx", datasets: names) == "predictions")
    let path = PredictionFixtures.path("OcularFixtureModel_MMStar.xlsx")
    #expect(try ReplayAdapter(path: path, model: "my-model").description.model == "my-model")
    #expect(
      try AdapterSpec(parsing: "replay:/p/a_MMStar.xlsx#my-model")
        == .replay(path: "/p/a_MMStar.xlsx", model: "my-model"))
    #expect(try AdapterSpec(parsing: "replay:/p/a#b.jsonl") == .replay(path: "/p/a#b.jsonl"))
    #expect(try AdapterSpec(parsing: "replay:/p/a.jsonl#m").description == "replay:/p/a.jsonl#m")
  }
}

@Suite struct JSONLReplayCoverageTests {
  @Test func unknownSuitesAndIdsAreCountedAndNamed() throws {
    let path = try writeTemporary(
      """
      {"suite": "docvqa", "id": "1", "response": "a"}
      {"suite": "docvqa", "id": "nope", "response": "b"}
      {"suite": "chartqa", "id": "1", "response": "c"}
      """)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let notes = try ReplayAdapter(path: path).checkCoverage(of: ["docvqa": ["1", "2"]])
    #expect(
      notes == [
        "1 lines of \(path) name suites not in this run and are ignored: chartqa (1)",
        "1 lines of \(path) name no sample of docvqa and are ignored (id \"nope\" (line 2)); docvqa's ids look like "
          + "\"1\"",
        "1 samples of docvqa have no line in \(path); they are stored as errors \"no prediction\"",
      ])
  }

  @Test func aReplayMatchingNothingIsRefused() throws {
    let path = try writeTemporary(#"{"suite": "chartqa", "id": "1", "response": "c"}"#)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(
      throws: ModelError.replayMatchesNothing(
        path: path,
        detail: "none of its 1 lines names a sample of the suites in this run (docvqa): 1 lines of \(path) name "
          + "suites not in this run and are ignored: chartqa (1)")
    ) {
      try ReplayAdapter(path: path).checkCoverage(of: ["docvqa": ["1", "2"]])
    }
  }
}
