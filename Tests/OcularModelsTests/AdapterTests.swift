import Foundation
import OcularCore
import Testing

@testable import OcularModels

func makeRequest(suite: String = "docvqa", id: String = "1", repeatIndex: Int = 0) -> Request {
  Request(
    suite: suite, sampleID: id, repeatIndex: repeatIndex, messages: [])
}

/// A DocVQA sample whose gold is `gold`, with the benchmark.
func docvqaSample() throws -> (any Benchmark, Sample) {
  let benchmark = try #require(BenchmarkRegistry.benchmark(id: "docvqa"))
  let sample = Sample(id: "1", record: ["question": .string("q"), "answer": .string("['gold']")], images: [])
  return (benchmark, sample)
}

func writeTemporary(_ text: String) throws -> String {
  let path = NSTemporaryDirectory() + "ocular-replay-" + UUID().uuidString + ".jsonl"
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  return path
}

@Suite struct AdapterSpecTests {
  @Test func parsesBuiltins() throws {
    #expect(try AdapterSpec(parsing: "builtin:oracle") == .builtin(.oracle, latencyMilliseconds: 0))
    #expect(try AdapterSpec(parsing: "builtin:baseline") == .builtin(.baseline, latencyMilliseconds: 0))
    #expect(try AdapterSpec(parsing: "builtin:oracle?latency_ms=25") == .builtin(.oracle, latencyMilliseconds: 25))
    #expect(try AdapterSpec(parsing: "builtin:oracle?latency_ms=25").description == "builtin:oracle?latency_ms=25")
  }

  @Test func replayPathsBecomeAbsolute() throws {
    let spec = try AdapterSpec(parsing: "replay:preds.jsonl")
    guard case .replay(let path, nil) = spec else {
      Issue.record("not a replay spec")
      return
    }
    #expect(path == FileManager.default.currentDirectoryPath + "/preds.jsonl")
    #expect(try AdapterSpec(parsing: "replay:/tmp/p.jsonl") == .replay(path: "/tmp/p.jsonl"))
  }

  @Test(arguments: ["", "oracle", "builtin:", "builtin:genius", "replay:", "builtin:oracle?latency_ms=x", "http://x"])
  func rejectsInvalidSpecs(_ text: String) {
    #expect(throws: ModelError.invalidSpec(text)) { try AdapterSpec(parsing: text) }
  }
}

@Suite struct PolicyAdapterTests {
  @Test func oracleAndBaselineAnswerFromTheSample() async throws {
    let (benchmark, sample) = try docvqaSample()
    let request = makeRequest()
    let oracle = try await PolicyAdapter(policy: .oracle).generate(request, for: sample, of: benchmark).text
    #expect(oracle == benchmark.oracleResponse(for: sample))
    #expect(oracle.contains("<answer>\ngold\n</answer>"))
    let baseline = try await PolicyAdapter(policy: .baseline).generate(request, for: sample, of: benchmark).text
    #expect(baseline == "<answer>unknown</answer>")
  }

  @Test func aRequestWithoutItsSampleIsRefused() async throws {
    await #expect(throws: ModelError.self) { try await PolicyAdapter(policy: .oracle).generate(makeRequest()) }
  }

  @Test func latencyIsSimulated() async throws {
    let (benchmark, sample) = try docvqaSample()
    let clock = ContinuousClock()
    let start = clock.now
    _ = try await PolicyAdapter(policy: .oracle, latency: .milliseconds(30)).generate(
      makeRequest(), for: sample, of: benchmark)
    #expect(clock.now - start >= .milliseconds(30))
  }
}

@Suite struct ReplayAdapterTests {
  @Test func answersFromTheFileAndFailsForMissingSamples() async throws {
    let path = try writeTemporary(
      """
      {"suite": "docvqa", "id": "1", "response": "<answer>ITC</answer>"}
      {"suite": "docvqa", "id": 2, "response": "two"}

      {"suite": "docvqa", "id": "2", "repeat": 1, "response": "two again"}\r
      """)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let adapter = try ReplayAdapter(path: path)
    #expect(adapter.count == 3)
    #expect(try await adapter.generate(makeRequest(id: "1")).text == "<answer>ITC</answer>")
    #expect(try await adapter.generate(makeRequest(id: "2")).text == "two")
    #expect(try await adapter.generate(makeRequest(id: "2", repeatIndex: 1)).text == "two again")
    await #expect(throws: ModelError.noPrediction) { try await adapter.generate(makeRequest(id: "3")) }
    await #expect(throws: ModelError.noPrediction) { try await adapter.generate(makeRequest(suite: "mmstar", id: "1")) }
  }

  @Test(arguments: [
    ("not json", 1, "not a JSON object"),
    ("{\"id\": \"1\", \"response\": \"x\"}", 1, "missing string field \"suite\""),
    ("{\"suite\": \"s\", \"response\": \"x\"}", 1, "missing field \"id\" (string or integer)"),
    ("{\"suite\": \"s\", \"id\": \"1\"}", 1, "missing string field \"response\""),
    ("{\"suite\": \"s\", \"id\": \"1\", \"response\": 3}", 1, "missing string field \"response\""),
    (
      "{\"suite\": \"s\", \"id\": \"1\", \"response\": \"x\", \"repeat\": -1}", 1,
      "field \"repeat\" must be a non-negative integer"
    ),
    (
      "{\"suite\": \"s\", \"id\": \"1\", \"response\": \"x\"}\n{\"suite\": \"s\", \"id\": 1, \"response\": \"y\"}", 2,
      "duplicate prediction for s/1 (first at line 1)"
    ),
  ])
  func malformedLinesNameFileAndLine(_ text: String, _ line: Int, _ message: String) throws {
    let path = try writeTemporary(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelError.invalidReplay(path: path, line: line, message: message)) {
      try ReplayAdapter(path: path)
    }
  }

  /// A replay file's raw bytes that are not UTF-8, and escapes of lone surrogates, become U+FFFD with a note;
  /// NUL, markup and terminal escapes come through verbatim.
  @Test func invalidTextIsRepairedAndNoted() async throws {
    var bytes = Data(#"{"suite": "docvqa", "id": "1", "response": "bad "#.utf8)
    bytes += Data([0xFF, 0xC3, 0x28])
    bytes += Data(#"!"}"#.utf8) + Data("\n".utf8)
    bytes += Data(#"{"suite": "docvqa", "id": "2", "response": "x\udc80\u0000<script>\u001b[2J|"}"#.utf8)
    let path = NSTemporaryDirectory() + "ocular-replay-" + UUID().uuidString + ".jsonl"
    try bytes.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let adapter = try ReplayAdapter(path: path)
    let first = try await adapter.generate(makeRequest(id: "1"))
    #expect(first.text == "bad \u{FFFD}\u{FFFD}(!")
    #expect(first.notes == TextRepairs.invalidUTF8.notes)
    let second = try await adapter.generate(makeRequest(id: "2"))
    #expect(second.text == "x\u{FFFD}\u{0}<script>\u{1B}[2J|")
    #expect(second.notes == TextRepairs.loneSurrogates.notes)
  }

  @Test func missingFileIsAnError() {
    #expect(throws: ModelError.unreadable(path: "/nonexistent/p.jsonl", reason: "no such file or not readable")) {
      try ReplayAdapter(path: "/nonexistent/p.jsonl")
    }
  }
}
