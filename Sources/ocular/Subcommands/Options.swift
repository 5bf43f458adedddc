import ArgumentParser

/// Where the run store is.
struct StoreOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The run database.", valueName: "path"))
  var db: String = "results/ocular.sqlite"
}

/// Where the suites are.
struct SuiteFolderOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The folder holding one subfolder per suite.", valueName: "path"))
  var suitesDir: String = "benchmarks"
}

/// Machine-readable output.
struct OutputOptions: ParsableArguments {
  @Flag(name: .long, help: "Print JSON instead of a table.")
  var json = false
}
