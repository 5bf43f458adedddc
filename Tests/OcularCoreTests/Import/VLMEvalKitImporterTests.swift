// `ocular import vlmevalkit`: TSVs written here as pandas writes them (benchmarks.md §2.4), with base64 images
// taken from the bundled MMStar sample images.
import Foundation
import Testing

@testable import OcularCore

@Suite("Import: VLMEvalKit TSV")
struct VLMEvalKitImporterTests {
  static let header = [
    "index", "Question", "A", "B", "C", "D", "answer", "Category", "L2-category", "image_path", "image",
  ]

  /// Five rows (lines 2–3, 4, 5, 6, 7): a quoted cell with a tab, a newline and quotes; a reference to an earlier
  /// row; a reference to a later row; a two-image list; pandas NA cells (`None`, empty).
  static func rows() throws -> [[String]] {
    let png = try bundledImage("mmstar", "mmstar_1.png").base64EncodedString()
    let jpeg = try bundledImage("mmstar", "mmstar_0.jpg").base64EncodedString()
    let other = try bundledImage("mmstar", "mmstar_3.png").base64EncodedString()
    return [
      [
        "0", "Line one\twith a tab\nand \"quoted\" text", "A0", "B0", "C0", "D0", "A", "coarse perception",
        "image scene", "", png,
      ],
      ["1", "Which one?", "x", "y", "z", "w", "B", "coarse perception", "image emotion", "", "0"],
      ["2", "Forward?", "x", "y", "z", "None", "C", "math", "numeric", "", "4"],
      [
        "3", "Two images", "x", "y", "z", "w", "D", "math", "geometry", "['3_a.png', '3_b.png']",
        "['\(jpeg)', '\(other)']",
      ],
      ["4", "Last", "x", "y", "", "w", "A", "math", "numeric", "four.png", jpeg],
    ]
  }

  static func write(_ rows: [[String]], to folder: URL, name: String = "MMStar-test.tsv") throws -> String {
    let path = folder.appendingPathComponent(name).path
    try Data(tsvText(header, rows).utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func importsRowsImagesReferencesAndQuotedCells() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      let tsv = try Self.write(try Self.rows(), to: folder)
      let summary = try VLMEvalKitImporter(source: tsv, destination: workspace.destination("mmstar")).run()
      #expect(summary.samples == 5)
      #expect(summary.images == 4)
      #expect(summary.benchmark == "mmstar")
      let data = workspace.dataFolder("mmstar")
      #expect(summary.dataFolder == data)

      let records = try writtenRecords(data)
      #expect(records.map { $0["index"] as? String } == ["0", "1", "2", "3", "4"])
      #expect(records[0]["question"] as? String == "Line one\twith a tab\nand \"quoted\" text")
      #expect(records[0]["category"] as? String == "coarse perception")
      #expect(records[0]["l2-category"] as? String == "image scene")
      #expect(records.allSatisfy { $0["image"] == nil && $0["Question"] == nil })
      #expect(records[0]["image_path"] as? String == "0.png")
      #expect(records[1]["image_path"] as? String == "0.png")
      #expect(records[2]["image_path"] as? String == "four.jpg")
      #expect(records[3]["image_path"] as? [String] == ["3_a.jpg", "3_b.png"])
      #expect(records[4]["image_path"] as? String == "four.jpg")
      #expect(records[2]["D"] is NSNull)
      #expect(records[4]["C"] is NSNull)
      let written = try FileManager.default.contentsOfDirectory(atPath: data + "/images").sorted()
      #expect(written == ["0.png", "3_a.jpg", "3_b.png", "four.jpg"])
      #expect(
        try Data(contentsOf: URL(fileURLWithPath: data + "/images/0.png")) == bundledImage("mmstar", "mmstar_1.png"))
      #expect(
        try Data(contentsOf: URL(fileURLWithPath: data + "/images/four.jpg")) == bundledImage("mmstar", "mmstar_0.jpg"))

