import Foundation
import Testing

let fakeAdapterScript = repositoryRoot + "/Tests/OcularModelsTests/Fixtures/fake_adapter.py"

/// Runs of the binary against external adapters: the reference adapters' dry-run backends and misbehaving fakes.
@Suite(.serialized) struct AdapterEndToEndTests {
  @Test(arguments: ["vllm_adapter.py", "transformers_adapter.py"])
  func referenceAdapterDryRunCompletesARun(_ script: String) throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "refcoco"])
    let result = try workspace.run([
      "eval", "--suites-dir", suites, "--model", "stdio:python3 \(repositoryRoot)/adapters/\(script) --dry-run",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    // The dry run answers "A" everywhere: MMStar scores its share of A golds (3 of 12), RefCOCO parses no box.
    #expect(tableRow(result.standardOutput, "mmstar").prefix(6) == ["mmstar", "accuracy", "12", "25.00", "0", "0"])
    #expect(tableRow(result.standardOutput, "refcoco").prefix(6) == ["refcoco", "acc@0.5", "13", "0.00", "13", "0"])
    let runs = try workspace.run(["runs", "--json"]).standardOutput
    #expect(runs.contains("\"model\":\"dry-run:Qwen/Qwen3-VL-8B-Instruct\""))
    #expect(runs.contains("\"box_format\":\"norm1000\""))
    let export = try jsonLines(try workspace.run(["export", "1", "--format", "jsonl"]).standardOutput)
    #expect(export.allSatisfy { ($0["thinking"] as? String)?.contains("Dry run") == true })
    #expect(export.allSatisfy { $0["prompt_tokens"] as? Int != nil })
  }

  @Test func aCrashingAdapterLeavesErrorsThatResumeRedoes() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let state = workspace.file("crashed-once")
    let command = "stdio:python3 \(fakeAdapterScript) --mode crash --after 4 --state \(state) --max-concurrency 1"
    let result = try workspace.run(["eval", "--suites-dir", suites, "--model", command])
    #expect(result.status == 0, "\(result.standardError)")
    let first = try jsonLines(try workspace.run(["export", "1", "--format", "jsonl"]).standardOutput)
    let errors = first.filter { $0["status"] as? String == "error" }
    #expect(errors.count == 1)
    #expect(errors.first?["error"] as? String == "adapter exited (exited(3))")
    #expect(first.count == 12)
    let logs = try FileManager.default.contentsOfDirectory(atPath: workspace.file("results/logs"))
    #expect(logs.count == 1)
    let log = try String(contentsOfFile: workspace.file("results/logs/" + logs[0]), encoding: .utf8)
    #expect(log.contains("fake adapter crashing"))
    #expect(log.contains("restarting the adapter (1/3)"))

    let resumed = try workspace.run(["eval", "--resume", "1", "--suites-dir", suites])
    #expect(resumed.status == 0)
    let second = try jsonLines(try workspace.run(["export", "1", "--format", "jsonl"]).standardOutput)
    #expect(second.count == 12)
    #expect(second.allSatisfy { $0["status"] as? String != "error" })
  }

  @Test func anAdapterThatDiesBeforeItsHelloFailsAtOnceNamingItsStandardErrorAndLog() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let started = Date()
    let result = try workspace.run([
      "eval", "--suites-dir", suites, "--model", "stdio:python3 \(fakeAdapterScript) --mode die-early",
    ])
    #expect(result.status == 2)
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(result.standardError.hasPrefix("ocular: error: adapter exited (exited(1)) before its hello: python3 "))
    #expect(result.standardError.contains("    loading the model failed: no checkpoint at /nowhere\n"))
    #expect(result.standardError.contains("  full log: results/logs/adapter-"))
    // Nothing was stored: no run, no database.
    #expect(!FileManager.default.fileExists(atPath: workspace.file("results/ocular.sqlite")))
  }

  @Test func aStreakOfFailuresStopsTheRunAsFailedAndResumeFinishesIt() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let state = workspace.file("failed-once")
    let command =
      "stdio:python3 \(fakeAdapterScript) --mode fail-from --after 3 --state \(state) --max-concurrency 1"
    let result = try workspace.run([
      "eval", "--suites-dir", suites, "--model", command, "--max-consecutive-errors", "5", "--db", "x.sqlite",
    ])
    #expect(result.status == 3, "\(result.standardError)")
    #expect(
      result.standardError.contains(
        "ocular: error: run 1 stopped and marked failed: 5 requests in a row failed with: adapter error: out of memory "
          + "serving request 8"))
    #expect(result.standardError.contains("Resume with: ocular eval --resume 1 --db x.sqlite --suites-dir "))
    let runs = try workspace.run(["runs", "--json", "--db", "x.sqlite"]).standardOutput
    #expect(runs.contains("\"status\":\"failed\""))
    let stored = try jsonLines(
      try workspace.run(["export", "1", "--format", "jsonl", "--db", "x.sqlite"]).standardOutput)
    #expect(stored.count == 8)
    #expect(stored.filter { $0["status"] as? String == "error" }.count == 5)
    // A failed run stays out of the leaderboard unless asked for.
    let board = try workspace.run(["leaderboard", "--format", "csv", "--out", "-", "--db", "x.sqlite"])
    #expect(board.status == 2)
    let included = try workspace.run([
      "leaderboard", "--format", "csv", "--out", "-", "--include-failed", "--db", "x.sqlite",
    ])
    #expect(included.status == 0)
    #expect(included.standardOutput.contains("fake-fail-from"))

    let resumed = try workspace.run(["eval", "--resume", "1", "--suites-dir", suites, "--db", "x.sqlite"])
    #expect(resumed.status == 0, "\(resumed.standardError)")
    let finished = try jsonLines(
      try workspace.run(["export", "1", "--format", "jsonl", "--db", "x.sqlite"]).standardOutput)
    #expect(finished.count == 12)
    #expect(finished.allSatisfy { $0["status"] as? String != "error" })
    #expect(
      try workspace.run(["runs", "--json", "--db", "x.sqlite"]).standardOutput.contains("\"status\":\"completed\""))
  }

  @Test func aBadHelloStopsTheRunWithOneLine() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let result = try workspace.run([
      "eval", "--suites-dir", suites, "--model", "stdio:python3 \(fakeAdapterScript) --mode bad-hello",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.hasPrefix("ocular: error: hello speaks protocol ocular/0, expected ocular/1: "))
  }
}
