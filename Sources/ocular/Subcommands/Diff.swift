import ArgumentParser
import OcularCore
import OcularReports
import OcularRunner
import OcularStore

/// `ocular diff RUN_A RUN_B`: compare two runs sample by sample.
struct Diff: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two runs: per benchmark and category, A, B, Δ with a paired 95% CI and a p-value.",
    discussion: """
      Samples pair on (suite, sample id, repeat). The interval of Δ = B − A is a paired bootstrap that resamples \
      clusters of samples sharing images; the p-value is McNemar's exact test when every score is 0 or 1 (and no \
      two samples share an image), otherwise the paired bootstrap. Runs scored under different scoring profiles, \
      or on different suite data, are refused unless --force.
      Examples:
        ocular diff 1 2
        ocular diff 1 2 --samples --suite mmstar
        ocular diff 1 2 --by split --json
      """)

  @Argument(help: "The reference run (A).")
  var runA: Int64

  @Argument(help: "The run compared with it (B).")
  var runB: Int64

  @Flag(name: .long, help: "List the samples whose score changed, with both extracted answers.")
  var samples = false

  @Flag(name: .long, help: "Compare even when scoring profiles or suite contents differ.")
  var force = false

  @Option(name: .long, help: ArgumentHelp("Only these suites (comma-separated or repeated).", valueName: "names"))
  var suite: [String] = []

  @Option(
    name: .long, help: ArgumentHelp("The breakdown dimension shown under the benchmarks.", valueName: "dimension"))
  var by: String = "category"

  @Option(name: .long, help: "Bootstrap resamples.")
  var bootstrap: Int = Statistics.defaultReplicates

  @Option(name: .long, help: "Bootstrap seed.")
  var seed: UInt64 = Statistics.defaultSeed

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func validate() throws {
    if bootstrap < 1 { throw ValidationError("--bootstrap must be at least 1") }
  }

  func run() async throws {
    try await Console.reportingErrors {
      try await ComparisonConsole.refusingClearly {
        let comparer = RunComparer(store: try RunStore(existingAt: store.db))
        let settings = DiffSettings(
          isForced: force, dimension: by,
          suites: suite.flatMap { $0.split(separator: ",").map(String.init) }, replicates: bootstrap, seed: seed)
        let diff = try comparer.diff(runA, runB, settings: settings)
        Console.print(output.json ? diff.json(includingSamples: samples) + "\n" : diff.text(showingSamples: samples))
      }
    }
  }
}

/// Error reporting for the comparison commands (diff, leaderboard, rescore, merge).
enum ComparisonConsole {
  /// Runs a body, turning a refusal into `ocular: error: …` and exit code 2.
  static func refusingClearly<T>(_ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let error as ComparisonError {
      Console.note("ocular: error: \(error)")
      throw ExitCode(2)
    } catch let error as MergeError {
      Console.note("ocular: error: \(error)")
      throw ExitCode(2)
    }
  }
}
