import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `ocular-perf view`: times the viewer's API on a run of N samples and watches the server's memory while paging.
struct ViewBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "view",
    abstract: "Serve a run of N synthetic samples with `ocular view`; time its API and report the server's RSS.")

  @Option(help: "Samples in the run.")
  var size: Int = 100_000

  @Option(help: "Requests per measured address (the median is reported).")
  var runs: Int = 5

  @Option(help: "Where synthetic suites and the run store are written (kept between runs).")
  var workDir: String = NSTemporaryDirectory() + "ocular-perf"

  func run() throws {
    let ocular = executableFolder + "/ocular"
    guard FileManager.default.isExecutableFile(atPath: ocular) else {
      throw ValidationError("no ocular binary beside ocular-perf at \(ocular); build the package first")
    }
    let root = try SyntheticSuite.make(samples: size, under: workDir)
    let db = "\(workDir)/view-\(size).sqlite"
    if !FileManager.default.fileExists(atPath: db) {
      let made = try ChildProcess.run(
        ocular, ["eval", "--model", "builtin:baseline", "--suite", "perf", "--suites-dir", root, "--db", db])
      guard made.status == 0 else { throw ValidationError("ocular eval failed with status \(made.status)") }
    }
    let server = Process()
    server.executableURL = URL(fileURLWithPath: ocular)
    server.arguments = ["view", "--db", db, "--suites-dir", root, "--port", "0"]
    let output = Pipe()
    server.standardOutput = output
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer {
      server.terminate()
      server.waitUntilExit()
    }
    var line = Data()
    while !line.contains(0x0A), let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
      line += byte
    }
    guard let range = String(decoding: line, as: UTF8.self).range(of: #"http://[0-9.:]+/"#, options: .regularExpression)
    else { throw ValidationError("ocular view printed no URL") }
    let base = String(String(decoding: line, as: UTF8.self)[range].dropLast())
    report("view N=\(size) requests_per_address=\(runs) (median wall time of a GET, client included)")
    report(String(format: "  server RSS before any request: %.1f MB", residentMegabytes(server.processIdentifier)))
    let middle = size / 2
    let addresses: [(String, String)] = [
      ("first page of samples", "/api/runs/1/suites/perf/samples?limit=50"),
      ("page at offset N/2", "/api/runs/1/suites/perf/samples?limit=50&offset=\(middle)"),
      ("last page", "/api/runs/1/suites/perf/samples?limit=50&offset=\(size - 50)"),
      ("first page, lowest score first", "/api/runs/1/suites/perf/samples?limit=50&sort=score"),
      ("first page, status=ok", "/api/runs/1/suites/perf/samples?limit=50&status=ok"),
      ("first page, text search", "/api/runs/1/suites/perf/samples?limit=50&q=invoice%20\(middle)%3F"),
      ("one sample (id N/2) with gold", "/api/runs/1/suites/perf/samples/\(middle)"),
      ("one image", "/api/runs/1/suites/perf/image?path=images/\(middle).png"),
      ("runs list", "/api/runs"),
    ]
    for (label, path) in addresses {
      var times: [Double] = []
      var status = 0
      for _ in 0..<runs {
        let (code, elapsed) = try get(base + path)
        status = code
        times.append(elapsed * 1000)
      }
      report(
        String(
          format: "  %-34@ status=%d  median_ms=%.1f  (runs: %@)", label as NSString, status, median(times),
          times.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
    }
    // Page through 200 pages spread over the run, then read the memory again.
    for page in 0..<200 {
      _ = try get(base + "/api/runs/1/suites/perf/samples?limit=100&offset=\(page * (size / 200))")
    }
    report(
      String(
        format: "  server RSS after every request above and 200 pages across the run: %.1f MB",
        residentMegabytes(server.processIdentifier)))
  }

  /// GETs a URL; returns the status and the seconds taken.
  private func get(_ address: String) throws -> (Int, Double) {
    guard let url = URL(string: address) else { throw ValidationError("bad URL \(address)") }
    let done = DispatchSemaphore(value: 0)
    let result = Box()
    let clock = ContinuousClock()
    let start = clock.now
    URLSession.shared.dataTask(with: url) { _, response, _ in
      result.status = (response as? HTTPURLResponse)?.statusCode ?? 0
      done.signal()
    }.resume()
    done.wait()
    return (result.status, seconds(clock.now - start))
  }

  /// The resident memory of a process, from /proc.
  private func residentMegabytes(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
      let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return .nan }
    return kilobytes / 1024
  }
}

/// A status written by a URL session's completion handler and read after it signalled.
private final class Box: @unchecked Sendable {
  var status = 0
}
