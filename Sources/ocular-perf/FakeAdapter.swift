import ArgumentParser
import Dispatch
import Foundation

/// A fast stdio adapter (ocular/1) with a fixed latency, so measurements see the harness, not a Python loop.
struct FakeAdapter: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fake-adapter", abstract: "Serve ocular/1 on stdin/stdout, answering after a fixed latency.")

  @Option(help: "Milliseconds before each answer.")
  var latencyMs: Int = 0

  @Option(help: "The hello's max_concurrency.")
  var maxConcurrency: Int = 64

  func run() throws {
    let output = DispatchQueue(label: "output")
    let timers = DispatchQueue(label: "timers", attributes: .concurrent)
    let stdout = FileHandle.standardOutput
    stdout.write(
      Data(
        "{\"protocol\":\"ocular/1\",\"model\":\"fake\",\"box_format\":\"norm1000\",\"max_concurrency\":\(maxConcurrency)}\n"
          .utf8))
    let group = DispatchGroup()
    var buffer = [UInt8]()
    let input = FileHandle.standardInput
    while true {
      let chunk = input.availableData
      if chunk.isEmpty { break }
      buffer.append(contentsOf: chunk)
      var start = 0
      while let newline = buffer[start...].firstIndex(of: 0x0A) {
        let line = buffer[start..<newline]
        start = newline + 1
        guard let id = Self.id(in: line) else { continue }
        let reply = Data("{\"id\":\"\(id)\",\"text\":\"<answer>A</answer>\"}\n".utf8)
        group.enter()
        if latencyMs == 0 {
          output.async {
            stdout.write(reply)
            group.leave()
          }
        } else {
          timers.asyncAfter(deadline: .now() + .milliseconds(latencyMs)) {
            output.async {
              stdout.write(reply)
              group.leave()
            }
          }
        }
      }
      buffer.removeSubrange(0..<start)
    }
    group.wait()
  }

  /// The request id, read from `{"id":"…"` without parsing the whole line.
  static func id(in line: ArraySlice<UInt8>) -> String? {
    let prefix = Array("{\"id\":\"".utf8)
    guard line.starts(with: prefix) else { return nil }
    let rest = line.dropFirst(prefix.count)
    guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
    return String(decoding: rest[..<end], as: UTF8.self)
  }
}
