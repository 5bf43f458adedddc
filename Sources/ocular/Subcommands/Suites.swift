import ArgumentParser
import Foundation
import OcularCore
import OcularReports

/// `ocular suites`: the available suites and whether their data is complete.
struct Suites: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the suites, checking each one, with their benchmark, metric and data.")

  @OptionGroup var suites: SuiteFolderOptions
  @OptionGroup var output: OutputOptions

  func run() async throws {
    try await Console.reportingErrors {
      let catalog = SuiteCatalog(root: suites.suitesDir)
      var table = TextTable(
        header: ["suite", "benchmark", "group", "metric", "samples", "data", "judge", "status"],
        alignments: [.left, .left, .left, .left, .right, .left, .left, .left])
      var items: [JSONValue] = []
      var hasInvalid = false
      let folders = catalog.suiteFolders()
      guard !folders.isEmpty else { throw CoreError.noSuites(root: suites.suitesDir) }
      for folder in folders {
        let path = (suites.suitesDir as NSString).appendingPathComponent(folder)
        do {
          let suite = try Suite.open(folder: path)
          var reader = SampleReader(suite: suite)
          var count = 0
          while try reader.next() != nil { count += 1 }
          let data = suite.isFullData ? "full" : "sample set"
          table.append([
            suite.name, suite.benchmark.id, suite.benchmark.group.rawValue, suite.benchmark.metric, String(count),
            data, suite.benchmark.judgeLabel, "ok",
          ])
          items.append(
            .object([
              "suite": .string(suite.name), "benchmark": .string(suite.benchmark.id),
              "title": .string(suite.manifest.title ?? suite.benchmark.title),
              "group": .string(suite.benchmark.group.rawValue), "metric": .string(suite.benchmark.metric),
              "samples": .number(Double(count)), "full_data": .bool(suite.isFullData),
              "judge": .string(suite.benchmark.judgeLabel), "reference": .string(suite.benchmark.reference),
              "folder": .string(path), "status": .string("ok"),
            ]))
        } catch {
          hasInvalid = true
          table.append([folder, "-", "-", "-", "-", "-", "-", "invalid: \(error)"])
          items.append(
            .object([
              "suite": .string(folder), "folder": .string(path), "status": .string("invalid"),
              "error": .string("\(error)"),
            ]))
        }
      }
      Console.print(output.json ? JSONValue.array(items).jsonText() + "\n" : table.render())
      if hasInvalid { throw ExitCode(2) }
    }
  }
}