      let manifest = try JSONDecoder().decode(
        SuiteManifest.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/suite.json")))
      #expect(manifest.files == [SampleFileEntry(path: "samples.jsonl")])
      #expect(manifest.imageRoot == "images")
      #expect(manifest.title == "MMStar")
      #expect(manifest.source?.contains("MMStar-test.tsv") == true)
      #expect(manifest.promptTemplate == "{hint}Question: {question}\n{options}")

      let suite = try Suite.open(folder: workspace.root.appendingPathComponent("mmstar").path)
      #expect(suite.isFullData)
      let samples = try readAll(suite).samples
      #expect(samples.map(\.id) == ["0", "1", "2", "3", "4"])
      #expect(samples[3].images.map(\.format) == [.jpeg, .png])
      #expect(samples[1].images.first?.absolutePath == samples[0].images.first?.absolutePath)
      #expect(try oracleScores(suite).values.allSatisfy { $0 == 1 })
      #expect(try workspace.leftovers("mmstar").isEmpty)
    }
  }

  @Test func badBase64IsAnErrorWithItsPhysicalLine() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      var rows = Array(try Self.rows().prefix(2))
      rows[1][10] = String(repeating: "A", count: 65)
      let tsv = try Self.write(rows, to: folder)
      #expect(throws: ImportError.invalidSource(path: tsv, line: 4, message: "image of row 1 is not valid base64")) {
        try VLMEvalKitImporter(source: tsv, destination: workspace.destination("mmstar")).run()
      }
      rows[1][10] = Data(String(repeating: "not an image ", count: 6).utf8).base64EncodedString()
      let text = try Self.write(rows, to: folder)
      #expect(
        throws: ImportError.invalidSource(
          path: text, line: 4, message: "image of row 1: not a PNG, JPEG, GIF or WebP image")
      ) {
        try VLMEvalKitImporter(source: text, destination: workspace.destination("mmstar")).run()
      }
      #expect(!FileManager.default.fileExists(atPath: workspace.dataFolder("mmstar")))
      #expect(try workspace.leftovers("mmstar").isEmpty)
    }
  }

  @Test func missingAndDanglingImagesAreErrors() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      var rows = try Self.rows()
      rows[2][10] = "99"
      let dangling = try Self.write(rows, to: folder)
      #expect(
        throws: ImportError.invalidSource(
          path: dangling, line: 5, message: "image \"99\" is neither base64 nor the index of a row with its own image")
      ) {
        try VLMEvalKitImporter(source: dangling, destination: workspace.destination("mmstar")).run()
      }
      rows[2][10] = ""
      let missing = try Self.write(rows, to: folder)
      #expect(throws: ImportError.invalidSource(path: missing, line: 5, message: "row 2 has no image")) {
        try VLMEvalKitImporter(source: missing, destination: workspace.destination("mmstar")).run()
      }
      #expect(try workspace.leftovers("mmstar").isEmpty)
    }
  }

  /// Golds pandas reads as NaN (`NA`, `None`, `null`, an empty cell): the reference loads and scores such rows (a
  /// NaN gold never matches; the row counts), so the file imports, the suite loads, and the rows score 0 with a note.
  @Test func goldsPandasReadsAsNaNImportAndScoreAsTheReference() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      var rows = try Self.rows()
      for (row, cell) in zip(0..<4, ["NA", "None", "null", ""]) { rows[row][6] = cell }
      let tsv = try Self.write(rows, to: folder)
      let summary = try VLMEvalKitImporter(source: tsv, destination: workspace.destination("mmstar")).run()
      #expect(summary.samples == 5)
      let records = try writtenRecords(workspace.dataFolder("mmstar"))
      #expect(records.prefix(4).allSatisfy { $0["answer"] is NSNull })
      let suite = try Suite.open(folder: workspace.root.appendingPathComponent("mmstar").path)
      let scores = try oracleScores(suite)
      #expect(scores.count == 5)
      #expect(scores.values.filter { $0 == 0 }.count == 4)
      #expect(scores["4"] == 1)
    }
  }

  @Test func recordsTheBenchmarkRejectsFailWithTheSourceLine() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      var rows = try Self.rows()
      rows[3][6] = "E"
      let tsv = try Self.write(rows, to: folder)
      #expect(
        throws: ImportError.invalidSource(path: tsv, line: 6, message: "answer \"E\" names no option of the record")
      ) {
        try VLMEvalKitImporter(source: tsv, destination: workspace.destination("mmstar")).run()
      }
      #expect(!FileManager.default.fileExists(atPath: workspace.dataFolder("mmstar")))
      #expect(try workspace.leftovers("mmstar").isEmpty)
    }
  }

  @Test func existingDataIsUntouchedUnlessAGoodImportReplacesIt() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      let good = try Self.write(try Self.rows(), to: folder)
      _ = try VLMEvalKitImporter(source: good, destination: workspace.destination("mmstar")).run()
      let data = workspace.dataFolder("mmstar")
      let before = try Data(contentsOf: URL(fileURLWithPath: data + "/samples.jsonl"))

      #expect(throws: ImportError.dataFolderExists(path: data)) {
        try VLMEvalKitImporter(source: good, destination: workspace.destination("mmstar")).run()
      }
      var rows = try Self.rows()
      rows[4][10] = "%%%% not base64 at all, but long enough to be taken for an image cell %%%%"
      let bad = try Self.write(rows, to: folder, name: "bad.tsv")
      #expect(throws: ImportError.self) {
        try VLMEvalKitImporter(source: bad, destination: workspace.destination("mmstar", isReplacing: true)).run()
      }
      #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/samples.jsonl")) == before)
      #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/images").count == 4)
      #expect(try workspace.leftovers("mmstar").isEmpty)

      let smaller = try Self.write(Array(try Self.rows().prefix(2)), to: folder, name: "smaller.tsv")
      let summary = try VLMEvalKitImporter(
        source: smaller, destination: workspace.destination("mmstar", isReplacing: true)
      ).run()
      #expect(summary.samples == 2)
      #expect(try writtenRecords(data).count == 2)
      #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/images") == ["0.png"])
      #expect(try workspace.leftovers("mmstar").isEmpty)
    }
  }

  @Test func checksumIsComparedWithTheBenchmarksDatasetMD5() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      let abc = folder.appendingPathComponent("abc.txt").path
      try Data("abc".utf8).write(to: URL(fileURLWithPath: abc))
      #expect(try VLMEvalKitImporter.md5(ofFile: abc) == "900150983cd24fb0d6963f7d28e17f72")

      let tsv = try Self.write(try Self.rows(), to: folder)
      let md5 = try VLMEvalKitImporter.md5(ofFile: tsv)
      #expect(
        throws: ImportError.checksumMismatch(path: tsv, md5: md5, expected: ["MMStar e1ecd2140806c1b1bbf54b43372efb9e"])
      ) {
        try VLMEvalKitImporter(source: tsv, destination: workspace.destination("mmstar"), isCheckingMD5: true).run()
      }
      #expect(!FileManager.default.fileExists(atPath: workspace.dataFolder("mmstar")))
    }
  }

  @Test func headerAndSuiteProblemsAreReported() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      let noImage = folder.appendingPathComponent("noimage.tsv").path
      try Data("index\tquestion\tanswer\n1\tq\tA\n".utf8).write(to: URL(fileURLWithPath: noImage))
      #expect(
        throws: ImportError.invalidSource(
          path: noImage, line: 1,
          message: "no \"image\" column (base64 images) or \"image_path\" column (meta-only)")
      ) {
        try VLMEvalKitImporter(source: noImage, destination: workspace.destination("mmstar")).run()
      }
      let duplicate = folder.appendingPathComponent("duplicate.tsv").path
      try Data("index\tQuestion\tquestion\timage\n".utf8).write(to: URL(fileURLWithPath: duplicate))
      #expect(
        throws: ImportError.invalidSource(
          path: duplicate, line: 1, message: "duplicate column \"question\" (after lower-casing)")
      ) {
        try VLMEvalKitImporter(source: duplicate, destination: workspace.destination("mmstar")).run()
      }
      #expect(throws: ImportError.suite(.unknownSuite("nosuch", available: ["mmstar"]))) {
        try VLMEvalKitImporter(source: noImage, destination: workspace.destination("nosuch")).run()
      }
    }
  }

  @Test func columnNamesFollowVLMEvalKit() {
    #expect(VLMEvalKitImporter.columnName("Category") == "category")
    #expect(VLMEvalKitImporter.columnName("L2-Category") == "l2-category")
    #expect(VLMEvalKitImporter.columnName("A") == "A")
    #expect(VLMEvalKitImporter.columnName("a") == "a")
    #expect(VLMEvalKitImporter.columnName("AB") == "ab")
    #expect(VLMEvalKitImporter.listOrString("['a.jpg', \"b's.png\"]") == ["a.jpg", "b's.png"])
    #expect(VLMEvalKitImporter.listOrString("a.jpg") == ["a.jpg"])
    #expect(VLMEvalKitImporter.listOrString("[1, oops]") == nil)
  }
}
