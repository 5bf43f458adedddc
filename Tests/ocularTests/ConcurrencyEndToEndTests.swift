import Foundation
import Testing

/// Several `ocular` processes on one store at once: writers wait for each other, readers never block them.
@Suite(.serialized) struct ConcurrencyEndToEndTests {
  @Test func twoEvaluationsCreatingOneStoreAtOnceBothComplete() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa"])
    let db = workspace.file("shared.sqlite")
    let arguments = ["eval", "--suites-dir", suites, "--db", db, "--concurrency", "4", "--json"]
    // Both start before either has created the file, so both run the store's creation at the same moment.
    let first = try workspace.start(arguments + ["--model", "builtin:oracle?latency_ms=60"])
    let second = try workspace.start(arguments + ["--model", "builtin:baseline?latency_ms=60"])

    // While they write, the read-only commands answer (or say there is no store yet), and never fail otherwise.
    var readsWhileRunning = 0
    while first.isRunning || second.isRunning {
      let runs = try workspace.run(["runs", "--db", db])
      #expect(runs.status == 0 || runs.standardError.contains("no run store here"), "\(runs.standardError)")
      if runs.status == 0 {
        readsWhileRunning += 1
        let show = try workspace.run(["show", "1", "--db", db])
        #expect(show.status == 0 || show.standardError.contains("no run 1"), "\(show.standardError)")
      }
    }
    #expect(readsWhileRunning > 0)

    let results = [try first.finish(), try second.finish()]
    for result in results { #expect(result.status == 0, "\(result.standardError)") }
    let listing = try workspace.run(["runs", "--json", "--db", db])
    let runs = try #require(
      try JSONSerialization.jsonObject(with: Data(listing.standardOutput.utf8)) as? [[String: Any]])
    #expect(runs.count == 2)
    #expect(runs.allSatisfy { $0["status"] as? String == "completed" })
    for run in 1...2 {
      let export = try workspace.run(["export", String(run), "--db", db])
      #expect(try jsonLines(export.standardOutput).count == 24)
    }
  }

  @Test func readCommandsNeverCreateAStore() throws {
    let workspace = try Workspace()
    let db = workspace.file("typo.sqlite")
    for arguments in [["runs"], ["show", "1"], ["export", "1"], ["leaderboard", "1"], ["diff", "1", "2"]] {
      let result = try workspace.run(arguments + ["--db", db])
      #expect(result.status != 0)
      #expect(
        result.standardError
          == "ocular: error: \(db): no run store here (`ocular eval` creates one; --db picks another)\n")
    }
    #expect(!FileManager.default.fileExists(atPath: db))
  }
}
