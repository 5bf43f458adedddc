import Foundation
import Testing

/// End-to-end imports with the built `ocular` binary: import, list, evaluate.
@Suite(.serialized) struct ImportEndToEndTests {
  /// A VLMEvalKit TSV in MMStar's schema with base64 images from the bundled sample images: a reference to another
  /// row's image, a two-image row and a quoted cell with a tab and a newline.
  static func writeTSV(_ workspace: Workspace, name: String = "MMStar.tsv", badImageRow: Bool = false) throws -> String
  {
    let images = repositoryRoot + "/benchmarks/mmstar/images/"
    let png = try Data(contentsOf: URL(fileURLWithPath: images + "mmstar_1.png")).base64EncodedString()
    let jpeg = try Data(contentsOf: URL(fileURLWithPath: images + "mmstar_0.jpg")).base64EncodedString()
    let rows = [
      ["index", "question", "A", "B", "C", "D", "answer", "category", "l2-category", "image"],
      [
        "10", "\"Two\tlines\nof \"\"text\"\"\"", "cat", "dog", "cow", "hen", "B", "coarse perception", "image topic",
        png,
      ],
      ["11", "Same picture?", "yes", "no", "maybe", "None", "A", "coarse perception", "image topic", "10"],
      ["12", "Both pictures?", "one", "two", "three", "four", "B", "math", "counting", "['\(jpeg)', '\(png)']"],
      [
        "13", "Last one", "x", "y", "z", "w", "D", "math", "counting",
        badImageRow ? String(repeating: "Zm9v", count: 20) : jpeg,
      ],
    ]
    let path = workspace.file(name)
    try (rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  @Test func vlmevalkitImportIsListedAsFullDataAndScoresHundredWithTheOracle() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar"])
    let tsv = try Self.writeTSV(workspace)
    let result = try workspace.run(["import", "vlmevalkit", tsv, "--suite", "mmstar", "--suites-dir", suites])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("Imported 4 samples and 4 image files into \(suites)/mmstar/data"))
    for file in ["suite.json", "samples.jsonl", "images/10.png", "images/12_0.jpg", "images/12_1.png", "images/13.jpg"]
    {
      #expect(FileManager.default.fileExists(atPath: "\(suites)/mmstar/data/\(file)"), "\(file)")
    }

    let listed = try workspace.run(["suites", "--suites-dir", suites])
    #expect(listed.status == 0, "\(listed.standardError)")
    let row = try #require(listed.standardOutput.split(separator: "\n").first { $0.hasPrefix("mmstar ") })
    #expect(row.split(separator: " ").contains("4"), "\(row)")
    #expect(row.split(separator: " ").contains("full"), "\(row)")
    let json = try workspace.run(["suites", "--suites-dir", suites, "--json"])
    let items = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
    #expect(items.first?["full_data"] as? Bool == true)
    #expect(items.first?["samples"] as? Int == 4)

    let db = workspace.file("runs.sqlite")
    let eval = try workspace.run([
      "eval", "--model", "builtin:oracle", "--suite", "mmstar", "--suites-dir", suites, "--db", db,
    ])
    #expect(eval.status == 0, "\(eval.standardError)")
    let line = try #require(eval.standardOutput.split(separator: "\n").first { $0.hasPrefix("mmstar ") })
    #expect(line.contains("100.00") && line.contains("full"), "\(line)")
    #expect(line.split(separator: " ").contains("4"), "\(line)")

    // Importing again needs --force; a failing import with --force leaves the data as it was.
    let again = try workspace.run(["import", "vlmevalkit", tsv, "--suite", "mmstar", "--suites-dir", suites])
    #expect(again.status == 2)
    #expect(again.standardError == "ocular: error: \(suites)/mmstar/data already exists; pass --force to replace it\n")
    let before = try Data(contentsOf: URL(fileURLWithPath: "\(suites)/mmstar/data/samples.jsonl"))
    let bad = try Self.writeTSV(workspace, name: "bad.tsv", badImageRow: true)
    let failed = try workspace.run([
      "import", "vlmevalkit", bad, "--suite", "mmstar", "--suites-dir", suites, "--force",
    ])
    #expect(failed.status == 2)
    #expect(failed.standardError == "ocular: error: \(bad):6: image of row 13: not a PNG, JPEG, GIF or WebP image\n")
    #expect(try Data(contentsOf: URL(fileURLWithPath: "\(suites)/mmstar/data/samples.jsonl")) == before)
    let hidden = try FileManager.default.contentsOfDirectory(atPath: suites + "/mmstar").filter { $0.hasPrefix(".") }
    #expect(hidden.isEmpty, "\(hidden)")
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: trainFile)))
  func openvlthinkerGroundingRowsImportAndScoreHundredWithTheOracle() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["refcoco"])
    // The example rows name images that are not published: make one small PNG at each path.
    let png = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/benchmarks/mmstar/images/mmstar_1.png"))
    let rows = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.trainFile))) as? [[String: Any]]
    )
    for row in rows {
      for path in row["images"] as? [String] ?? [] {
        let url = URL(fileURLWithPath: workspace.file("images/" + path))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: url)
      }
    }
    let result = try workspace.run([
      "import", "openvlthinker", Self.trainFile, "--suite", "refcoco", "--suites-dir", suites, "--images-dir",
      workspace.file("images"), "--problem-type", "spatial grounding", "--split", "val",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("Imported 10 samples and 10 image files"))
    #expect(result.standardOutput.contains("Skipped 50 rows: not selected by --problem-type."))

    let listed = try workspace.run(["suites", "--suites-dir", suites])
    let row = try #require(listed.standardOutput.split(separator: "\n").first { $0.hasPrefix("refcoco ") })
    #expect(row.split(separator: " ").contains("10") && row.split(separator: " ").contains("full"), "\(row)")
    let eval = try workspace.run(["eval", "--model", "builtin:oracle", "--suite", "refcoco", "--suites-dir", suites])
    #expect(eval.status == 0, "\(eval.standardError)")
    let line = try #require(eval.standardOutput.split(separator: "\n").first { $0.hasPrefix("refcoco ") })
    #expect(line.contains("100.00"), "\(line)")

    let missing = try workspace.run([
      "import", "openvlthinker", Self.trainFile, "--suite", "refcoco", "--suites-dir", suites, "--images-dir",
      workspace.file("nowhere"), "--force",
    ])
    #expect(missing.status == 2)
    #expect(missing.standardError == "ocular: error: \(workspace.file("nowhere")): no such folder (--images-dir)\n")
  }

  /// The OpenVLThinker training example, beside the project checkout.
  static let trainFile = repositoryRoot + "/../shared/data/openvlthinker-example/sample_train_data.json"
}
