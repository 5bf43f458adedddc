import ArgumentParser
import OcularCore
import OcularReports
import OcularStore

/// `ocular runs`: list stored runs.
struct Runs: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the stored runs, newest first.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func run() async throws {
    try await Console.reportingErrors {
      let reports = RunReports(store: try RunStore(existingAt: store.db))
      Console.print(output.json ? try reports.runsJSON() + "\n" : try reports.runTable())
    }
  }
}

/// `ocular show RUN`: a run's settings and every metric.
struct Show: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Show a run's settings, scores and breakdowns.")

  @Argument(help: "The run id.")
  var run: Int64

  @Option(name: .long, help: "Only this suite's breakdown.")
  var suite: String?

  @Option(name: .long, help: "Show this sample of --suite: its score, notes and every judge call.")
  var sample: String?

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func validate() throws {
    if sample != nil, suite == nil { throw ValidationError("--sample needs --suite SUITE") }
  }

  func run() async throws {
    try await Console.reportingErrors {
      let reports = RunReports(store: try RunStore(existingAt: store.db))
      if let sample, let suite {
        if output.json {
          Console.print(try reports.sampleJSONL(run: run, suite: suite, sampleID: sample))
        } else {
          Console.print(try reports.sampleDetail(run: run, suite: suite, sampleID: sample))
        }
        return
      }
      Console.print(
        output.json ? try reports.detailJSON(run: run, suite: suite) + "\n" : try reports.detail(run: run, suite: suite)
      )
    }
  }
}

/// `ocular export RUN --format jsonl`: every sample of a run.
struct Export: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Export a run's samples.")

  /// Export formats.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case jsonl
  }

  @Argument(help: "The run id.")
  var run: Int64

  @Option(name: .long, help: "The output format.")
  var format: Format = .jsonl

  @Option(name: .long, help: "Only this suite's samples.")
  var suite: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The output file, written whole or not at all (default: standard output).", valueName: "file"))
  var output: String?

  @OptionGroup var store: StoreOptions

  func run() async throws {
    try await Console.reportingErrors {
      let exporter = SampleExporter(store: try RunStore(existingAt: store.db))
      if let output, output != "-" {
        try AtomicFile.write(to: output) { append in try exporter.exportJSONL(run: run, suite: suite, to: append) }
        Console.note("wrote \(output)")
        return
      }
      var buffer = ""
      try exporter.exportJSONL(run: run, suite: suite) { line in
        buffer += line
        if buffer.utf8.count > 1 << 16 {
          Console.print(buffer)
          buffer = ""
        }
      }
      Console.print(buffer)
    }
  }
}
