import ArgumentParser
import Foundation
import OcularCore
import OcularModels

/// `ocular-perf`: the benchmark program that measures Ocular's speed and memory (see docs/performance.md).
@main
struct OcularPerf: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ocular-perf",
    abstract: "Measure Ocular's throughput, overhead and memory on synthetic suites.",
    subcommands: [
      EvalBenchmark.self, ScoreBenchmark.self, StdioBenchmark.self, HTTPBenchmark.self, ViewBenchmark.self,
      FakeAdapter.self, FakeHTTPServer.self,
    ]
  )
}

/// Prints a measurement line and flushes.
func report(_ text: String) {
  FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// The median of some values.
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  return sorted.count % 2 == 1
    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Seconds in a duration.
func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The folder holding this executable (and the `ocular` binary built beside it).
let executableFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  .deletingLastPathComponent().path
