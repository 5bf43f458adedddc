import Foundation
import GRDB
import OcularCore
import Synchronization
import Testing

@testable import OcularStore

/// Several processes (here: connections) opening, creating and upgrading one store file at the same time.
@Suite struct RunStoreConcurrencyTests {
  /// Opens `count` stores on one path at once, each from its own thread, and returns what each open threw.
  func openConcurrently(path: String, count: Int) -> [String?] {
    let failures = Mutex<[String?]>(Array(repeating: nil, count: count))
    DispatchQueue.concurrentPerform(iterations: count) { index in
      do {
        let store = try RunStore(path: path)
        _ = try store.createRun(makeRun())
      } catch {
        failures.withLock { $0[index] = "\(error)" }
      }
    }
    return failures.withLock { $0 }
  }

  @Test func manyOpenersOfANewStoreAllSucceedAndMigrateOnce() throws {
    for round in 0..<5 {
      let folder = try TemporaryFolder()
      let path = folder.file("new-\(round).sqlite")
      let failures = openConcurrently(path: path, count: 8)
      #expect(failures.compactMap { $0 }.isEmpty, "round \(round): \(failures)")
      let store = try RunStore(path: path)
      #expect(try store.runs().count == 8)
      let identifiers = try store.writerForTesting.read { db in
        try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
      }
      #expect(identifiers == RunStore.migrationIdentifiers)
    }
  }

  /// Every earlier schema version, as the number of migrations it had applied.
  @Test(arguments: 1..<RunStore.migrations.count)
  func openersOfAStoreAtAnOlderVersionUpgradeItOnceAndKeepItsData(version: Int) throws {
    let folder = try TemporaryFolder()
    let path = folder.file("old.sqlite")
    try makeStore(at: path, migrationCount: version)
    let failures = openConcurrently(path: path, count: 6)
    #expect(failures.compactMap { $0 }.isEmpty, "\(failures)")
    let store = try RunStore(path: path)
    #expect(try store.runs().count == 7)
    let first = try store.run(id: 1)
    #expect(first.modelSpec == "replay:old.jsonl")
    let samples = try store.samples(run: 1, suite: "docvqa", sampleID: "q1")
    #expect(samples.count == 1)
    #expect(samples.first?.response == "café")
    #expect(samples.first?.score == 0.75)
    // A v2–v4 store's judge reply becomes the sample's one judge exchange, with the settings every call had then.
    let kept = JudgeExchange(
      prompt: nil, settings: JudgeSettings(temperature: 0, maxTokens: 1024, seed: 42), reply: "Judgement: 1")
    #expect(samples.first?.judgeExchanges == (version >= 2 ? [kept] : []))
    #expect(samples.first?.logprobCount == nil)
    // Suites stored before scoring profiles existed were scored under the default profile (v5-suite-scoring-profile).
    #expect(try store.suites(run: 1).map(\.scoringProfile) == [.vlmevalkit])
    let identifiers = try store.writerForTesting.read { db in
      try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
    }
    #expect(identifiers == RunStore.migrationIdentifiers)
  }
}

/// The current schema's shape where it matters for speed.
@Suite struct RunStoreSchemaTests {
  /// Samples live in a rowid table (rows of about 1 KB split `WITHOUT ROWID` pages constantly), keyed by a unique index.
  @Test func samplesAreARowidTableWithAUniqueKeyIndex() throws {
    let store = try RunStore()
    let (sql, indexes) = try store.writerForTesting.read { db in
      (
        try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'samples'") ?? "",
        try Row.fetchAll(db, sql: "PRAGMA index_list(samples)").map { ($0["name"] as String, $0["unique"] as Bool) }
      )
    }
    #expect(!sql.uppercased().contains("WITHOUT ROWID"))
    #expect(indexes.contains { $0.0 == "samples_key" && $0.1 })
    let run = try store.createRun(makeRun()).id
    try store.save([makeSample(run: run, id: "1", score: 0)])
    try store.save([makeSample(run: run, id: "1", score: 1)])
    #expect(try store.samples(run: run, suite: "docvqa", sampleID: "1").map(\.score) == [1])
  }
}

/// Writes a store as an earlier Ocular left it, with its first `migrationCount` migrations, one run and one sample.
func makeStore(at path: String, migrationCount: Int) throws {
  let queue = try DatabaseQueue(path: path)
  try queue.write { db in
    try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
    for (identifier, apply) in RunStore.migrations.prefix(migrationCount) {
      try apply(db)
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier])
    }
    try db.execute(
      sql: """
        INSERT INTO runs (created_at, status, model_spec, model_name, adapter_json, parameters_json, prompt_profile,
          scoring_profile, scoring_options_json, repeats, harness_version, suites_json)
        VALUES ('2026-11-01T00:00:00Z', 'completed', 'replay:old.jsonl', 'old', '{}', '{}', 'paper', 'vlmevalkit',
          '{}', 1, '0.1.0', '["docvqa"]');
        INSERT INTO run_suites (run_id, suite, position, benchmark, title, group_name, metric, headline_metric,
          judge_label, reference, content_hash, sample_count, is_full_data, folder)
        VALUES (1, 'docvqa', 0, 'docvqa', 'DocVQA', 'documents', 'anls', 'anls', 'none', 'ref', 'h', 1, 0, 'f');
        INSERT INTO samples (run_id, suite, sample_id, repeat, status, score, measures_json, notes, breakdown_json,
          request_json, response, has_answer_tag, answer_in_think, completed_at)
        VALUES (1, 'docvqa', 'q1', 0, 'ok', 0.75, '{}', '', '[]', '{}', CAST('café' AS BLOB), 0, 0,
          '2026-11-01T00:00:01Z');
        """)
    let exchangesMigration = RunStore.migrationIdentifiers.firstIndex(of: "v5-judge-exchanges")!
    if migrationCount > exchangesMigration {
      // A store with the judge-exchanges table keeps the same reply as its sample's first exchange.
      try db.execute(
        sql: """
          INSERT INTO judge_exchanges (run_id, suite, sample_id, repeat, position, prompt, temperature, max_tokens,
            seed, top_p, reply, failure)
          VALUES (1, 'docvqa', 'q1', 0, 0, NULL, 0, 1024, 42, NULL, CAST('Judgement: 1' AS BLOB), NULL)
          """)
    } else if migrationCount >= 2 {
      try db.execute(sql: "UPDATE samples SET judge_output = CAST('Judgement: 1' AS BLOB)")
    }
  }
  try queue.close()
}
