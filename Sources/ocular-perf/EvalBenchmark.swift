import ArgumentParser
import Foundation
import OcularCore

/// Measures the whole `ocular eval` pipeline on synthetic suites of growing size: throughput and peak memory.
struct EvalBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval", abstract: "Run `ocular eval` on synthetic suites of N samples; report samples/s and peak RSS.")

  @Option(help: "Suite sizes, comma-separated.")
  var sizes: String = "1000,10000,100000"

  @Option(help: "Runs per size (the median is reported).")
  var runs: Int = 3

  @Option(help: "The model spec; `fake` uses ocular-perf's zero-latency stdio adapter.")
  var model: String = "builtin:oracle"

  @Option(help: "Requests in flight.")
  var concurrency: Int = 64

  @Option(help: "Where synthetic suites are written (kept between runs).")
  var workDir: String = NSTemporaryDirectory() + "ocular-perf"

  @Flag(help: "Drop the suite's files from the page cache before each `ocular eval`, as after a reboot.")
  var cold = false

  func run() throws {
    let ocular = executableFolder + "/ocular"
    guard FileManager.default.isExecutableFile(atPath: ocular) else {
      throw ValidationError("no ocular binary beside ocular-perf at \(ocular); build the package first")
    }
    let spec =
      model == "fake"
      ? "stdio:exec \(executableFolder)/ocular-perf fake-adapter --latency-ms 0 --max-concurrency \(concurrency)"
      : model
    report("eval model=\(model) concurrency=\(concurrency) runs=\(runs)\(cold ? " page-cache=cold" : "")")
    for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
      let root = try SyntheticSuite.make(samples: size, under: workDir)
      var rates: [Double] = []
      var memory: [Double] = []
      var wall: [Double] = []
      var rescoreRates: [Double] = []
      var rescoreMemory: [Double] = []
      for run in 0..<runs {
        let db = "\(workDir)/perf-\(size)-\(run).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        if cold { try PageCache.evict(root) }
        let measured = try ChildProcess.run(
          ocular,
          [
            "eval", "--model", spec, "--suite", "perf", "--suites-dir", root, "--db", db, "--concurrency",
            String(concurrency),
          ])
        guard measured.status == 0 else { throw ValidationError("ocular eval failed with status \(measured.status)") }
        rates.append(Double(size) / measured.seconds)
        wall.append(measured.seconds)
        memory.append(measured.maxResidentMegabytes)
        // Re-scoring the stored responses (a new run scored from run 1's responses, no model).
        let rescored = try ChildProcess.run(ocular, ["rescore", "1", "--suites-dir", root, "--db", db])
        guard rescored.status == 0 else {
          throw ValidationError("ocular rescore failed with status \(rescored.status)")
        }
        rescoreRates.append(Double(size) / rescored.seconds)
        rescoreMemory.append(rescored.maxResidentMegabytes)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
      }
      report(
        String(
          format: "  N=%d  samples_per_s=%.0f  wall_s=%.2f  peak_rss_mb=%.1f  (runs: %@)", size, median(rates),
          median(wall),
          median(memory), rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
      report(
        String(
          format: "  N=%d  rescore_samples_per_s=%.0f  peak_rss_mb=%.1f  (runs: %@)", size, median(rescoreRates),
          median(rescoreMemory), rescoreRates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
    }
  }
}

/// A synthetic DocVQA-style suite: N records in the VLMEvalKit schema, each with its own small PNG file.
enum SyntheticSuite {
  /// A 2x2 grey PNG.
  static let png: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x57, 0xDD, 0x52, 0xF8, 0x00, 0x00, 0x00, 0x0E, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0xA5, 0xF6, 0x45,
    0x40, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
  ]

  /// Writes (or reuses) the suite folder and returns the root holding it.
  static func make(samples: Int, under workDir: String) throws -> String {
    let root = "\(workDir)/suites-\(samples)"
    let folder = root + "/perf"
    let marker = folder + "/.complete"
    if FileManager.default.fileExists(atPath: marker) { return root }
    try? FileManager.default.removeItem(atPath: root)
    try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
    let manifest = """
      {"format": "ocular-suite/1", "name": "perf", "benchmark": "docvqa", "group": "documents", "metric": "anls",
       "scoring_profile": "vlmevalkit", "id_field": "index", "image_field": "image_path", "image_root": "images",
       "files": [{"path": "samples.jsonl"}]}
      """
    try manifest.write(toFile: folder + "/suite.json", atomically: false, encoding: .utf8)
    _ = FileManager.default.createFile(atPath: folder + "/samples.jsonl", contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/samples.jsonl"))
    var batch = ""
    let image = Data(png)
    for index in 0..<samples {
      try image.write(to: URL(fileURLWithPath: "\(folder)/images/\(index).png"))
      batch +=
        "{\"index\": \(index), \"question\": \"What is the total on invoice \(index)?\", \"answer\": \"['\(index * 7 % 1000) dollars', '\(index * 7 % 1000)']\", \"image_path\": \"\(index).png\"}\n"
      if batch.utf8.count > 1 << 20 {
        handle.write(Data(batch.utf8))
        batch = ""
      }
    }
    handle.write(Data(batch.utf8))
    try handle.close()
    _ = FileManager.default.createFile(atPath: marker, contents: nil)
    return root
  }
}

/// The kernel's cache of file contents.
enum PageCache {
  /// Drops every file under `folder` from the page cache (written back first: dirty pages cannot be dropped).
  static func evict(_ folder: String) throws {
    guard let files = FileManager.default.enumerator(atPath: folder) else {
      throw ValidationError("cannot list \(folder)")
    }
    for case let file as String in files {
      let descriptor = open(folder + "/" + file, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { continue }  // A folder opens too; a vanished file has nothing cached.
      fdatasync(descriptor)
      posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
      close(descriptor)
    }
  }
}

/// Runs a child process and measures its wall time and peak resident memory.
enum ChildProcess {
  struct Measurement {
    var status: Int32
    var seconds: Double
    var maxResidentMegabytes: Double
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> Measurement {
    var pid: pid_t = 0
    var fileActions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let clock = ContinuousClock()
    let start = clock.now
    let spawned = posix_spawn(&pid, executable, &fileActions, nil, argv, environ)
    guard spawned == 0 else { throw ValidationError("could not start \(executable): \(spawned)") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = seconds(clock.now - start)
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return Measurement(status: exitStatus, seconds: elapsed, maxResidentMegabytes: Double(usage.ru_maxrss) / 1024)
  }
}
