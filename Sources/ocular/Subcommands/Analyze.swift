import ArgumentParser
import Foundation
import OcularAnalytics
import OcularCore
import OcularStore

/// `ocular analyze RUN`: training-signal analytics of a run with repeated answers.
struct Analyze: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Training-signal analytics: pass@k, maj@k, success histograms, length, format, entropy, advantages.",
    discussion: """
      Per benchmark and group: unbiased pass@k and maj@k over the run's repeats, items by number of successful \
      repeats, the share all right or all wrong (which GRPO-style training discards), response length, format \
      compliance and mean token entropy against the paper's band [0.2, 0.6]. Per task: the advantages GRPO, \
      Dr.GRPO and G²RPO would give the answers, with their moments and each task's share of the total |A|. \
      pass@k for k > 1, maj@k and advantages need a run made with --repeats N (N ≥ 2). See docs/analytics.md.
      Examples:
        ocular eval --model M --suite all --repeats 8 --temperature 1.0
        ocular analyze 3
        ocular analyze 3 --reward overall --format html --output analytics.html
      """)

  /// Output formats.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
  }

  @Argument(help: "The run id.")
  var run: Int64

  @Option(name: .long, help: "Only this suite.")
  var suite: String?

  @Option(name: .long, help: "The output format (--json is short for --format json).")
  var format: Format?

  @OptionGroup var output: OutputOptions

  @Option(
    name: .customLong("output"), help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")
  )
  var outputFile: String?

  @Option(name: .long, help: "The reward the advantages use: the benchmark score, or the training reward's overall.")
  var reward: RewardSource = .score

  @Option(name: .long, help: "What one task of the advantage tables is: a benchmark group, or a benchmark.")
  var task: TaskKey = .group

  @OptionGroup var store: StoreOptions

  func validate() throws {
    if output.json, let format, format != .json { throw ValidationError("--json conflicts with --format \(format)") }
  }

  func run() async throws {
    try await Console.reportingErrors {
      let runStore = try RunStore(existingAt: store.db)
      let analysis: RunAnalysis
      do {
        analysis = try RunAnalysis.analyze(
          store: runStore, run: run, settings: AnalysisSettings(suite: suite, reward: reward, taskKey: task))
      } catch let error as AnalysisError {
        Console.note("ocular: error: \(error)")
        throw ExitCode(2)
      }
      let text: String
      switch output.json ? .json : format ?? .text {
      case .text: text = analysis.text()
      case .json: text = try analysis.json()
      case .html: text = analysis.html()
      }
      if let outputFile {
        do {
          try AtomicFile.write(Data(text.utf8), to: outputFile)
        } catch {
          Console.note("ocular: error: cannot write \(outputFile): \(error.localizedDescription)")
          throw ExitCode(2)
        }
        Console.note("wrote \(outputFile)")
      } else {
        Console.print(text)
      }
    }
  }
}

extension RewardSource: ExpressibleByArgument {}
extension TaskKey: ExpressibleByArgument {}
