import Foundation
import OcularStore
import Testing

/// A small version of `scripts/reliability/kill_resume.py`: seeded SIGKILLs of `ocular eval` at moments chosen by
/// store progress (before the run exists, mid-run, with two samples left), a SIGTERM, resumes, and a final export
/// equal to an uninterrupted run sample for sample.
@Suite(.serialized) struct CrashSafetyEndToEndTests {
  /// The comparable part of an export line.
  struct Outcome: Hashable {
    var suite, id: String
    var repeatIndex: Int
    var status: String
    var score: Double
    var extracted: String?
  }

  /// A small seeded generator (SplitMix64), so the kill schedule is the same on every run.
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  func outcomes(_ workspace: Workspace, db: String) throws -> [Outcome] {
    let export = try workspace.run(["export", "1", "--format", "jsonl", "--db", db])
    guard export.status == 0 else { return [] }
    return try jsonLines(export.standardOutput).map { line in
      Outcome(
        suite: line["suite"] as! String, id: line["id"] as! String, repeatIndex: line["repeat"] as! Int,
        status: line["status"] as! String, score: line["score"] as! Double, extracted: line["extracted"] as? String)
    }
  }

  /// The stored answered samples of run 1, or nil while there is no store or no run yet ("no run store here").
  ///
  /// The store is read in process, read-only: polling through `ocular export` took a process start per look, so
  /// under load a run could finish between two looks and the kill meant for its last samples came too late.
  func stored(_ workspace: Workspace, db: String) throws -> Int? {
    guard let store = try? RunStore(readingOnlyAt: db), let run = try? store.run(id: 1) else { return nil }
    var answered = 0
    for suite in run.suiteNames {
      guard let counts = try? store.statusCounts(run: 1, suite: suite) else { return nil }
      answered += counts.filter { $0.key != .error }.values.reduce(0, +)
    }
    return answered
  }

  /// Polls the store until run 1 holds `count` answered samples; false if the process ended first.
  func wait(_ workspace: Workspace, db: String, for count: Int, while running: RunningCommand) throws -> Bool {
    while running.isRunning {
      if let done = try stored(workspace, db: db), done >= count { return true }
      Thread.sleep(forTimeInterval: 0.01)
    }
    return false
  }

  @Test func seededKillsAndResumesEqualAnUninterruptedRun() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa"])
    let reference = try workspace.run(
      ["eval", "--suites-dir", suites, "--db", workspace.file("reference.sqlite"), "--model", "builtin:baseline"])
    #expect(reference.status == 0, "\(reference.standardError)")
    let expected = try outcomes(workspace, db: workspace.file("reference.sqlite"))
    #expect(expected.count == 24)

    let db = workspace.file("killed.sqlite")
    let start = ["eval", "--suites-dir", suites, "--db", db, "--model", "builtin:baseline?latency_ms=100"]
    let resume = ["eval", "--resume", "1", "--suites-dir", suites, "--db", db]
    var generator = SeededGenerator(state: 6)
    // Stops: a kill before the run can exist, kills at seeded sample counts, a SIGTERM, a kill with two samples
    // left near the end (one request at a time, so the last samples are committed one by one).
    let targets = (0..<3).map { _ in Int.random(in: 2...15, using: &generator) }.sorted()
    var kills = 0
    var launches = 0

    // 1. Killed at once: before the store or the run exists.
    let early = try workspace.start(start)
    launches += 1
    early.send(SIGKILL)
    if try early.finish().status == SIGKILL { kills += 1 }
    var hasRun = try stored(workspace, db: db) != nil

    // 2. Killed once the store holds each seeded number of samples.
    for target in targets {
      let running = try workspace.start((hasRun ? resume : start) + ["--concurrency", "3"])
      launches += 1
      let reached = try wait(workspace, db: db, for: target, while: running)
      running.send(SIGKILL)
      let result = try running.finish()
      if reached, result.status == SIGKILL { kills += 1 }
      hasRun = try stored(workspace, db: db) != nil
    }

    // 3. A graceful stop: exit status 130 and the resume command.
    let stopped = try workspace.start(resume + ["--concurrency", "2"])
    let progressed = try wait(workspace, db: db, for: (try stored(workspace, db: db) ?? 0) + 1, while: stopped)
    stopped.send(SIGTERM)
    let graceful = try stopped.finish()
    if progressed {
      #expect(graceful.status == 130)
      #expect(graceful.standardError.contains("Resume with: ocular eval --resume 1"))
    }
    #expect(try outcomes(workspace, db: db).allSatisfy { $0.status != "error" }, "a stop stored cut-short requests")

    // 4. Killed with two samples left.
    let last = try workspace.start(resume + ["--concurrency", "1"])
    launches += 1
    var isLastKilled = false
    if try wait(workspace, db: db, for: expected.count - 2, while: last) {
      last.send(SIGKILL)
      isLastKilled = try last.finish().status == SIGKILL
      if isLastKilled { kills += 1 }
    } else {
      _ = try last.finish()
    }

    // The final resume completes the run, equal to the uninterrupted one; when the last launch outran its kill, the
    // run is already complete and the resume says so.
    let final = try workspace.run(resume)
    if isLastKilled || final.status != 2 {
      #expect(final.status == 0, "\(final.standardError)")
    } else {
      #expect(final.standardError.contains("nothing to resume"), "\(final.standardError)")
    }
    let outcome = try outcomes(workspace, db: db)
    #expect(outcome == expected)
    #expect(Set(outcome.map { "\($0.suite)/\($0.id)/\($0.repeatIndex)" }).count == outcome.count)
    #expect(kills >= 4, "only \(kills) of \(launches) launches were killed while running")
  }
}
