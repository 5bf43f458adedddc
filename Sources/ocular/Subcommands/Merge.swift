import ArgumentParser
import OcularReports
import OcularRunner
import OcularStore

/// `ocular merge DB…`: merge run stores (such as the shards of one evaluation run on several machines) into one.
struct Merge: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge run databases into --db: the shards of one evaluation become one run, other runs are copied.",
    discussion: """
      Shards (ocular eval --shard K/N) of the same model, suites and N are combined into one run and re-summarised; \
      a merge is refused, with nothing written, when two inputs hold the same shard or run, when shards' settings \
      or suite data differ, or when a run is already in the destination.
      Example (on each machine: ocular eval --model M --suite all --shard K/3 --db results/shardK.sqlite):
        ocular merge shard1.sqlite shard2.sqlite shard3.sqlite --db results/ocular.sqlite
      """)

  @Argument(help: ArgumentHelp("The run databases to merge.", valueName: "db"))
  var databases: [String]

  @OptionGroup var store: StoreOptions

  func validate() throws {
    if databases.isEmpty { throw ValidationError("name at least one database to merge") }
  }

  func run() async throws {
    try await Console.reportingErrors {
      try await ComparisonConsole.refusingClearly {
        let destination = try RunStore(path: store.db)
        let merged = try RunMerger(destination: destination).merge(databases: databases)
        for run in merged {
          let sources = run.sources.map { "run \($0.run) of \($0.database)\($0.shard.map { " (shard \($0))" } ?? "")" }
          var line = "Run \(run.id): \(run.sampleCount) samples from " + sources.joined(separator: ", ")
          if let count = run.shardCount {
            line +=
              run.missingShards.isEmpty
              ? "; all \(count) shards"
              : "; shards \(run.missingShards.map { "\($0)/\(count)" }.joined(separator: ", ")) missing "
                + "(finish them with: ocular eval --resume \(run.id) --db \(store.db))"
          }
          Console.print(line + ".\n")
        }
        let reports = RunReports(store: destination)
        for run in merged {
          Console.print("\nrun \(run.id)\n" + (try reports.suiteTable(run: run.id)))
        }
      }
    }
  }
}

extension Shard: ExpressibleByArgument {
  public init?(argument: String) {
    self.init(parsing: argument)
  }
}
