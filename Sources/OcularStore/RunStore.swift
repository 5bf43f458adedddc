import Foundation
import GRDB
import GRDBSQLite
import OcularCore

/// The run store: one SQLite file in WAL mode holding runs, their suites, samples and metrics.
///
/// Only this module touches SQLite. Writes are serialized and each ``save(_:)`` is one transaction, so a sample
/// is durable once the call returns; readers (`ocular runs`, `show`) work while a run writes.
public final class RunStore: Sendable {
  /// The database file's path.
  public let path: String
  private let writer: any DatabaseWriter

  /// The database connection, for the store's own tests.
  var writerForTesting: any DatabaseWriter { writer }

  /// Opens (or creates) the store at a path, creating its folder.
  ///
  /// A file that is not an SQLite database, or is one but not Ocular's, is refused and never modified.
  public init(path: String) throws(StoreError) {
    self.path = path
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    if manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { throw .folder(path: path) }
    if manager.fileExists(atPath: path) {
      try Self.checkExisting(path: path)
    } else {
      let folder = (path as NSString).deletingLastPathComponent
      if !folder.isEmpty {
        try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
      }
    }
    var attempt = 0
    while true {
      do {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
          try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrate(pool, path: path)
        writer = pool
        return
      } catch let error as StoreError {
        throw error
      } catch let error as DatabaseError
        where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < 100
      {
        // Another process is creating or switching the file to WAL at this moment: wait for it.
        attempt += 1
        usleep(50_000)
      } catch {
        throw .database(path: path, message: Self.message(error))
      }
    }
  }

  /// Opens the store at a path that must exist already.
  ///
  /// Commands that only read use this, so that a mistyped `--db` is an error rather than a new empty store, and a
  /// reader polling for a store another process is creating never creates it first.
  public convenience init(existingAt path: String) throws(StoreError) {
    guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
    try self.init(path: path)
  }

  /// Opens an existing store for reading only: SQLite opens the file read-only, nothing is migrated or written.
  ///
  /// A store whose schema lacks a migration this Ocular knows is refused rather than upgraded; any other command
  /// (`ocular runs`) upgrades it.
  public init(readingOnlyAt path: String) throws(StoreError) {
    guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
    try Self.checkExisting(path: path)
    self.path = path
    do {
      var configuration = Configuration()
      configuration.readonly = true
      configuration.busyMode = .timeout(30)
      let pool = try DatabasePool(path: path, configuration: configuration)
      let applied = try pool.read { db -> Set<String> in
        guard try db.tableExists("grdb_migrations") else { return [] }
        return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
      }
      let unknown = applied.subtracting(Self.migrationIdentifiers).sorted()
      guard unknown.isEmpty else { throw StoreError.newerSchema(path: path, unknown: unknown) }
      let lacking = Self.migrationIdentifiers.filter { !applied.contains($0) }
      guard lacking.isEmpty else {
        throw StoreError.database(
          path: path,
          message: "the store's schema lacks \(lacking.joined(separator: ", ")); run `ocular runs --db \(path)` once "
            + "to upgrade it, then read it again")
      }
      writer = pool
    } catch let error as StoreError {
      throw error
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }

  /// Opens a store in memory, for tests.
  public init(inMemory: Void = ()) throws(StoreError) {
    path = ":memory:"
    do {
      writer = try DatabaseQueue()
      try Self.migrate(writer, path: path)
    } catch let error as StoreError {
      throw error
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }

  private static func checkExisting(path: String) throws(StoreError) {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .database(path: path, message: "cannot open for reading")
    }
    let magic = (try? handle.read(upToCount: 16)) ?? nil
    try? handle.close()
    guard let magic, !magic.isEmpty else { return }  // An empty file becomes a new store.
    guard magic == Data("SQLite format 3\0".utf8) else { throw .notADatabase(path: path) }
    do {
      var configuration = Configuration()
      configuration.readonly = true
      configuration.busyMode = .timeout(30)
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      let tables = try queue.read { db in
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
      }
      try queue.close()
      if tables.isEmpty { return }
      guard tables.contains("ocular_meta") else { throw StoreError.foreignDatabase(path: path) }
    } catch let error as StoreError {
      throw error
    } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
      throw .notADatabase(path: path)
    } catch {
      throw .database(path: path, message: message(error))
    }
  }

