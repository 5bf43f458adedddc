// `ocular import openvlthinker`: the three example files published with OpenVLThinkerV2
// (`uclanlp/OpenVLThinker: example_data/`, kept unmodified in ../shared/data/openvlthinker-example/), imported as
// they are, with test-made images at the relative paths their rows name.
import Foundation
import Testing

@testable import OcularCore

/// The example files, beside the project checkout.
enum OpenVLThinkerExamples {
  static let folder = TestPaths.packageRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/data/openvlthinker-example")
  static let generalVQA = folder.appendingPathComponent("sample_generalVQA_val_data.json").path
  static let math = folder.appendingPathComponent("sample_math_val_data.json").path
  static let train = folder.appendingPathComponent("sample_train_data.json").path
  static let isAvailable = FileManager.default.fileExists(atPath: train)

  /// Writes a small PNG at every image path the file's rows name (except some); returns the images folder.
  static func makeImages(for file: String, in parent: URL, except: Set<String> = []) throws -> String {
    let images = parent.appendingPathComponent("openvlthinker-images")
    let bytes = try bundledImage("mmstar", "mmstar_1.png")
    for row in try OpenVLThinkerImporter.readRows(file) {
      for case .string(let path) in row.value.objectValue?["images"]?.arrayValue ?? [] where !except.contains(path) {
        let url = images.appendingPathComponent(try #require(ImportPath.normalized(path)))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: url)
      }
    }
    return images.path
  }

  /// The 1-based line of the first line of a file containing a text.
  static func line(of text: String, in file: String) throws -> Int {
    let lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
    return try #require(lines.firstIndex { $0.contains(text) }) + 1
  }
}

@Suite("Import: OpenVLThinker JSON", .enabled(if: OpenVLThinkerExamples.isAvailable))
struct OpenVLThinkerImporterTests {
  @Test(.enabled(if: BenchmarkRegistry.benchmark(id: "mmmu") != nil))
  func generalVQAFileBecomesMMMURecords() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.makeTemplate(
        suite: "mmmu", benchmark: "mmmu", idField: "index", imageField: "image_path", splitField: "split")
      let images = try OpenVLThinkerExamples.makeImages(for: OpenVLThinkerExamples.generalVQA, in: folder)
      let summary = try OpenVLThinkerImporter(
        source: OpenVLThinkerExamples.generalVQA, destination: workspace.destination("mmmu"), imagesFolder: images
      ).run()
      #expect(summary.samples == 10)
      #expect(summary.images == 10)
      #expect(summary.skipped.isEmpty)

      let records = try writtenRecords(workspace.dataFolder("mmmu"))
      let byIndex = Dictionary(uniqueKeysWithValues: records.map { ($0["index"] as! Int, $0) })
      let knee = try #require(byIndex[2792])
      #expect(knee["question"] as? String == "In the Section of knee, identify the 164 structure.")
      #expect(knee["A"] as? String == "Ligamentum patellae")
      #expect(knee["D"] as? String == "Anterior cruciate ligament")
      #expect(knee["E"] is NSNull)
      #expect(knee["answer"] as? String == "C")
      #expect(knee["split"] as? String == "validation")
      #expect(knee["id"] as? String == "validation_Biology_28")
      #expect(knee["explanation"] is NSNull)
      #expect(knee["image_path"] as? String == "MMMU/2792_1.jpg")
      for field in ["problem", "problem_reserved_text", "options", "images", "problem_type", "task_type"] {
        #expect(knee[field] == nil, "\(field)")
      }
      let pipe = try #require(byIndex[5194])
      #expect(pipe["C"] as? String == "8.7 m")
      #expect(pipe["D"] is NSNull)
      #expect(pipe["split"] as? String == "dev")
      let node = try #require(byIndex[2402])
      #expect(["A", "B", "C", "D", "E"].map { node[$0] as? String } == ["A", "B", "C", "D", "E"])

