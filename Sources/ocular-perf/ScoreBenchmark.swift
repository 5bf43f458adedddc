import ArgumentParser
import Foundation
import OcularCore

/// Measures scoring alone against the Python reference (VLMEvalKit through `ms-vlmeval`) on the same predictions.
///
/// The cases are those of `../shared/tools/refscore/bench_python.py` (100,000 by default, fixed seed, an equal mix of
/// ANLS, relaxed accuracy, multiple choice and OCRBench). Both sides score the raw prediction in process, single
/// threaded, with parsing and imports outside the timing; the same script then runs the Python side and compares.
struct ScoreBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Score refscore's synthetic predictions with Ocular and with the Python reference; report both rates.")

  @Option(help: "The refscore folder (holding bench_python.py).")
  var refscore: String = "../shared/tools/refscore"

  @Option(help: "Number of cases (bench_python.py --n).")
  var cases: Int = 100_000

  @Option(help: "Timed Ocular passes over the cases (the median is reported).")
  var runs: Int = 5

  @Flag(help: "Skip the Python reference run (report Ocular alone).")
  var skipPython = false

  @Option(help: "Where the generated cases are written.")
  var workDir: String = NSTemporaryDirectory() + "ocular-perf"

  /// One prediction to score, as bench_python.py generates it.
  struct Case {
    enum Kind: String, CaseIterable { case anls, relaxed, mcq, ocrbench }
    var kind: Kind
    var prediction: String
    var golds: [String]
    var choices: [(letter: String, text: String)] = []
    var category = ""
  }

  func run() throws {
    try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
    let path = "\(workDir)/score-cases-\(cases).jsonl"
    let script = (refscore as NSString).appendingPathComponent("bench_python.py")
    guard FileManager.default.fileExists(atPath: script) else {
      throw ValidationError("no bench_python.py in \(refscore); pass --refscore DIR")
    }
    if !FileManager.default.fileExists(atPath: path) {
      let dumped = try Self.runPython(script, ["--n", String(cases), "--dump", path])
      guard dumped.status == 0 else { throw ValidationError("bench_python.py --dump failed:\n\(dumped.output)") }
    }
    let loaded = try Self.load(path)
    report("score cases=\(loaded.count) runs=\(runs) (single thread, parsing excluded)")

    var rates: [Double] = []
    var means: [Case.Kind: Double] = [:]
    for _ in 0..<runs {
      var sums: [Case.Kind: Double] = [:]
      let clock = ContinuousClock()
      let start = clock.now
      for item in loaded { sums[item.kind, default: 0] += Self.score(item) }
      rates.append(Double(loaded.count) / seconds(clock.now - start))
      means = sums
    }
    let counts = Dictionary(grouping: loaded, by: \.kind).mapValues(\.count)
    for kind in Case.Kind.allCases {
      let mean = (means[kind] ?? 0) / Double(max(1, counts[kind] ?? 0))
      report(
        String(
          format: "  ocular  %@ n=%6d  mean_score=%.4f",
          kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0), counts[kind] ?? 0, mean))
    }
    let ocularRate = median(rates)
    report(
      String(
        format: "  ocular  cases_per_second=%.0f  (runs: %@)", ocularRate,
        rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
    guard !skipPython else { return }

    let python = try Self.runPython(script, ["--n", String(cases)])
    guard python.status == 0 else { throw ValidationError("bench_python.py failed:\n\(python.output)") }
    var pythonRate = 0.0
    var pythonMeans: [String: Double] = [:]
    for line in python.output.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if line.hasPrefix("cases_per_second=") { pythonRate = Double(line.dropFirst("cases_per_second=".count)) ?? 0 }
      if let name = fields.first, Case.Kind(rawValue: String(name)) != nil,
        let field = fields.first(where: { $0.hasPrefix("mean_score=") })
      {
        pythonMeans[String(name)] = Double(field.dropFirst("mean_score=".count))
      }
    }
    for kind in Case.Kind.allCases {
      let mean = (means[kind] ?? 0) / Double(max(1, counts[kind] ?? 0))
      let reference = pythonMeans[kind.rawValue] ?? .nan
      report(
        String(
          format: "  python  %@ mean_score=%.4f  %@", kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
          reference,
          abs(mean - reference) < 0.00005 ? "(agrees)" : "(DIFFERS from ocular's \(String(format: "%.4f", mean)))"))
    }
    report(String(format: "  python  cases_per_second=%.0f", pythonRate))
    report(String(format: "  ratio=%.1fx", ocularRate / pythonRate))
  }

  /// The Ocular score of one case: the metric the reference bench calls, on the raw prediction.
  static func score(_ item: Case) -> Double {
    switch item.kind {
    case .anls: return ANLS.score(prediction: item.prediction, golds: item.golds)
    case .relaxed: return RelaxedAccuracy.score(prediction: item.prediction, golds: item.golds)
    case .mcq: return OptionInference.infer(item.prediction, choices: item.choices) == item.golds.first ? 1 : 0
    case .ocrbench:
      return OCRBench.isHit(prediction: item.prediction, golds: item.golds, category: item.category) ? 1 : 0
    }
  }

  static func load(_ path: String) throws -> [Case] {
    let reader = try LineReader(path: path)
    var loaded: [Case] = []
    while let line = try reader.next() {
      guard case .object(let object) = try JSONValue.parse(Data(line)),
        let kind = object["bench"]?.stringValue.flatMap(Case.Kind.init(rawValue:)),
        let prediction = object["pred"]?.stringValue
      else { throw ValidationError("\(path):\(reader.lineNumber): not a bench_python.py case") }
      var item = Case(kind: kind, prediction: prediction, golds: [])
      if case .array(let answers)? = object["answers"] { item.golds = answers.compactMap(\.stringValue) }
      if let answer = object["answer"]?.stringValue { item.golds = [answer] }
      if case .object(let options)? = object["options"] {
        item.choices = options.keys.sorted().compactMap { key in options[key]?.stringValue.map { (key, $0) } }
      }
      item.category = object["category"]?.stringValue ?? ""
      loaded.append(item)
    }
    return loaded
  }

  /// Runs `python3 SCRIPT ARGS` (bench_python.py re-executes itself in the refscore venv) and returns its output.
  static func runPython(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