  /// Applies the migrations a store lacks, all in one immediate transaction.
  ///
  /// GRDB's `DatabaseMigrator` reads the applied identifiers before it takes the write lock, so two processes
  /// creating the same new store both try to run "v1" and the second fails ("table ocular_meta already exists").
  /// Here the check and the changes share one `BEGIN IMMEDIATE` transaction: a second process waits for the first
  /// (busy timeout), then finds every migration applied. Readers never see a half-created schema.
  private static func migrate(_ writer: any DatabaseWriter, path: String) throws {
    try writer.writeWithoutTransaction { db in
      try db.inTransaction(.immediate) {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        let unknown = applied.subtracting(migrationIdentifiers).sorted()
        guard unknown.isEmpty else { throw StoreError.newerSchema(path: path, unknown: unknown) }
        for (identifier, apply) in migrations where !applied.contains(identifier) {
          try apply(db)
          try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier])
        }
        return .commit
      }
    }
  }

  /// The schema migrations in order, each an identifier and the changes it makes.
  static let migrations: [(identifier: String, apply: @Sendable (Database) throws -> Void)] = [
    ("v1", applyVersion1),
    ("v2-judge-output", { db in try db.execute(sql: "ALTER TABLE samples ADD COLUMN judge_output BLOB") }),
    (
      "v3-token-logprobs",
      { db in
        try db.execute(
          sql: """
            ALTER TABLE samples ADD COLUMN logprob_count INTEGER;
            ALTER TABLE samples ADD COLUMN mean_negative_logprob REAL;
            """)
      }
    ),
    ("v4-rowid-samples", applyVersion4),
    ("v5-judge-exchanges", applyJudgeExchanges),
    (
      "v5-suite-scoring-profile",
      { db in
        // Every suite stored before profiles existed was scored under the default profile.
        try db.execute(sql: "ALTER TABLE run_suites ADD COLUMN scoring_profile TEXT NOT NULL DEFAULT 'vlmevalkit'")
      }
    ),
  ]

  /// The identifiers of the schema migrations, oldest first; a store listing one not here is from a newer Ocular.
  static var migrationIdentifiers: [String] { migrations.map(\.identifier) }

  /// Moves samples from a `WITHOUT ROWID` table to a rowid table with a unique index on the key.
  ///
  /// Sample rows are about 1 KB (the stored request alone is most of it). SQLite advises against `WITHOUT ROWID` for
  /// rows over about a twentieth of a page: keyed by text ids that arrive out of key order, the table split pages
  /// constantly and took 4.3 KB of file and 11 page writes per sample. A rowid table appends rows in arrival order;
  /// only the small index is ordered by key.
  private static func applyVersion4(_ db: Database) throws {
    let columns = """
      run_id, suite, sample_id, repeat, status, score, measures_json, parsed, notes, breakdown_json, request_json,
      response, thinking, extracted, has_answer_tag, answer_in_think, error, latency_ms, prompt_tokens,
      completion_tokens, completed_at, judge_output, logprob_count, mean_negative_logprob
      """
    try db.execute(
      sql: """
        CREATE TABLE samples_v4 (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          suite TEXT NOT NULL,
          sample_id TEXT NOT NULL,
          repeat INTEGER NOT NULL,
          status TEXT NOT NULL,
          score REAL NOT NULL,
          measures_json TEXT NOT NULL,
          parsed TEXT,
          notes TEXT NOT NULL,
          breakdown_json TEXT NOT NULL,
          request_json TEXT NOT NULL,
          response TEXT,
          thinking TEXT,
          extracted TEXT,
          has_answer_tag INTEGER NOT NULL,
          answer_in_think INTEGER NOT NULL,
          error TEXT,
          latency_ms REAL,
          prompt_tokens INTEGER,
          completion_tokens INTEGER,
          completed_at TEXT NOT NULL,
          judge_output BLOB,
          logprob_count INTEGER,
          mean_negative_logprob REAL
        );
        INSERT INTO samples_v4 (\(columns)) SELECT \(columns) FROM samples ORDER BY run_id, suite, sample_id, repeat;
        DROP TABLE samples;
        ALTER TABLE samples_v4 RENAME TO samples;
        CREATE UNIQUE INDEX samples_key ON samples (run_id, suite, sample_id, repeat);
        """)
  }

  /// Moves judge replies to a table of every judge call (prompt, settings, reply or failure), and gives samples a
  /// column for the adapter's own notes.
  ///
  /// A `judge_output` of an older store becomes the sample's one exchange with the settings every judge call had
  /// then (temperature 0, max_tokens 1024, seed 42) and no prompt (it was not recorded); a replay answers the
  /// sample's first question with it.
  private static func applyJudgeExchanges(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE judge_exchanges (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          suite TEXT NOT NULL,
          sample_id TEXT NOT NULL,
          repeat INTEGER NOT NULL,
          position INTEGER NOT NULL,
          prompt BLOB,
          temperature REAL,
          max_tokens INTEGER,
          seed INTEGER,
          top_p REAL,
          reply BLOB,
          failure TEXT,
          PRIMARY KEY (run_id, suite, sample_id, repeat, position)
        );
        INSERT INTO judge_exchanges (run_id, suite, sample_id, repeat, position, prompt, temperature, max_tokens, seed,
          top_p, reply, failure)
          SELECT run_id, suite, sample_id, repeat, 0, NULL, 0, 1024, 42, NULL, judge_output, NULL FROM samples
          WHERE judge_output IS NOT NULL;
        ALTER TABLE samples DROP COLUMN judge_output;
        ALTER TABLE samples ADD COLUMN response_notes TEXT;
        """)
  }

  private static func applyVersion1(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE ocular_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO ocular_meta (key, value) VALUES ('format', 'ocular-store');
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          created_at TEXT NOT NULL,
          finished_at TEXT,
          status TEXT NOT NULL,
          model_spec TEXT NOT NULL,
          model_name TEXT NOT NULL,
          adapter_json TEXT NOT NULL,
          parameters_json TEXT NOT NULL,
          prompt_profile TEXT NOT NULL,
          scoring_profile TEXT NOT NULL,
          scoring_options_json TEXT NOT NULL,
          repeats INTEGER NOT NULL,
          harness_version TEXT NOT NULL,
          git_revision TEXT,
          suites_json TEXT NOT NULL
        );
        CREATE TABLE run_suites (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          suite TEXT NOT NULL,
          position INTEGER NOT NULL,
          benchmark TEXT NOT NULL,
          title TEXT NOT NULL,
          group_name TEXT NOT NULL,
          metric TEXT NOT NULL,
          headline_metric TEXT NOT NULL,
          judge_label TEXT NOT NULL,
          reference TEXT NOT NULL,
          content_hash TEXT NOT NULL,
          sample_count INTEGER NOT NULL,
          is_full_data INTEGER NOT NULL,
          folder TEXT NOT NULL,
          headline REAL,
          unparsed_count INTEGER,
          error_count INTEGER,
          seconds REAL NOT NULL DEFAULT 0,
          PRIMARY KEY (run_id, suite)
        );
        CREATE TABLE samples (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          suite TEXT NOT NULL,
          sample_id TEXT NOT NULL,
          repeat INTEGER NOT NULL,
          status TEXT NOT NULL,
          score REAL NOT NULL,
          measures_json TEXT NOT NULL,
          parsed TEXT,
          notes TEXT NOT NULL,
          breakdown_json TEXT NOT NULL,
          request_json TEXT NOT NULL,
          response TEXT,
          thinking TEXT,
          extracted TEXT,
          has_answer_tag INTEGER NOT NULL,
          answer_in_think INTEGER NOT NULL,
          error TEXT,
          latency_ms REAL,
          prompt_tokens INTEGER,
          completion_tokens INTEGER,
          completed_at TEXT NOT NULL,
          PRIMARY KEY (run_id, suite, sample_id, repeat)
        ) WITHOUT ROWID;
        CREATE TABLE metrics (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          suite TEXT NOT NULL,
          dimension TEXT NOT NULL,
          key TEXT NOT NULL,
          metric TEXT NOT NULL,
          value REAL NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (run_id, suite, dimension, key, metric)
        );
        """)
  }

  static func message(_ error: any Error) -> String {
    if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
    return "\(error)"
  }

  private func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try writer.write(body)
    } catch let error as StoreError {
      throw error
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }

  private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try writer.read(body)
    } catch let error as StoreError {
      throw error
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }

  /// The current UTC time as ISO 8601 (`2026-11-25T12:00:00Z`), without building a date formatter per call.
  static func now() -> String {
    var seconds = time(nil)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
      + "\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}

// MARK: - Runs

extension RunStore {
  /// Creates a run and returns it with its id.
  public func createRun(_ run: RunRecord) throws(StoreError) -> RunRecord {
    try write { db in
      let suites = String(decoding: try JSONEncoder().encode(run.suiteNames), as: UTF8.self)
      try db.execute(
        sql: """
          INSERT INTO runs (created_at, finished_at, status, model_spec, model_name, adapter_json, parameters_json,
            prompt_profile, scoring_profile, scoring_options_json, repeats, harness_version, git_revision, suites_json)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          run.createdAt, run.finishedAt, run.status.rawValue, run.modelSpec, run.modelName, run.adapterJSON,
          run.parametersJSON, run.promptProfile, run.scoringProfile, run.scoringOptionsJSON, run.repeats,
          run.harnessVersion, run.gitRevision, suites,
        ])
      var created = run
      created.id = db.lastInsertedRowID
      return created
    }
  }

  /// Sets a run's status, stamping the finish time unless it is running.
  public func setStatus(_ status: RunStatus, run id: Int64) throws(StoreError) {
    try write { db in
      try db.execute(
        sql: "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
        arguments: [status.rawValue, status == .running ? nil : Self.now(), id])
    }
  }

  /// Every run, newest first.
  public func runs() throws(StoreError) -> [RunRecord] {
    try read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id DESC").map(Self.run(from:)) }
  }

  /// The run with an id.
  public func run(id: Int64) throws(StoreError) -> RunRecord {
    let found = try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run(from:))
    }
    guard let found else { throw .unknownRun(String(id)) }
    return found
  }

  private static func run(from row: Row) -> RunRecord {
    let suitesJSON: String = row["suites_json"]
    return RunRecord(
      id: row["id"], createdAt: row["created_at"], finishedAt: row["finished_at"],
      status: RunStatus(rawValue: row["status"]) ?? .running, modelSpec: row["model_spec"],
      modelName: row["model_name"], adapterJSON: row["adapter_json"], parametersJSON: row["parameters_json"],
      promptProfile: row["prompt_profile"], scoringProfile: row["scoring_profile"],
      scoringOptionsJSON: row["scoring_options_json"], repeats: row["repeats"],
      harnessVersion: row["harness_version"], gitRevision: row["git_revision"],
      suiteNames: (try? JSONDecoder().decode([String].self, from: Data(suitesJSON.utf8))) ?? [])
  }
}

// MARK: - Suites of a run

extension RunStore {
  /// Records a suite of a run, or leaves an existing record as it is.
  public func addSuite(_ suite: RunSuiteRecord, position: Int) throws(StoreError) {
    try write { db in
      try db.execute(
        sql: """
          INSERT OR IGNORE INTO run_suites (run_id, suite, position, benchmark, title, group_name, metric,
            headline_metric, judge_label, reference, content_hash, sample_count, is_full_data, folder,
            scoring_profile)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          suite.runID, suite.suite, position, suite.benchmark, suite.title, suite.group, suite.metric,
          suite.headlineMetric, suite.judgeLabel, suite.reference, suite.contentHash, suite.sampleCount,
          suite.isFullData, suite.folder, suite.scoringProfile.rawValue,
        ])
    }
  }

  /// The suites of a run, in evaluation order.
  public func suites(run id: Int64) throws(StoreError) -> [RunSuiteRecord] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM run_suites WHERE run_id = ? ORDER BY position", arguments: [id])
        .map { row in
          RunSuiteRecord(
            runID: row["run_id"], suite: row["suite"], benchmark: row["benchmark"], title: row["title"],
            group: row["group_name"], metric: row["metric"], headlineMetric: row["headline_metric"],
            judgeLabel: row["judge_label"], reference: row["reference"], contentHash: row["content_hash"],
            sampleCount: row["sample_count"], isFullData: row["is_full_data"], folder: row["folder"],
            headline: row["headline"], unparsedCount: row["unparsed_count"], errorCount: row["error_count"],
            seconds: row["seconds"],
            scoringProfile: ScoringProfile(rawValue: row["scoring_profile"] as String? ?? "") ?? .default)
        }
    }
  }

  /// Replaces a suite's metrics with a new summary and adds the seconds spent.
  public func saveSummary(_ summary: SuiteSummary, run id: Int64, suite: String, addingSeconds seconds: Double)
    throws(StoreError)
  {
    try write { db in
      try db.execute(sql: "DELETE FROM metrics WHERE run_id = ? AND suite = ?", arguments: [id, suite])
      let insert = try db.cachedStatement(
        sql:
          "INSERT OR REPLACE INTO metrics (run_id, suite, dimension, key, metric, value, count) VALUES (?, ?, ?, ?, ?, ?, ?)"
      )
      for value in summary.values {
        try insert.execute(arguments: [id, suite, value.dimension, value.key, value.metric, value.value, value.count])
      }
      try db.execute(
        sql: """
          UPDATE run_suites SET headline = ?, unparsed_count = ?, error_count = ?, seconds = seconds + ?
          WHERE run_id = ? AND suite = ?
          """,
        arguments: [summary.headline, summary.unparsedCount, summary.errorCount, seconds, id, suite])
    }
  }

  /// The metrics of a run's suite.
  public func metrics(run id: Int64, suite: String) throws(StoreError) -> [MetricValue] {
    try read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM metrics WHERE run_id = ? AND suite = ? ORDER BY rowid", arguments: [id, suite]
      ).map { row in
        MetricValue(
          dimension: row["dimension"], key: row["key"], metric: row["metric"], value: row["value"],
          count: row["count"])
      }
    }
  }
}