      let suite = try Suite.open(folder: workspace.root.appendingPathComponent("mmmu").path)
      #expect(suite.isFullData)
      let samples = try readAll(suite).samples
      #expect(samples.count == 10)
      #expect(samples.filter { $0.split == "validation" }.count == 9)
      #expect(try oracleScores(suite).values.allSatisfy { $0 == 1 })
    }
  }

  @Test func mathFileRowsMapOntoMathVistaColumns() throws {
    let rows = try OpenVLThinkerImporter.readRows(OpenVLThinkerExamples.math)
    #expect(rows.count == 10)
    func record(_ index: Double) throws -> [String: JSONValue] {
      let row = try #require(rows.compactMap(\.value.objectValue).first { $0["index"] == .number(index) })
      let fields = try OpenVLThinkerImporter.record(
        from: row, mapping: .mathVista, benchmark: "mathvista", idField: "index", imageField: "image_path",
        images: ["MathVista_MINI/\(Int(index)).jpg"])
      #expect(fields.first?.0 == "index")
      #expect(fields.last?.0 == "image_path")
      return Dictionary(uniqueKeysWithValues: fields)
    }
    let lion = try record(915)
    #expect(lion["question_type"] == .string("multi_choice"))
    #expect(lion["answer"] == .string("It would also decrease."))
    #expect(lion["answer_option"] == .string("C"))
    #expect(lion["choices"]?.stringValue?.hasPrefix("['Unable to determine.'") == true)
    #expect(
      lion["question"]?.stringValue?.hasPrefix("Hint: Please answer the question and provide the correct option letter")
        == true)
    #expect(
      lion["question"]?.stringValue?.hasSuffix(
        "Choices:\n(A) Unable to determine.\n(B) Nothing would happen.\n(C) It would also decrease.\n(D) It would increase."
      ) == true)
    #expect(lion["skills"] == .string("['scientific reasoning']"))
    #expect(lion["image_path"] == .string("MathVista_MINI/915.jpg"))
    #expect(lion["problem"] == nil && lion["problem_id"] == nil && lion["images"] == nil)
    let cubes = try record(330)
    #expect(cubes["question_type"] == .string("free_form"))
    #expect(cubes["answer"] == .string("7"))
    #expect(cubes["answer_type"] == .string("integer"))
    #expect(cubes["choices"] == .null)
    #expect(cubes["answer_option"] == .null)
    #expect(cubes["index"] == .number(330))
  }

  @Test(.enabled(if: BenchmarkRegistry.benchmark(id: "mathvista") != nil))
  func mathFileImportsIntoMathVista() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.makeTemplate(suite: "mathvista", benchmark: "mathvista", idField: "index", imageField: "image_path")
      let images = try OpenVLThinkerExamples.makeImages(for: OpenVLThinkerExamples.math, in: folder)
      let summary = try OpenVLThinkerImporter(
        source: OpenVLThinkerExamples.math, destination: workspace.destination("mathvista"), imagesFolder: images
      ).run()
      #expect(summary.samples == 10)
      let suite = try Suite.open(folder: workspace.root.appendingPathComponent("mathvista").path)
      #expect(try oracleScores(suite).values.allSatisfy { $0 == 1 })
    }
  }

  @Test func trainFileMultipleChoiceRowsImportIntoMMStar() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      let images = try OpenVLThinkerExamples.makeImages(for: OpenVLThinkerExamples.train, in: folder)
      let summary = try OpenVLThinkerImporter(
        source: OpenVLThinkerExamples.train, destination: workspace.destination("mmstar"), imagesFolder: images,
        problemTypes: ["multiple choice"]
      ).run()
      #expect(summary.samples == 21)
      #expect(summary.skipped == ["not selected by --problem-type": 39])
      let records = try writtenRecords(workspace.dataFolder("mmstar"))
      let byIndex = Dictionary(uniqueKeysWithValues: records.map { ($0["index"] as! Int, $0) })
      let arxiv = try #require(byIndex[72])
      #expect(arxiv["A"] as? String == "The margin width in the privileged space.")
      #expect(arxiv["answer"] as? String == "B")
      #expect(
        arxiv["question"] as? String
          == "What does the variable \\( w_{SVM+} \\) in the upper plot of the figure represent?")
      let dash = try #require(byIndex[85])
      #expect(dash["E"] as? String == "-")
      #expect(byIndex[30]?["image_path"] as? String == "QA/General/A-OKVQA/images/359507.jpg")

      let suite = try Suite.open(folder: workspace.root.appendingPathComponent("mmstar").path)
      #expect(try oracleScores(suite).count == 21)
      #expect(try oracleScores(suite).values.allSatisfy { $0 == 1 })
    }
  }

  @Test func trainFileGroundingRowsBecomeOneThinkerRecords() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("refcoco")
      let images = try OpenVLThinkerExamples.makeImages(for: OpenVLThinkerExamples.train, in: folder)
      let summary = try OpenVLThinkerImporter(
        source: OpenVLThinkerExamples.train, destination: workspace.destination("refcoco"), imagesFolder: images,
        isLinking: true, problemTypes: ["spatial grounding"], split: "val"
      ).run()
      #expect(summary.samples == 10)
      let data = workspace.dataFolder("refcoco")
      let records = try writtenRecords(data)
      let lady = try #require(records.first { $0["problem_id"] as? Int == 7 })
      #expect(
        lady["problem"] as? String
          == "Please provide the bounding box coordinate of the region this sentence describes: a lady wearing a rice picking hat and a blue shirt."
      )
      #expect(lady["problem_type"] as? String == "spatial grounding")
      #expect(lady["data_type"] as? String == "image")
      #expect(lady["path"] as? String == "Spatial-Grounding/train2014/COCO_train2014_000000355231.jpg")
      #expect(lady["solution"] as? String == "<answer>{\"boxes\": [577, 232, 899, 786]}</answer>")
      #expect(Set(lady.keys) == ["problem_id", "problem", "problem_type", "data_type", "path", "solution"])
      // --link hard-links: the same file, no symlink out of the suite folder.
      let linked = data + "/images/Spatial-Grounding/train2014/COCO_train2014_000000355231.jpg"
      let original = images + "/Spatial-Grounding/train2014/COCO_train2014_000000355231.jpg"
      let inode = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
      }
      #expect(try inode(linked) != nil && inode(linked) == inode(original))

      let manifest = try JSONDecoder().decode(
        SuiteManifest.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/suite.json")))
      #expect(manifest.files == [SampleFileEntry(path: "samples.jsonl", split: "val")])
      let suite = try Suite.open(folder: workspace.root.appendingPathComponent("refcoco").path)
      let scores = try oracleScores(suite)
      #expect(scores.count == 10 && scores["val/7"] == 1)
      #expect(scores.values.allSatisfy { $0 == 1 })

      let only = try OpenVLThinkerImporter(
        source: OpenVLThinkerExamples.train, destination: workspace.destination("refcoco", isReplacing: true),
        imagesFolder: images, problemTypes: ["spatial grounding"], dataSources: ["RefCOCOg"]
      ).run()
      #expect(only.samples == 4)
      #expect(only.skipped == ["not selected by --problem-type": 50, "not selected by --data-source": 6])
    }
  }

  @Test func aMissingImageNamesItsRowOrIsSkipped() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("mmstar")
      let file = OpenVLThinkerExamples.generalVQA
      let images = try OpenVLThinkerExamples.makeImages(for: file, in: folder, except: ["MMMU/2390_1.jpg"])
      let line = try OpenVLThinkerExamples.line(of: "\"id\": \"validation_Basic_Medical_Science_6\"", in: file) - 1
      #expect(
        throws: ImportError.invalidSource(
          path: file, line: line,
          message: "image \"MMMU/2390_1.jpg\" not found in \(images) (pass --skip-missing-images to skip such rows)")
      ) {
        try OpenVLThinkerImporter(source: file, destination: workspace.destination("mmstar"), imagesFolder: images)
          .run()
      }
      #expect(!FileManager.default.fileExists(atPath: workspace.dataFolder("mmstar")))
      #expect(try workspace.leftovers("mmstar").isEmpty)

      let summary = try OpenVLThinkerImporter(
        source: file, destination: workspace.destination("mmstar"), imagesFolder: images, isSkippingMissingImages: true
      ).run()
      #expect(summary.samples == 9)
      #expect(summary.skipped == ["image missing": 1])
    }
  }

  @Test func unsupportedBenchmarksAndRejectedRowsAreErrors() throws {
    try withTemporaryFolder { folder in
      let workspace = try ImportWorkspace(in: folder)
      try workspace.copyBundled("docvqa")
      try workspace.copyBundled("mmstar")
      let images = try OpenVLThinkerExamples.makeImages(for: OpenVLThinkerExamples.train, in: folder)
      #expect(
        throws: ImportError.unsupportedBenchmark(
          "docvqa", importer: "openvlthinker", supported: OpenVLThinkerImporter.supportedBenchmarks)
      ) {
        try OpenVLThinkerImporter(
          source: OpenVLThinkerExamples.train, destination: workspace.destination("docvqa"), imagesFolder: images
        ).run()
      }
      // The first row is a grounding row: its answer is a box, not a letter, so MMStar's own check rejects it,
      // naming the row's line.
      #expect(
        throws: ImportError.invalidSource(
          path: OpenVLThinkerExamples.train, line: 2, message: "field \"answer\" must be a single letter A–Z")
      ) {
        try OpenVLThinkerImporter(
          source: OpenVLThinkerExamples.train, destination: workspace.destination("mmstar"), imagesFolder: images
        ).run()
      }
      #expect(try workspace.leftovers("mmstar").isEmpty)
    }
  }

  @Test func readingHelpers() throws {
    let text = "[\n  {\"a\": \"x]\\\"{\"},\n  NaN,\n\n  {\"b\": [1, {\"c\": 2}]}\n]\n"
    #expect(OpenVLThinkerImporter.elementLines(Array(text.utf8)) == [2, 3, 5])
    let options = try OpenVLThinkerImporter.optionTexts(of: [
      "options": .array([.string("A. x"), .string("B) y z"), .string("-")])
    ])
    #expect(options.map(\.0) == ["A", "B", "C"])
    #expect(options.map(\.1) == ["x", "y z", "-"])
    #expect(try OpenVLThinkerImporter.untaggedAnswer(of: ["answer": .string("<answer> C </answer>")]) == "C")
    #expect(try OpenVLThinkerImporter.untaggedAnswer(of: ["answer": .number(3)]) == "3")
    #expect(try OpenVLThinkerImporter.question(of: ["problem": .string("<image> What? ")]) == "What?")
    let rows = try OpenVLThinkerImporter.readRows(OpenVLThinkerExamples.generalVQA)
    #expect(rows.first?.value.objectValue?["explanation"]?.isMissing == true)
    #expect(rows.first?.line == 2)
  }
}
