import ArgumentParser
import Foundation
import OcularCore

/// `ocular import`: write a suite's full data from a reference's own files.
struct Import: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Import full benchmark data into a suite's data folder (used instead of the sample set).",
    discussion: """
      The suite's bundled suite.json is the manifest template; the import writes <suite>/data/ (suite.json, \
      samples.jsonl, images/) in a staging folder, reads it back with the suite loader, and only then renames it \
      into place. See docs/suite-format.md, "Importing full data".
      """,
    subcommands: [ImportVLMEvalKit.self, ImportOpenVLThinker.self])
}

/// The destination options every importer shares.
struct ImportTargetOptions: ParsableArguments {
  @Option(
    name: .long, help: ArgumentHelp("The suite to import into (its folder under --suites-dir).", valueName: "name"))
  var suite: String

  @Option(
    name: .long, help: ArgumentHelp("The data folder to write (default: <suites-dir>/<suite>/data).", valueName: "path")
  )
  var dataDir: String?

  @Flag(name: .long, help: "Replace an existing data folder (only once the new data is complete and valid).")
  var force = false

  @OptionGroup var suites: SuiteFolderOptions

  /// The destination these options name.
  var destination: ImportDestination {
    ImportDestination(suite: suite, suitesFolder: suites.suitesDir, dataFolder: dataDir, isReplacing: force)
  }
}

/// `ocular import vlmevalkit FILE.tsv --suite S`.
struct ImportVLMEvalKit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vlmevalkit",
    abstract: "Import a VLMEvalKit TSV: base64 images (e.g. MMStar.tsv) or meta-only image paths (RefSpatial.tsv).",
    discussion: """
      A TSV without an "image" column is meta-only: its image_path cells (a path or a list literal of paths) and \
      the files a benchmark reads (RefSpatial's mask_path) are taken from --aux-dir (default: the TSV's folder). \
      docs/import.md says per benchmark which files to fetch.
      Examples:
        ocular import vlmevalkit ~/LMUData/MMStar.tsv --suite mmstar --check-md5
        ocular import vlmevalkit RefSpatial.tsv --suite refspatial --aux-dir RefSpatial-Bench
        ocular import vlmevalkit ~/LMUData/DocVQA_VAL_local.tsv --suite docvqa --aux-dir ~/LMUData --link
      """)

  @Argument(help: ArgumentHelp("The TSV file.", valueName: "file.tsv"))
  var file: String

  @OptionGroup var target: ImportTargetOptions

  @Flag(name: .long, help: "Check the file's MD5 against VLMEvalKit's DATASET_MD5 for the benchmark.")
  var checkMd5 = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The folder the rows' file paths are relative to: a meta-only TSV's image_path, RefSpatial's mask_path "
        + "(default: the TSV's folder).", valueName: "path"))
  var auxDir: String?

  @Flag(name: .long, help: "Hard-link files from --aux-dir instead of copying them (copied across file systems).")
  var link = false

  func run() async throws {
    try await Console.reportingErrors {
      let importer = VLMEvalKitImporter(
        source: file, destination: target.destination, isCheckingMD5: checkMd5, auxiliaryFolder: auxDir,
        isLinking: link)
      let isTerminal = Console.isErrorTerminal
      let summary = try importer.run { rows in
        if isTerminal { FileHandle.standardError.write(Data("\rimporting: \(rows) rows".utf8)) }
      }
      if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      Console.print(ImportReport.text(summary, isDefaultFolder: target.dataDir == nil))
    }
  }
}

/// `ocular import openvlthinker FILE.json --suite S --images-dir DIR`.
struct ImportOpenVLThinker: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "openvlthinker",
    abstract: "Import an OpenVLThinker JSON file (example_data/*.json), mapping rows onto the suite's benchmark.",
    discussion: """
      Supported benchmarks: \(OpenVLThinkerImporter.supportedBenchmarks.joined(separator: ", ")).
      Examples:
        ocular import openvlthinker sample_generalVQA_val_data.json --suite mmmu --images-dir ~/OpenVLThinker/images
        ocular import openvlthinker sample_train_data.json --suite refcocog --images-dir data \\
          --problem-type "spatial grounding" --data-source RefCOCOg
      """)

  @Argument(help: ArgumentHelp("The JSON (list of rows) or JSONL file.", valueName: "file.json"))
  var file: String

  @OptionGroup var target: ImportTargetOptions

  @Option(name: .long, help: ArgumentHelp("The folder the rows' image paths are relative to.", valueName: "path"))
  var imagesDir: String

  @Flag(name: .long, help: "Hard-link images instead of copying them (copied across file systems).")
  var link = false

  @Flag(name: .long, help: "Skip (and count) rows whose image is missing instead of failing.")
  var skipMissingImages = false

  @Option(name: .long, help: ArgumentHelp("Import only rows of this problem_type (repeatable).", valueName: "type"))
  var problemType: [String] = []

  @Option(name: .long, help: ArgumentHelp("Import only rows of this data_source (repeatable).", valueName: "name"))
  var dataSource: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp("The split of every imported sample (e.g. val for a grounding file).", valueName: "name"))
  var split: String?

  func run() async throws {
    try await Console.reportingErrors {
      let importer = OpenVLThinkerImporter(
        source: file, destination: target.destination, imagesFolder: imagesDir, isLinking: link,
        isSkippingMissingImages: skipMissingImages, problemTypes: Set(problemType), dataSources: Set(dataSource),
        split: split)
      Console.print(ImportReport.text(try importer.run(), isDefaultFolder: target.dataDir == nil))
    }
  }
}

/// The text an import prints when it is done.
enum ImportReport {
  /// A few lines: what was written where, what was skipped, and remarks.
  static func text(_ summary: ImportSummary, isDefaultFolder: Bool) -> String {
    var lines = [
      "Imported \(summary.samples) samples and \(summary.images) image files into \(summary.dataFolder) "
        + "(suite \(summary.suite), benchmark \(summary.benchmark))."
    ]
    for (reason, count) in summary.skipped.sorted(by: { $0.key < $1.key }) {
      lines.append("Skipped \(count) rows: \(reason).")
    }
    lines += summary.notes.map { "Note: \($0)." }
    if isDefaultFolder { lines.append("Suite \(summary.suite) now uses this full data (ocular suites: data full).") }
    return lines.joined(separator: "\n") + "\n"
  }
}