// MARK: - Samples

extension RunStore {
  /// Stores samples in one transaction, replacing earlier attempts at the same keys.
  public func save(_ samples: [SampleRecord]) throws(StoreError) {
    guard !samples.isEmpty else { return }
    let stamp = Self.now()
    try write { db in
      let insert = try db.cachedStatement(sql: Self.insertSampleSQL(replacing: true))
      // Earlier judge exchanges can only exist in a suite that has some: a run without a judge (nearly every run)
      // then stores a sample with one statement, not a delete beside each insert.
      var hasExchanges: [RunSuiteKey: Bool] = [:]
      for sample in samples {
        try Self.insert(sample, stamp: stamp, with: insert, in: db)
        let suite = RunSuiteKey(run: sample.runID, suite: sample.key.suite)
        if hasExchanges[suite] == nil {
          hasExchanges[suite] =
            try Bool.fetchOne(
              db, sql: "SELECT EXISTS (SELECT 1 FROM judge_exchanges WHERE run_id = ? AND suite = ?)",
              arguments: [suite.run, suite.suite]) ?? false
        }
        if hasExchanges[suite] == true || !sample.judgeExchanges.isEmpty {
          try Self.replaceExchanges(of: sample, in: db)
          if !sample.judgeExchanges.isEmpty { hasExchanges[suite] = true }
        }
      }
    }
  }

