import Foundation
import OcularCore
import OcularModels
import OcularRunner
import OcularStore
import OcularViewer
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The repository's `benchmarks/` folder.
let bundledSuites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("benchmarks").path

/// Model output that must render as text: markup, a script, an event handler, ANSI escapes and a bell.
let hostileAnswer =
  "<think>\u{1B}[31mplan</think><answer><script>alert(1)</script><img src=x onerror=alert(1)> **B** "
  + "\u{1B}]0;pwned\u{7}</answer>"

/// An adapter that answers every request with ``hostileAnswer``.
struct HostileAdapter: ModelAdapter {
  var description: AdapterDescription { AdapterDescription(model: "<b>hostile</b>", kind: "test", maxConcurrency: 4) }

  func generate(_ request: Request) async throws -> Response {
    Response(text: hostileAnswer)
  }
}

/// A store with three runs over copies of bundled suites (oracle, baseline, hostile), a viewer serving it on
/// 127.0.0.1 with an ephemeral port, and files to try the image gate with.
struct ViewerFixture: Sendable {
  /// The base URL (`http://127.0.0.1:PORT`), without the final slash.
  let base: String
  /// The store's path.
  let database: String
  /// The copied suites folder.
  let suites: String
  /// The suite names evaluated.
  static let suiteNames = ["docvqa", "refcoco", "robospatial"]

  /// The fixture every test shares: made once per test process.
  static let shared = Task { try await ViewerFixture.make() }

  private static func make() async throws -> ViewerFixture {
    let root = NSTemporaryDirectory() + "ocular-viewer-" + UUID().uuidString
    let suites = root + "/benchmarks"
    let manager = FileManager.default
    try manager.createDirectory(atPath: suites, withIntermediateDirectories: true)
    for name in suiteNames {
      try manager.copyItem(atPath: bundledSuites + "/" + name, toPath: suites + "/" + name)
    }
    // A real image outside every suite folder, a symlink to it inside one, and a symlink that stays inside.
    let outside = root + "/outside.jpg"
    try manager.copyItem(atPath: bundledSuites + "/docvqa/images/docvqa_4.jpg", toPath: outside)
    try manager.createSymbolicLink(atPath: suites + "/docvqa/images/escape.jpg", withDestinationPath: outside)
    try manager.createSymbolicLink(
      atPath: suites + "/docvqa/images/inside.jpg", withDestinationPath: suites + "/docvqa/images/docvqa_4.jpg")
    let database = root + "/runs.sqlite"
    let store = try RunStore(path: database)
    let opened = try SuiteCatalog(root: suites).open(selection: suiteNames)
    for (spec, adapter) in [
      ("builtin:oracle", PolicyAdapter(policy: .oracle) as any ModelAdapter),
      ("builtin:baseline", PolicyAdapter(policy: .baseline)), ("test:hostile", HostileAdapter()),
    ] {
      _ = try await Evaluator(store: store, adapter: adapter)
        .start(suites: opened, modelSpec: spec, settings: EvaluationSettings())
    }
    let server = try ViewerServer(
      configuration: ViewerConfiguration(databasePath: database, suitesDirectory: suites, port: 0))
    let url = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
      let resumed = ResumeOnce(continuation)
      Task {
        do {
          try await server.run { url in resumed.resume(returning: url) }
        } catch {
          resumed.resume(throwing: error)
        }
      }
    }
    return ViewerFixture(base: String(url.dropLast()), database: database, suites: suites)
  }
}

/// Resumes a continuation at most once.
final class ResumeOnce: @unchecked Sendable {
  private var continuation: CheckedContinuation<String, any Error>?
  private let lock = NSLock()

  init(_ continuation: CheckedContinuation<String, any Error>) {
    self.continuation = continuation
  }

  func resume(returning value: String) {
    take()?.resume(returning: value)
  }

  func resume(throwing error: any Error) {
    take()?.resume(throwing: error)
  }

  private func take() -> CheckedContinuation<String, any Error>? {
    lock.lock()
    defer { lock.unlock() }
    let taken = continuation
    continuation = nil
    return taken
  }
}

/// One HTTP answer.
struct Fetched {
  var status: Int
  var headers: [String: String]
  var body: Data

  /// The body as a JSON object.
  var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
  /// The body as text.
  var text: String { String(decoding: body, as: UTF8.self) }
  /// A header, by case-insensitive name.
  func header(_ name: String) -> String? {
    headers.first { $0.key.lowercased() == name.lowercased() }?.value
  }
}

/// GETs a path from the fixture's server with a real HTTP client.
func get(_ path: String) async throws -> Fetched {
  let fixture = try await ViewerFixture.shared.value
  let url = try #require(URL(string: fixture.base + path))
  return try await withCheckedThrowingContinuation { continuation in
    URLSession.shared.dataTask(with: url) { data, response, error in
      guard let response = response as? HTTPURLResponse else {
        continuation.resume(throwing: error ?? URLError(.badServerResponse))
        return
      }
      var headers: [String: String] = [:]
      for (key, value) in response.allHeaderFields {
        headers["\(key)"] = "\(value)"
      }
      continuation.resume(returning: Fetched(status: response.statusCode, headers: headers, body: data ?? Data()))
    }.resume()
  }
}

