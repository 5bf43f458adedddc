import Foundation

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path

/// The built `ocular` binary beside the test bundle.
let ocularBinary: String = {
  var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = folder.appendingPathComponent("ocular").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    folder.deleteLastPathComponent()
  }
  return repositoryRoot + "/.build/debug/ocular"
}()

/// What a finished command printed and returned.
struct CommandResult {
  var status: Int32
  var standardOutput: String
  var standardError: String
}

/// A temporary folder for one test, removed at the end.
final class Workspace {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "ocular-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// A path inside the workspace.
  func file(_ name: String) -> String { path + "/" + name }

  /// Copies bundled suites into `benchmarks/` of the workspace.
  func copySuites(_ names: [String]) throws -> String {
    let root = file("benchmarks")
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    for name in names {
      try FileManager.default.copyItem(atPath: repositoryRoot + "/benchmarks/" + name, toPath: root + "/" + name)
    }
    return root
  }

  /// Runs `ocular` with arguments (and extra environment variables) in the workspace and waits for it.
  func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = try start(arguments, environment: environment)
    return try process.finish()
  }

  /// Starts `ocular` with arguments (and extra environment variables) in the workspace.
  func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCommand {
    try RunningCommand(arguments: arguments, directory: path, environment: environment)
  }
}

/// A started `ocular` process whose output is collected in files.
final class RunningCommand {
  let process = Process()
  private let outputPath: String
  private let errorPath: String

  init(arguments: [String], directory: String, environment: [String: String] = [:]) throws {
    outputPath = directory + "/.stdout-" + UUID().uuidString
    errorPath = directory + "/.stderr-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: ocularBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.standardOutput = FileHandle(forWritingAtPath: outputPath)
    process.standardError = FileHandle(forWritingAtPath: errorPath)
    process.standardInput = FileHandle.nullDevice
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    try process.run()
  }

  /// A Boolean value that indicates whether the process has not exited yet.
  var isRunning: Bool { process.isRunning }

  /// Sends a signal.
  func send(_ signal: Int32) {
    kill(process.processIdentifier, signal)
  }

  /// Waits for the process and returns what it printed.
  func finish() throws -> CommandResult {
    process.waitUntilExit()
    let output = try String(contentsOfFile: outputPath, encoding: .utf8)
    let error = try String(contentsOfFile: errorPath, encoding: .utf8)
    try? FileManager.default.removeItem(atPath: outputPath)
    try? FileManager.default.removeItem(atPath: errorPath)
    return CommandResult(status: process.terminationStatus, standardOutput: output, standardError: error)
  }
}

/// The JSON objects of a JSONL text.
func jsonLines(_ text: String) throws -> [[String: Any]] {
  try text.split(separator: "\n").map { line in
    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
  }
}

/// The cells of the table row whose first cell is `key`, split on runs of spaces.
func tableRow(_ output: String, _ key: String, _ second: String? = nil) -> [String] {
  for line in output.split(separator: "\n") {
    let cells = line.split(separator: " ").map(String.init)
    if cells.first == key, second == nil || (cells.count > 1 && cells[1] == second) { return cells }
  }
  return []
}