  /// The statement that stores a sample, replacing an earlier attempt or refusing to.
  static func insertSampleSQL(replacing: Bool) -> String {
    """
    INSERT \(replacing ? "OR REPLACE " : "")INTO samples (run_id, suite, sample_id, repeat, status, score, measures_json,
      parsed, notes, breakdown_json, request_json, response, thinking, extracted, has_answer_tag, answer_in_think,
      error, latency_ms, prompt_tokens, completion_tokens, completed_at, response_notes, logprob_count,
      mean_negative_logprob)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """
  }

  /// Runs ``insertSampleSQL(replacing:)`` for a sample, its values bound straight to SQLite; model text goes in as
  /// UTF-8 blobs, so NUL survives.
  ///
  /// `StatementArguments` boxes each of the 24 values; binding them directly halves the cost of storing a sample.
  static func insert(_ sample: SampleRecord, stamp: String, with statement: Statement, in db: Database) throws {
    let handle = statement.sqliteStatement
    sqlite3_reset(handle)
    var binder = SampleBinder(handle: handle)
    binder.bind(sample.runID)
    binder.bind(text: sample.key.suite)
    binder.bind(text: sample.key.sampleID)
    binder.bind(Int64(sample.key.repeatIndex))
    binder.bind(text: sample.status.rawValue)
    binder.bind(sample.score)
    binder.bind(text: sample.measuresJSON)
    binder.bind(blob: sample.parsed)
    binder.bind(text: sample.notes.joined(separator: "\n"))
    binder.bind(text: sample.breakdownJSON)
    binder.bind(text: sample.requestJSON)
    binder.bind(blob: sample.response)
    binder.bind(blob: sample.thinking)
    binder.bind(blob: sample.extracted)
    binder.bind(Int64(sample.hasAnswerTag ? 1 : 0))
    binder.bind(Int64(sample.isAnswerInThink ? 1 : 0))
    binder.bind(text: sample.errorReason)
    binder.bind(sample.latencyMilliseconds)
    binder.bind(sample.promptTokens.map(Int64.init))
    binder.bind(sample.completionTokens.map(Int64.init))
    binder.bind(text: stamp)
    binder.bind(text: sample.responseNotes.isEmpty ? nil : sample.responseNotes.joined(separator: "\n"))
    binder.bind(sample.logprobCount.map(Int64.init))
    binder.bind(sample.meanNegativeLogprob)
    let code = binder.failure ?? sqlite3_step(handle)
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
        sql: statement.sql)
    }
  }

  /// The keys of a suite's samples that need no new attempt: those answered (`ok` or `unparsed`).
  public func answeredKeys(run id: Int64, suite: String) throws(StoreError) -> Set<SampleKey> {
    try read { db in
      var keys: Set<SampleKey> = []
      let rows = try Row.fetchCursor(
        db, sql: "SELECT sample_id, repeat FROM samples WHERE run_id = ? AND suite = ? AND status != 'error'",
        arguments: [id, suite])
      while let row = try rows.next() {
        keys.insert(SampleKey(suite: suite, sampleID: row[0], repeatIndex: row[1]))
      }
      return keys
    }
  }

  /// Visits a suite's samples in id order without loading them all.
  public func forEachSample(
    run id: Int64, suite: String?, _ body: (SampleRecord) throws -> Void
  ) throws(StoreError) {
    try read { db in
      let rows: RowCursor
      if let suite {
        rows = try Row.fetchCursor(
          db, sql: "SELECT * FROM samples WHERE run_id = ? AND suite = ? ORDER BY suite, sample_id, repeat",
          arguments: [id, suite])
      } else {
        rows = try Row.fetchCursor(
          db, sql: "SELECT * FROM samples WHERE run_id = ? ORDER BY suite, sample_id, repeat", arguments: [id])
      }
      while let row = try rows.next() {
        try body(try Self.sample(from: row, in: db))
      }
    }
  }

  /// Calls a closure with each stored sample of a suite, reading only what a score summary needs: the records have
  /// no request, response or other model text.
  public func forEachScoredSample(run id: Int64, suite: String, _ body: (SampleRecord) throws -> Void)
    throws(StoreError)
  {
    try read { db in
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT sample_id, repeat, status, score, measures_json, parsed, notes, breakdown_json FROM samples
          WHERE run_id = ? AND suite = ? ORDER BY sample_id, repeat
          """,
        arguments: [id, suite])
      while let row = try rows.next() {
        let notes: String = row[6]
        try body(
          SampleRecord(
            runID: id, key: SampleKey(suite: suite, sampleID: row[0], repeatIndex: row[1]),
            status: SampleStatus(rawValue: row[2]) ?? .error, score: row[3], measuresJSON: row[4],
            parsed: Self.text(row[5]), notes: notes.isEmpty ? [] : notes.components(separatedBy: "\n"),
            breakdownJSON: row[7], requestJSON: "", response: nil))
      }
    }
  }

  /// Whether any stored sample of a run is an error (a resume would ask for it again).
  public func hasErrors(run id: Int64) throws(StoreError) -> Bool {
    try read { db in
      try Bool.fetchOne(
        db, sql: "SELECT EXISTS (SELECT 1 FROM samples WHERE run_id = ? AND status = 'error')", arguments: [id])
        ?? false
    }
  }

  /// The number of stored samples of a run's suite, per status.
  public func statusCounts(run id: Int64, suite: String) throws(StoreError) -> [SampleStatus: Int] {
    try read { db in
      var counts: [SampleStatus: Int] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT status, COUNT(*) FROM samples WHERE run_id = ? AND suite = ? GROUP BY status",
        arguments: [id, suite])
      {
        if let status = SampleStatus(rawValue: row[0]) { counts[status] = row[1] }
      }
      return counts
    }
  }

  /// Model-generated text is stored as UTF-8 blobs: SQLite's text binding would cut it at a NUL byte.
  static func blob(_ text: String?) -> Data? {
    text.map { Data($0.utf8) }
  }

  static func text(_ value: DatabaseValue) -> String? {
    switch value.storage {
    case .blob(let data): return String(decoding: data, as: UTF8.self)
    case .string(let string): return string
    default: return nil
    }
  }

  /// A sample record from a `samples` row, with its judge exchanges.
  static func sample(from row: Row, in db: Database) throws -> SampleRecord {
    var record = sample(from: row)
    record.judgeExchanges = try exchanges(of: record.runID, record.key, in: db)
    return record
  }

  /// The judge exchanges stored for a sample, in the order they were made.
  static func exchanges(of run: Int64, _ key: SampleKey, in db: Database) throws -> [JudgeExchange] {
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT prompt, temperature, max_tokens, seed, top_p, reply, failure FROM judge_exchanges
        WHERE run_id = ? AND suite = ? AND sample_id = ? AND repeat = ? ORDER BY position
        """,
      arguments: [run, key.suite, key.sampleID, key.repeatIndex])
    return rows.map { row in
      JudgeExchange(
        prompt: text(row[0]),
        settings: JudgeSettings(temperature: row[1], maxTokens: row[2], seed: row[3], topP: row[4]),
        reply: text(row[5]), failure: row[6])
    }
  }

  /// A suite of a run.
  struct RunSuiteKey: Hashable {
    var run: Int64
    var suite: String
  }

  /// Replaces the judge exchanges stored for a sample's key with the sample's.
  static func replaceExchanges(of sample: SampleRecord, in db: Database) throws {
    let key = sample.key
    try db.cachedStatement(
      sql: "DELETE FROM judge_exchanges WHERE run_id = ? AND suite = ? AND sample_id = ? AND repeat = ?"
    ).execute(arguments: [sample.runID, key.suite, key.sampleID, key.repeatIndex])
    guard !sample.judgeExchanges.isEmpty else { return }
    let insert = try db.cachedStatement(
      sql: """
        INSERT INTO judge_exchanges (run_id, suite, sample_id, repeat, position, prompt, temperature, max_tokens,
          seed, top_p, reply, failure)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for (position, exchange) in sample.judgeExchanges.enumerated() {
      try insert.execute(arguments: [
        sample.runID, key.suite, key.sampleID, key.repeatIndex, position, blob(exchange.prompt),
        exchange.settings.temperature, exchange.settings.maxTokens, exchange.settings.seed, exchange.settings.topP,
        blob(exchange.reply), exchange.failure,
      ])
    }
  }

  /// A sample record from a `samples` row, without its judge exchanges.
  static func sample(from row: Row) -> SampleRecord {
    let notes: String = row["notes"]
    return SampleRecord(
      runID: row["run_id"],
      key: SampleKey(suite: row["suite"], sampleID: row["sample_id"], repeatIndex: row["repeat"]),
      status: SampleStatus(rawValue: row["status"]) ?? .error, score: row["score"],
      measuresJSON: row["measures_json"], parsed: text(row["parsed"]),
      notes: notes.isEmpty ? [] : notes.components(separatedBy: "\n"), breakdownJSON: row["breakdown_json"],
      requestJSON: row["request_json"], response: text(row["response"]), thinking: text(row["thinking"]),
      extracted: text(row["extracted"]), hasAnswerTag: row["has_answer_tag"], isAnswerInThink: row["answer_in_think"],
      errorReason: row["error"], responseNotes: (row["response_notes"] as String?)?.components(separatedBy: "\n") ?? [],
      latencyMilliseconds: row["latency_ms"],
      promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"],
      logprobCount: row["logprob_count"], meanNegativeLogprob: row["mean_negative_logprob"])
  }
}

/// Binds values to a prepared statement's parameters in order, remembering the first failure.
struct SampleBinder {
  let handle: OpaquePointer
  private(set) var index: Int32 = 0
  private(set) var failure: Int32?

  init(handle: OpaquePointer) {
    self.handle = handle
  }

  /// SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`).
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  /// Moves to the next parameter and returns its index.
  private mutating func advance() -> Int32 {
    index += 1
    return index
  }

  private mutating func check(_ code: Int32) {
    if code != SQLITE_OK, failure == nil { failure = code }
  }

  mutating func bind(_ value: Int64?) {
    let index = advance()
    check(value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
  }

  mutating func bind(_ value: Double?) {
    let index = advance()
    check(value.map { sqlite3_bind_double(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
  }

  mutating func bind(text value: String?) {
    let index = advance()
    // As GRDB binds a String: a C string (text ends at a NUL; model text goes in as blobs).
    check(value.map { sqlite3_bind_text(handle, index, $0, -1, Self.transient) } ?? sqlite3_bind_null(handle, index))
  }

  mutating func bind(blob value: String?) {
    let index = advance()
    let handle = handle
    guard var value else { return check(sqlite3_bind_null(handle, index)) }
    if value.isEmpty {
      // As GRDB binds an empty `Data`.
      check(Data().withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, 0, Self.transient) })
    } else {
      check(value.withUTF8 { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) })
    }
  }
}
