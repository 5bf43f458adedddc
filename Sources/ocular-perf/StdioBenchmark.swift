import ArgumentParser
import Foundation
import OcularCore
import OcularModels

/// Measures the stdio adapter alone: throughput at a fixed adapter latency, and the harness's CPU per request.
struct StdioBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stdio", abstract: "Throughput and per-request harness cost of the stdio adapter.")

  @Option(help: "Requests per measurement.")
  var requests: Int = 20_000

  @Option(help: "Adapter latency in milliseconds.")
  var latencyMs: Int = 20

  @Option(help: "Requests in flight.")
  var concurrency: Int = 64

  @Option(help: "Measurements to take (the median is reported).")
  var runs: Int = 3

  func run() async throws {
    var rates: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
      let command =
        "exec \(executableFolder)/ocular-perf fake-adapter --latency-ms \(latencyMs) --max-concurrency \(concurrency)"
      let adapter = try await StdioAdapter.launch(command: command)
      let request = Request(
        suite: "perf", sampleID: "1",
        messages: [
          ChatMessage(role: .user, content: [.image(path: "/tmp/x.png"), .text("What is shown? Answer briefly.")])
        ],
        parameters: GenerationParameters(temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 0))
      let cpuBefore = processCPUSeconds()
      let clock = ContinuousClock()
      let start = clock.now
      try await withThrowingTaskGroup(of: Void.self) { group in
        var inFlight = 0
        for _ in 0..<requests {
          if inFlight >= concurrency {
            try await group.next()
            inFlight -= 1
          }
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
    report("stdio requests=\(requests) latency_ms=\(latencyMs) concurrency=\(concurrency) runs=\(runs)")
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
}

/// User plus system CPU seconds of this process so far.
func processCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
    + Double(usage.ru_stime.tv_usec) / 1e6
}