@Suite struct ViewerServerTests {
  @Test func runsListEveryRunWithTheLeaderboardRows() async throws {
    let answer = try await get("/api/runs")
    #expect(answer.status == 200)
    #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
    let runs = try #require(answer.object["runs"] as? [[String: Any]])
    #expect(runs.map { $0["model_spec"] as? String } == ["test:hostile", "builtin:baseline", "builtin:oracle"])
    let board = try #require(answer.object["leaderboard"] as? [String: Any])
    let rows = try #require(board["rows"] as? [[String: Any]])
    #expect(rows.count == 3)
    let oracle = try #require(rows.first { $0["model_spec"] as? String == "builtin:oracle" })
    let scores = try #require(oracle["scores"] as? [String: Any])
    #expect((scores["refcoco"] as? [String: Any])?["score"] as? Double == 100)

    let table = try await get("/api/leaderboard?runs=1,2&baseline=1")
    #expect(table.status == 200)
    #expect((table.object["rows"] as? [[String: Any]])?.count == 2)
    let run = try await get("/api/runs/1")
    #expect(run.status == 200)
    let suites = try #require(run.object["suites"] as? [[String: Any]])
    #expect(Set(suites.compactMap { $0["suite"] as? String }) == Set(ViewerFixture.suiteNames))
    let refcoco = try #require(suites.first { $0["suite"] as? String == "refcoco" })
    #expect((refcoco["cells"] as? [String: [String]])?["split"] == ["testA", "testB", "val"])
  }

