import ArgumentParser
import OcularRunner

/// The `ocular` command: evaluate vision-language models offline, store every sample, and report.
@main
struct Ocular: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ocular",
    abstract: "Evaluate vision-language models offline on the OpenVLThinkerV2 benchmarks.",
    discussion: """
      Suites live in benchmarks/<suite>/ (see docs/suite-format.md); runs are stored in one SQLite file \
      (default results/ocular.sqlite).
      """,
    version: HarnessInfo.version,
    subcommands: [
      Suites.self, Eval.self, Runs.self, Show.self, Export.self, Import.self, Diff.self, LeaderboardCommand.self,
      Rescore.self, Merge.self, Analyze.self, View.self,
    ]
  )
}
