import ArgumentParser
import Foundation

/// Where the run store is.
struct StoreOptions: ParsableArguments {
  /// The database used when `--db` is not given.
  static let defaultPath = "results/ocular.sqlite"

  @Option(name: .long, help: ArgumentHelp("The run database (default: $OCULAR_DB if set).", valueName: "path"))
  var db: String = ProcessInfo.processInfo.environment["OCULAR_DB"] ?? StoreOptions.defaultPath

  /// The `--db` argument a printed follow-up command needs: empty for the default database.
  var argument: String { db == Self.defaultPath ? "" : " --db " + Shell.quoted(db) }
}

/// Where the suites are.
struct SuiteFolderOptions: ParsableArguments {
  /// The folder used when `--suites-dir` is not given.
  static let defaultPath = "benchmarks"

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The folder holding one subfolder per suite (default: $OCULAR_SUITES_DIR if set).", valueName: "path"))
  var suitesDir: String = ProcessInfo.processInfo.environment["OCULAR_SUITES_DIR"] ?? SuiteFolderOptions.defaultPath

  /// The `--suites-dir` argument a printed follow-up command needs: empty for the default folder.
  var argument: String { suitesDir == Self.defaultPath ? "" : " --suites-dir " + Shell.quoted(suitesDir) }
}

/// Quoting for the commands Ocular prints for the user to run.
enum Shell {
  /// The text as one shell word: unchanged when it is plain, else single-quoted.
  static func quoted(_ text: String) -> String {
    let plain = text.unicodeScalars.allSatisfy {
      ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil))
        || "-_./=:,+@%".unicodeScalars
          .contains($0)
    }
    if plain && !text.isEmpty { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// Machine-readable output.
struct OutputOptions: ParsableArguments {
  @Flag(name: .long, help: "Print JSON instead of a table.")
  var json = false
}
