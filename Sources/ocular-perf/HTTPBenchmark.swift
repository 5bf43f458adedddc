import ArgumentParser
import Foundation
import OcularCore
import OcularModels

/// Measures the OpenAI-compatible HTTP adapter alone against `ocular-perf http-server` in a child process:
/// throughput at a fixed server latency, and this process's CPU per request (the server's is not counted).
struct HTTPBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "http", abstract: "Throughput and per-request harness cost of the OpenAI-compatible HTTP adapter.")

  @Option(help: "Requests per measurement.")
  var requests: Int = 10_000

  @Option(help: "Server latency in milliseconds.")
  var latencyMs: Int = 20

  @Option(help: "Requests in flight.")
  var concurrency: Int = 64

  @Option(help: "Measurements to take (the median is reported).")
  var runs: Int = 3

  @Option(help: "The folder searched for PNG files to send, one per request in turn.")
  var images: String = "benchmarks"

  @Option(help: "Pad each image with random bytes after its end to this many bytes (0: send the files as they are).")
  var imageBytes: Int = 0

  func run() async throws {
    let paths = try imagePaths()
    let sizes = paths.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
    let server = try startServer()
    defer {
      try? server.input.fileHandleForWriting.close()
      server.process.waitUntilExit()
    }
    var options = OpenAIAdapter.Options()
    options.maxConcurrency = concurrency
    let url = URL(string: "http://127.0.0.1:\(server.port)/v1")!
    let messages = paths.map { path in
      [
        ChatMessage(role: .system, content: [.text(Self.systemPrompt)]),
        ChatMessage(role: .user, content: [.image(path: path), .text("What is shown? Answer briefly.")]),
      ]
    }
    let parameters = GenerationParameters(
      temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 0, isAskingForLogprobs: true)
    var rates: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
      let adapter = try await OpenAIAdapter.connect(baseURL: url, model: "fake", options: options)
      let cpuBefore = processCPUSeconds()
      let clock = ContinuousClock()
      let start = clock.now
      try await withThrowingTaskGroup(of: Void.self) { group in
        var inFlight = 0
        for index in 0..<requests {
          if inFlight >= concurrency {
            try await group.next()
            inFlight -= 1
          }
          let request = Request(
            suite: "perf", sampleID: String(index), messages: messages[index % messages.count],
            parameters: parameters)
          group.addTask { _ = try await adapter.generate(request) }
          inFlight += 1
        }
        try await group.waitForAll()
      }
      let elapsed = seconds(clock.now - start)
      let cpuSeconds = processCPUSeconds() - cpuBefore
      await adapter.close()
      rates.append(Double(requests) / elapsed)
      cpu.append(cpuSeconds / Double(requests) * 1e6)
    }
    let ideal = latencyMs == 0 ? Double.infinity : Double(concurrency) * 1000 / Double(latencyMs)
    let rate = median(rates)
    report(
      "http requests=\(requests) latency_ms=\(latencyMs) concurrency=\(concurrency) runs=\(runs) "
        + "images=\(paths.count) mean_image_bytes=\(sizes.reduce(0, +) / max(1, sizes.count))")
    report(
      String(
        format: "  throughput_rps=%.0f (runs: %@)", rate,
        rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
    if ideal.isFinite { report(String(format: "  ideal_rps=%.0f efficiency=%.1f%%", ideal, rate / ideal * 100)) }
    report(
      String(
        format: "  harness_cpu_us_per_request=%.1f (runs: %@)", median(cpu),
        cpu.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
  }

  /// The PNG files sent: every one under `images`, or copies padded to `imageBytes` in a temporary folder.
  func imagePaths() throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: images) else {
      throw ValidationError("\(images): no such folder (run from the repository root, or pass --images)")
    }
    let found = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".png") }.sorted().map { images + "/" + $0 }
    guard !found.isEmpty else { throw ValidationError("\(images): no PNG files") }
    guard imageBytes > 0 else { return found }
    let folder = NSTemporaryDirectory() + "ocular-perf-http-\(getpid())"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var generator = SystemRandomNumberGenerator()
    return try found.prefix(64).enumerated().map { index, path in
      var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      while bytes.count < imageBytes { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
      let copy = folder + "/\(index).png"
      try Data(bytes).write(to: URL(fileURLWithPath: copy))
      return copy
    }
  }

  /// Starts `ocular-perf http-server` and reads the port it prints.
  func startServer() throws -> (process: Process, input: Pipe, port: Int) {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: executableFolder + "/ocular-perf")
    process.arguments = ["http-server", "--latency-ms", String(latencyMs), "--port", "0", "--model", "fake"]
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    var line: [UInt8] = []
    while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != 0x0A { line.append(byte) }
    guard let port = Int(String(decoding: line, as: UTF8.self)) else {
      throw ValidationError("ocular-perf http-server did not print its port")
    }
    return (process, input, port)
  }

  /// A system prompt of the paper's length (≈ 700 bytes), so request bodies are the size real runs send.
  static let systemPrompt = String(
    repeating: "You are a careful visual reasoner. Think step by step inside <think></think>, then answer. ", count: 8)
}