  @Test func samplesArePagedFilteredAndSorted() async throws {
    let first = try await get("/api/runs/2/suites/refcoco/samples?limit=5")
    #expect(first.status == 200)
    let total = try #require(first.object["total"] as? Int)
    let samples = try #require(first.object["samples"] as? [[String: Any]])
    #expect(samples.count == 5)
    let ids = samples.compactMap { $0["id"] as? String }
    #expect(ids == ids.sorted())
    let second = try await get("/api/runs/2/suites/refcoco/samples?limit=5&offset=5")
    let secondIDs = (second.object["samples"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    #expect(!secondIDs.isEmpty && Set(secondIDs).isDisjoint(with: ids))

    let passed = try await get("/api/runs/2/suites/refcoco/samples?min=1&limit=500")
    let failed = try await get("/api/runs/2/suites/refcoco/samples?max=0.5&limit=500")
    let passedTotal = try #require(passed.object["total"] as? Int)
    let failedTotal = try #require(failed.object["total"] as? Int)
    #expect(passedTotal > 0 && failedTotal > 0 && passedTotal + failedTotal == total)
    for sample in passed.object["samples"] as? [[String: Any]] ?? [] { #expect(sample["score"] as? Double == 1) }

    let split = try await get("/api/runs/2/suites/refcoco/samples?dimension=split&key=val&limit=500")
    let splitIDs = (split.object["samples"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    #expect(!splitIDs.isEmpty && splitIDs.allSatisfy { $0.hasPrefix("val/") })

    let sorted = try await get("/api/runs/2/suites/refcoco/samples?sort=-score&limit=500")
    let scores = (sorted.object["samples"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
    #expect(scores.count == total && scores == scores.sorted(by: >))

    let text = try await get("/api/runs/1/suites/refcoco/samples?q=YELLOW%20bar")
    let found = (text.object["samples"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    #expect(found == ["val/4"])
    let statuses = try await get("/api/runs/3/suites/docvqa/samples?status=ok")
    #expect(statuses.object["total"] as? Int == 12)
  }

  @Test func aSampleHasItsPromptGoldAnswerAndImage() async throws {
    let answer = try await get("/api/runs/1/suites/docvqa/samples/1")
    #expect(answer.status == 200)
    let detail = answer.object
    #expect(detail["status"] as? String == "ok")
    #expect(detail["score"] as? Double == 1)
    #expect((detail["gold"] as? String)?.isEmpty == false)
    #expect(detail["record_problem"] is NSNull)
    let prompt = try #require(detail["prompt"] as? [[String: Any]])
    #expect(!prompt.isEmpty)
    let images = try #require(detail["images"] as? [[String: Any]])
    let url = try #require(images.first?["url"] as? String)
    #expect((images.first?["width"] as? Int ?? 0) > 0)
    let image = try await get(url)
    #expect(image.status == 200)
    #expect(["image/png", "image/jpeg"].contains(image.header("Content-Type") ?? ""))
    #expect(image.body.count > 100)
  }

  @Test func groundingSamplesCarryGoldAndPredictedShapes() async throws {
    let baseline = try await get("/api/runs/2/suites/refcoco/samples/val%2F1")
    #expect(baseline.status == 200)
    let overlay = try #require(baseline.object["overlay"] as? [String: Any])
    #expect(overlay["space"] as? String == "norm1000")
    let gold = try #require((overlay["gold"] as? [[String: Any]])?.first)
    #expect(gold["coords"] as? [Double] == [100, 250, 350, 750])
    let predicted = try #require((overlay["predicted"] as? [[String: Any]])?.first)
    #expect(predicted["coords"] as? [Double] == [250, 250, 750, 750])

    let robo = try await get("/api/runs/1/suites/robospatial/samples/9")
    let polygon = try #require(((robo.object["overlay"] as? [String: Any])?["gold"] as? [[String: Any]])?.first)
    #expect(polygon["type"] as? String == "polygon")
    #expect((polygon["coords"] as? [[Double]])?.count == 5)
  }

  @Test func aDiffHasThePairedRowsAndPagesItsFlips() async throws {
    let answer = try await get("/api/diff?a=1&b=2")
    #expect(answer.status == 200)
    let rows = try #require(answer.object["rows"] as? [[String: Any]])
    let refcoco = try #require(rows.first { $0["suite"] as? String == "refcoco" && $0["key"] is NSNull })
    #expect(refcoco["a"] as? Double == 100)
    #expect((refcoco["delta"] as? Double ?? 0) < 0)
    #expect(refcoco["ci_lower"] is Double)
    let total = try #require(answer.object["flips_total"] as? Int)
    #expect(total > 0)
    let regressed = try await get("/api/diff?a=1&b=2&flips=regressed&suite=refcoco&limit=3")
    let flips = try #require(regressed.object["flips"] as? [[String: Any]])
    #expect(flips.count == 3)
    #expect(flips.allSatisfy { $0["direction"] as? String == "regressed" && $0["suite"] as? String == "refcoco" })
    let improved = try await get("/api/diff?a=1&b=2&flips=improved")
    #expect(improved.object["flips_total"] as? Int == 0)
  }

  @Test func imagesAreServedOnlyFromInsideTheSuiteFolder() async throws {
    let path = "/api/runs/1/suites/docvqa/image?path="
    let good = try await get(path + "images/docvqa_4.jpg")
    #expect(good.status == 200)
    #expect(good.header("Content-Type") == "image/jpeg")
    #expect(try await get(path + "images/inside.jpg").status == 200)
    for (relative, status) in [
      ("../docvqa/images/docvqa_4.jpg", 400), ("images/../../../outside.jpg", 400), ("%2Fetc%2Fpasswd", 400),
      ("images/escape.jpg", 403), ("suite.json", 403), ("images/missing.png", 404), ("", 400),
    ] {
      let answer = try await get(path + relative)
      #expect(answer.status == status, "\(relative)")
      #expect((answer.object["error"] as? String)?.isEmpty == false, "\(relative)")
    }
    #expect(try await get("/api/runs/1/suites/nope/image?path=images/docvqa_4.jpg").status == 404)
  }

  @Test func hostileOutputIsReturnedVerbatimAsJSONAndThePageNeverParsesIt() async throws {
    let answer = try await get("/api/runs/3/suites/docvqa/samples/1")
    #expect(answer.status == 200)
    #expect(answer.object["response"] as? String == hostileAnswer)
    #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
    #expect(answer.header("X-Content-Type-Options") == "nosniff")
    let page = try await get("/")
    #expect(page.status == 200)
    #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
    #expect(page.text.contains("<script src=\"/app.js\"></script>"))
    let script = try await get("/app.js")
    #expect(script.status == 200)
    #expect(!script.text.contains("innerHTML") && !script.text.contains("insertAdjacentHTML"))
    #expect(!script.text.contains("eval("))
  }

  @Test func badAddressesAndIdsAnswerWithAMessage() async throws {
    for (path, status) in [
      ("/api/runs/abc", 400), ("/api/runs/0", 400), ("/api/runs/999", 404), ("/api/runs/1/suites/nope/samples", 404),
      ("/api/runs/1/suites/docvqa/samples/nope", 404), ("/api/runs/1/suites/docvqa/samples/1?repeat=7", 404),
      ("/api/runs/1/suites/docvqa/samples?limit=0", 400), ("/api/runs/1/suites/docvqa/samples?status=bogus", 400),
      ("/api/runs/1/suites/docvqa/samples?sort=x", 400), ("/api/runs/1/suites/docvqa/samples?min=abc", 400),
      ("/api/diff?a=1", 400), ("/api/diff?a=1&b=999", 404), ("/api/nothing", 404), ("/nothing", 404),
      ("/api/leaderboard", 400),
    ] {
      let answer = try await get(path)
      #expect(answer.status == status, "\(path)")
      #expect((answer.object["error"] as? String)?.isEmpty == false, "\(path)")
    }
  }

  @Test func theStoreIsOpenedReadOnlyAndLeftUnchanged() async throws {
    let fixture = try await ViewerFixture.shared.value
    let before = try Data(contentsOf: URL(fileURLWithPath: fixture.database))
    _ = try await get("/api/runs")
    _ = try await get("/api/runs/1/suites/docvqa/samples")
    _ = try await get("/api/diff?a=2&b=3")
    let after = try Data(contentsOf: URL(fileURLWithPath: fixture.database))
    #expect(before == after)
    #expect(throws: StoreError.missing(path: fixture.database + ".none")) {
      try RunStore(readingOnlyAt: fixture.database + ".none")
    }
  }
}
