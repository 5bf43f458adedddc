/// An error of the run store.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
  /// No store exists at the path, for a command that only reads one.
  case missing(path: String)
  /// The path is a folder, not a database file.
  case folder(path: String)
  /// The file is not an SQLite database.
  case notADatabase(path: String)
  /// The file is an SQLite database, but not Ocular's.
  case foreignDatabase(path: String)
  /// The database was written by a newer Ocular.
  case newerSchema(path: String, unknown: [String])
  /// A run id that the store does not hold.
  case unknownRun(String)
  /// A sample id that a run's suite does not hold.
  case unknownSample(run: Int64, suite: String, sampleID: String)
  /// SQLite reported an error.
  case database(path: String, message: String)

  public var description: String {
    switch self {
    case .missing(let path):
      return "\(path): no run store here (`ocular eval` creates one; --db picks another)"
    case .folder(let path):
      let example = (path.hasSuffix("/") ? path : path + "/") + "ocular.sqlite"
      return "\(path) is a folder; --db takes a database file, such as \(example)"
    case .notADatabase(let path):
      return "\(path): not an SQLite database (left untouched)"
    case .foreignDatabase(let path):
      return "\(path): an SQLite database, but not an Ocular run store (left untouched)"
    case .newerSchema(let path, let unknown):
      return "\(path): written by a newer Ocular (schema \(unknown.joined(separator: ", "))); upgrade Ocular to read it"
    case .unknownRun(let id):
      return "no run \(id) in the store (see `ocular runs`)"
    case .unknownSample(let run, let suite, let sampleID):
      return "run \(run) has no sample \"\(sampleID)\" in suite \(suite) (see `ocular export \(run) --suite \(suite)`)"
    case .database(let path, let message):
      return "\(path): database error: \(message)"
    }
  }
}
