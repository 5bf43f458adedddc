import Foundation
import GRDB
import OcularCore

/// What the statistics read of one stored sample: its key, outcome and request, without the model's texts.
public struct ScoredRow: Sendable, Hashable {
  /// Which sample and repeat.
  public var key: SampleKey
  /// ok, unparsed or error.
  public var status: SampleStatus
  /// The primary score (0 for errors).
  public var score: Double
  /// The breakdown keys, as JSON.
  public var breakdownJSON: String
  /// The request's messages and parameters, as JSON (it names the images).
  public var requestJSON: String

  /// Creates a row.
  public init(key: SampleKey, status: SampleStatus, score: Double, breakdownJSON: String, requestJSON: String) {
    self.key = key
    self.status = status
    self.score = score
    self.breakdownJSON = breakdownJSON
    self.requestJSON = requestJSON
  }

  /// The breakdown cells.
  public var breakdown: [BreakdownKey] {
    (try? JSONDecoder().decode([BreakdownKey].self, from: Data(breakdownJSON.utf8))) ?? []
  }
}

/// One side of a pair of samples: how a run answered and scored it.
public struct PairedSide: Sendable, Hashable {
  /// ok, unparsed or error.
  public var status: SampleStatus
  /// The primary score (0 for errors).
  public var score: Double
  /// The extracted answer the scorer received.
  public var extracted: String?
  /// What the scorer read from the answer.
  public var parsed: String?
  /// The reason of an error.
  public var errorReason: String?

  /// Creates a side.
  public init(
    status: SampleStatus, score: Double, extracted: String? = nil, parsed: String? = nil, errorReason: String? = nil
  ) {
    self.status = status
    self.score = score
    self.extracted = extracted
    self.parsed = parsed
    self.errorReason = errorReason
  }
}

/// The same sample (suite, id, repeat) in two runs.
public struct SamplePair: Sendable, Hashable {
  /// The shared key.
  public var key: SampleKey
  /// Run A's result, with A's breakdown and request.
  public var a: PairedSide
  /// Run B's result.
  public var b: PairedSide
  /// The breakdown keys of A's record, as JSON.
  public var breakdownJSON: String
  /// A's request JSON (it names the images).
  public var requestJSON: String

  /// Creates a pair.
  public init(key: SampleKey, a: PairedSide, b: PairedSide, breakdownJSON: String, requestJSON: String) {
    self.key = key
    self.a = a
    self.b = b
    self.breakdownJSON = breakdownJSON
    self.requestJSON = requestJSON
  }
}

// MARK: - Queries for statistics, diffs, leaderboards, re-scoring and merging

