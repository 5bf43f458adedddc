import GRDB

extension RunStore {
  /// The journal mode in force (`wal` for file stores).
  func readJournalMode() throws -> String {
    try writerForTesting.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
  }

  /// Records a migration identifier as applied, as a newer Ocular would.
  func recordMigration(_ identifier: String) throws {
    try writerForTesting.write { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier])
    }
  }
}

/// Creates an SQLite database that is not Ocular's.
func makeForeignDatabase(at path: String) throws {
  let queue = try DatabaseQueue(path: path)
  try queue.write { db in
    try db.execute(sql: "CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x')")
  }
  try queue.close()
}
