import Foundation
import Testing

/// Killing `ocular eval` with SIGKILL mid-run and resuming gives the same per-sample scores as an uninterrupted
/// run, with no sample stored twice.
@Suite(.serialized) struct ResumeEndToEndTests {
  /// The comparable part of an export line.
  struct Outcome: Hashable {
    var suite, id: String
    var repeatIndex: Int
    var status: String
    var score: Double
    var extracted: String?
  }

  func outcomes(_ workspace: Workspace, run: Int, db: String) throws -> [Outcome] {
    let export = try workspace.run(["export", String(run), "--format", "jsonl", "--db", db])
    #expect(export.status == 0)
    return try jsonLines(export.standardOutput).map { line in
      Outcome(
        suite: line["suite"] as! String, id: line["id"] as! String, repeatIndex: line["repeat"] as! Int,
        status: line["status"] as! String, score: line["score"] as! Double, extracted: line["extracted"] as? String)
    }
  }

  /// Polls the store until a run has at least `count` samples (or 20 s pass).
  func waitForStoredSamples(_ workspace: Workspace, run: Int, db: String, atLeast count: Int) throws {
    for _ in 0..<400 {
      let export = try workspace.run(["export", String(run), "--format", "jsonl", "--db", db])
      if export.status == 0, export.standardOutput.split(separator: "\n").count >= count { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  @Test func sigkillThenResumeEqualsAnUninterruptedRun() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa", "refcoco"])
    let db = workspace.file("runs.sqlite")
    let arguments = ["eval", "--suites-dir", suites, "--db", db, "--concurrency", "2"]

    let reference = try workspace.run(arguments + ["--model", "builtin:baseline"])
    #expect(reference.status == 0, "\(reference.standardError)")
    let expected = try outcomes(workspace, run: 1, db: db)
    #expect(expected.count == 37)

    // 37 samples at 100 ms, two at a time, take about 1.9 s: kill as soon as a few are stored.
    let running = try workspace.start(arguments + ["--model", "builtin:baseline?latency_ms=100"])
    try waitForStoredSamples(workspace, run: 2, db: db, atLeast: 3)
    running.send(SIGKILL)
    let killed = try running.finish()
    #expect(killed.status == SIGKILL)
    let partial = try outcomes(workspace, run: 2, db: db)
    #expect(partial.count > 0 && partial.count < 37, "killed after \(partial.count) samples")

    let resumed = try workspace.run(["eval", "--resume", "2", "--suites-dir", suites, "--db", db])
    #expect(resumed.status == 0, "\(resumed.standardError)")
    #expect(resumed.standardError.contains("already answered"))
    let final = try outcomes(workspace, run: 2, db: db)
    #expect(final == expected)
    #expect(Set(final.map { "\($0.suite)/\($0.id)/\($0.repeatIndex)" }).count == final.count)

    let again = try workspace.run(["eval", "--resume", "2", "--suites-dir", suites, "--db", db])
    #expect(again.status == 2)
    #expect(again.standardError == "ocular: error: run 2 is complete with no sample in error; nothing to resume\n")
  }

  @Test func sigintStopsGracefullyAndSaysHowToResume() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let running = try workspace.start([
      "eval", "--suites-dir", suites, "--concurrency", "1", "--model", "builtin:oracle?latency_ms=150",
    ])
    try waitForStoredSamples(workspace, run: 1, db: workspace.file("results/ocular.sqlite"), atLeast: 2)
    running.send(SIGINT)
    let result = try running.finish()
    #expect(result.status == 130)
    #expect(result.standardError.contains("Resume with: ocular eval --resume 1"))
    let runs = try workspace.run(["runs", "--json"])
    #expect(runs.standardOutput.contains("\"status\":\"interrupted\""))
    let resumed = try workspace.run(["eval", "--resume", "1", "--suites-dir", suites])
    #expect(resumed.status == 0)
    #expect(resumed.standardOutput.contains("100.00"))
  }
}
