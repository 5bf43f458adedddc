import ArgumentParser
import Foundation
import OcularCore
import OcularReports
import OcularStore

/// `ocular leaderboard [RUN…]`: the paper's table of runs, as Markdown, CSV, JSON or a self-contained HTML report.
struct LeaderboardCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "leaderboard",
    abstract: "Export the paper-style table of runs: six groups of three benchmarks, averages, a row per run.",
    discussion: """
      Without runs, every stored run is a row except runs stopped as failed (--include-failed adds them). With --baseline, each other run's relative improvement \
      ((run − baseline) / baseline) is shown per benchmark, as in the paper's figure. Rule-only cells are marked †, \
      sample-set cells *. The HTML report is one file with bar charts, the table and the worst samples per \
      benchmark. Runs scoring a benchmark under different profiles are refused unless --force.
      Examples:
        ocular leaderboard --format md
        ocular leaderboard 1 2 --baseline 1 --format html
        ocular leaderboard --format csv --output - > scores.csv
      """)

  /// Output formats.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case md, csv, json, html
  }

  @Argument(help: "The runs, one row each (default: every stored run).")
  var runs: [Int64] = []

  @Option(name: .long, help: "The output format.")
  var format: Format = .md

  @Option(
    name: .long, help: ArgumentHelp("The run the others' relative improvement is measured against.", valueName: "run"))
  var baseline: Int64?

  @Option(
    name: [.customLong("output"), .customLong("out")],
    help: ArgumentHelp(
      "The output file, - for standard output (default: leaderboard.<format> beside the database); --out is the "
        + "older spelling.", valueName: "file"))
  var output: String?

  @Flag(name: .long, help: "Without listed runs, include runs stopped as failed (left out by default).")
  var includeFailed = false

  @Flag(name: .long, help: "Put runs in one column even when their scoring profiles differ.")
  var force = false

  @Option(name: .long, help: "Lowest-scoring samples listed per benchmark and run in the HTML report.")
  var worst: Int = 5

  @Option(name: .long, help: "Bootstrap resamples for the intervals (JSON and HTML).")
  var bootstrap: Int = Statistics.defaultReplicates

  @Option(name: .long, help: "Bootstrap seed.")
  var seed: UInt64 = Statistics.defaultSeed

  @OptionGroup var store: StoreOptions

  func validate() throws {
    if worst < 0 { throw ValidationError("--worst must not be negative") }
    if bootstrap < 1 { throw ValidationError("--bootstrap must be at least 1") }
  }

  func run() async throws {
    try await Console.reportingErrors {
      try await ComparisonConsole.refusingClearly {
        let runStore = try RunStore(existingAt: store.db)
        var settings = LeaderboardSettings(
          runs: runs, baseline: baseline, isForced: force, includesStatistics: format == .json || format == .html,
          worstCount: format == .html ? worst : 0, replicates: bootstrap, seed: seed)
        settings.includesFailedRuns = includeFailed
        let board = try Leaderboard.build(store: runStore, settings: settings)
        guard !board.rows.isEmpty else {
          Console.note(
            "ocular: no runs in \(store.db); evaluate one with: ocular eval --model builtin:baseline --suite all")
          throw ExitCode(2)
        }
        let text: String
        switch format {
        case .md: text = board.markdown()
        case .csv: text = board.csv()
        case .json: text = board.json()
        case .html: text = board.html()
        }
        if output == "-" {
          Console.print(text)
          return
        }
        let folder = (store.db as NSString).deletingLastPathComponent
        let path = output ?? (folder.isEmpty ? "" : folder + "/") + "leaderboard.\(format.rawValue)"
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
          try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        try AtomicFile.write(Data(text.utf8), to: path)
        Console.print("Leaderboard of \(board.rows.count) run\(board.rows.count == 1 ? "" : "s") written to \(path)\n")
      }
    }
  }
}