extension RunStore {
  /// Reads in one transaction, mapping failures to ``StoreError``.
  private func readForComparison<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try writerForTesting.read(body)
    } catch let error as StoreError {
      throw error
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }

  /// Visits a suite's samples in key order with only what the statistics need.
  public func forEachScoredRow(run id: Int64, suite: String, _ body: (ScoredRow) throws -> Void) throws(StoreError) {
    try readForComparison { db in
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT sample_id, repeat, status, score, breakdown_json, request_json FROM samples
          WHERE run_id = ? AND suite = ? ORDER BY sample_id, repeat
          """,
        arguments: [id, suite])
      while let row = try rows.next() {
        try body(
          ScoredRow(
            key: SampleKey(suite: suite, sampleID: row[0], repeatIndex: row[1]),
            status: SampleStatus(rawValue: row[2]) ?? .error, score: row[3], breakdownJSON: row[4],
            requestJSON: row[5]))
      }
    }
  }

  /// Visits the samples a suite has in both runs, paired on (suite, sample id, repeat), in key order.
  public func forEachSamplePair(
    runA: Int64, runB: Int64, suite: String, _ body: (SamplePair) throws -> Void
  ) throws(StoreError) {
    try readForComparison { db in
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT a.sample_id, a.repeat, a.breakdown_json, a.request_json,
            a.status, a.score, a.extracted, a.parsed, a.error,
            b.status, b.score, b.extracted, b.parsed, b.error
          FROM samples a JOIN samples b
            ON b.run_id = ? AND b.suite = a.suite AND b.sample_id = a.sample_id AND b.repeat = a.repeat
          WHERE a.run_id = ? AND a.suite = ?
          ORDER BY a.sample_id, a.repeat
          """,
        arguments: [runB, runA, suite])
      while let row = try rows.next() {
        let a = PairedSide(
          status: SampleStatus(rawValue: row[4]) ?? .error, score: row[5], extracted: Self.text(row[6]),
          parsed: Self.text(row[7]), errorReason: row[8])
        let b = PairedSide(
          status: SampleStatus(rawValue: row[9]) ?? .error, score: row[10], extracted: Self.text(row[11]),
          parsed: Self.text(row[12]), errorReason: row[13])
        try body(
          SamplePair(
            key: SampleKey(suite: suite, sampleID: row[0], repeatIndex: row[1]), a: a, b: b, breakdownJSON: row[2],
            requestJSON: row[3]))
      }
    }
  }

  /// The number of a suite's samples stored in only one of two runs.
  public func unpairedCounts(runA: Int64, runB: Int64, suite: String) throws(StoreError) -> (onlyA: Int, onlyB: Int) {
    try readForComparison { db in
      let sql = """
        SELECT COUNT(*) FROM samples x WHERE x.run_id = ? AND x.suite = ? AND NOT EXISTS (
          SELECT 1 FROM samples y WHERE y.run_id = ? AND y.suite = x.suite AND y.sample_id = x.sample_id
            AND y.repeat = x.repeat)
        """
      let onlyA = try Int.fetchOne(db, sql: sql, arguments: [runA, suite, runB]) ?? 0
      let onlyB = try Int.fetchOne(db, sql: sql, arguments: [runB, suite, runA]) ?? 0
      return (onlyA, onlyB)
    }
  }

  /// The stored records (every repeat) of one sample of a run's suite, by repeat.
  public func samples(run id: Int64, suite: String, sampleID: String) throws(StoreError) -> [SampleRecord] {
    try samples(run: id, suite: suite, sampleIDs: [sampleID])[sampleID] ?? []
  }

  /// The stored samples of many sample ids at once (one query), by sample id, each list in repeat order.
  public func samples(run id: Int64, suite: String, sampleIDs: [String]) throws(StoreError) -> [String: [SampleRecord]]
  {
    guard !sampleIDs.isEmpty else { return [:] }
    return try readForComparison { db in
      var found: [String: [SampleRecord]] = [:]
      // SQLite's default limit on bound variables is 32,766; stay well below it.
      for start in stride(from: 0, to: sampleIDs.count, by: 500) {
        let chunk = Array(sampleIDs[start..<min(start + 500, sampleIDs.count)])
        let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
        let rows = try Row.fetchAll(
          db,
          sql: "SELECT * FROM samples WHERE run_id = ? AND suite = ? AND sample_id IN (\(marks)) ORDER BY repeat",
          arguments: StatementArguments([id, suite] as [any DatabaseValueConvertible] + chunk))
        for row in rows {
          let record = try Self.sample(from: row, in: db)
          found[record.key.sampleID, default: []].append(record)
        }
      }
      return found
    }
  }

  /// A suite's lowest-scoring samples: errors and unparsed answers first, then by score and id.
  public func worstSamples(run id: Int64, suite: String, limit: Int) throws(StoreError) -> [SampleRecord] {
    try readForComparison { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM samples WHERE run_id = ? AND suite = ?
          ORDER BY score, CASE status WHEN 'error' THEN 0 WHEN 'unparsed' THEN 1 ELSE 2 END, sample_id, repeat
          LIMIT ?
          """,
        arguments: [id, suite, limit]
      ).map { try Self.sample(from: $0, in: db) }
    }
  }

  /// Visits the keys of a run's stored samples, in key order.
  public func forEachSampleKey(run id: Int64, _ body: (SampleKey) throws -> Void) throws(StoreError) {
    try readForComparison { db in
      let rows = try Row.fetchCursor(
        db, sql: "SELECT suite, sample_id, repeat FROM samples WHERE run_id = ? ORDER BY suite, sample_id, repeat",
        arguments: [id])
      while let row = try rows.next() {
        try body(SampleKey(suite: row[0], sampleID: row[1], repeatIndex: row[2]))
      }
    }
  }

  /// Stores samples in one transaction, refusing (and storing none of them) if any key is already stored.
  public func insertNewSamples(_ samples: [SampleRecord]) throws(StoreError) {
    guard !samples.isEmpty else { return }
    let stamp = Self.now()
    do {
      try writerForTesting.write { db in
        let insert = try db.cachedStatement(sql: Self.insertSampleSQL(replacing: false))
        for sample in samples {
          do {
            try Self.insert(sample, stamp: stamp, with: insert, in: db)
            try Self.replaceExchanges(of: sample, in: db)
          } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.database(
              path: path,
              message: "sample \(sample.key.suite)/\(sample.key.sampleID) repeat \(sample.key.repeatIndex) "
                + "of run \(sample.runID) is already stored")
          }
        }
      }
    } catch let error as StoreError {
      throw error
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }
}
