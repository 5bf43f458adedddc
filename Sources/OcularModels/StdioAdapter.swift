import Foundation
import OcularCore
import Subprocess

#if canImport(Glibc)
  import Glibc
#endif

/// A model served by a long-lived process speaking the `ocular/1` protocol: JSON lines on stdin and stdout.
///
/// The process's first line is a hello (`protocol`, `model`, `box_format`, `max_concurrency`). Each request is one
/// line `{"id", "messages", "params"}`; each response is one line `{"id", "text", "usage"?, "logprobs"?, "error"?}`,
/// possibly out of order. Lines end at `\n` only. Standard error is copied to a log file.
///
/// Failure handling: a malformed response line is an error for its request (found by id where it can be read) and
/// never stops the run; a request with no answer within the timeout is an error; when the process exits or hangs,
/// every request in flight is an error with the reason, and the process is restarted (a bounded number of times,
/// with exponential backoff) for the requests that follow. See `docs/adapter-protocol.md`.
public actor StdioAdapter: ModelAdapter {
  /// Settings of the process and its protocol.
  public struct Options: Sendable, Hashable {
    /// Longest accepted response line, in bytes: room for a 10 MB answer even when every byte is escaped.
    public var maximumLineBytes = 64 << 20
    /// Time allowed for one request.
    public var requestTimeout: Duration = .seconds(600)
    /// Time allowed for the hello (model loading).
    public var startupTimeout: Duration = .seconds(900)
    /// Restarts allowed after the process dies or hangs.
    public var maximumRestarts = 3
    /// The first restart's delay; each next one doubles it.
    public var restartBackoff: Duration = .milliseconds(500)
    /// Where the process's standard error goes (appended), or nil to discard it.
    public var logPath: String?

    /// Creates options with the defaults.
    public init() {}
  }

  /// The protocol version this harness speaks.
  public static let protocolVersion = "ocular/1"

  /// The command, run with `/bin/sh -c`.
  public let command: String
  /// The settings.
  public let options: Options
  /// What the process said in its latest hello.
  public nonisolated var description: AdapterDescription { hello.value }
  private nonisolated let hello = LockedValue(AdapterDescription(model: "", kind: "stdio", maxConcurrency: 1))

  private var session: Session?
  private var sessionCounter = 0
  private var restarts = 0
  private var isClosed = false
  private var gaveUpReason: String?
  private var nextID = 0
  private var pending: [String: Pending] = [:]
  private var helloWaiter: CheckedContinuation<Hello, any Error>?
  private var startingSession: Task<Void, any Error>?
  private var lastOutput = ContinuousClock.now
  private var lastMalformed: String?
  private let log: LogSink

  private struct Pending {
    var continuation: CheckedContinuation<Response, any Error>
    var session: Int
    var deadline: ContinuousClock.Instant
  }

  /// One task checks every deadline a few times a second: cheaper than a timer task per request.
  private var sweeper: Task<Void, Never>?

  private struct Session {
    var number: Int
    var input: AsyncStream<[UInt8]>.Continuation
    var processID: pid_t?
    var task: Task<Void, Never>
  }

  /// The hello line.
  struct Hello: Sendable, Hashable {
    var model: String
    var boxFormat: BoxFormat?
    var maxConcurrency: Int
  }

  /// Starts the process and reads its hello.
  public static func launch(command: String, options: Options = Options()) async throws -> StdioAdapter {
    let adapter = StdioAdapter(command: command, options: options)
    try await adapter.startSession()
    return adapter
  }

  private init(command: String, options: Options) {
    self.command = command
    self.options = options
    self.log = LogSink(path: options.logPath)
  }

  public func generate(_ request: Request) async throws -> Response {
    if let gaveUpReason { throw ModelError.adapterFailed(gaveUpReason) }
    if session == nil { try await restartSession() }
    guard let session else { throw ModelError.adapterFailed(gaveUpReason ?? "adapter not running") }
    nextID += 1
    let id = "r\(nextID)"
    let line = Self.encode(request, id: id)
    if sweeper == nil { startSweeper() }
    let deadline = ContinuousClock.now + options.requestTimeout
    return try await withCheckedThrowingContinuation { continuation in
      pending[id] = Pending(continuation: continuation, session: session.number, deadline: deadline)
      session.input.yield(line)
    }
  }

  private func startSweeper() {
    let interval = min(options.requestTimeout / 10, .milliseconds(250))
    sweeper = Task { [weak self] in
      while !Task.isCancelled {
        try? await Task.sleep(for: interval)
        await self?.expireOverdue()
      }
    }
  }

  private func expireOverdue() {
    let now = ContinuousClock.now
    for (id, entry) in pending where entry.deadline <= now { expire(id) }
  }

  /// Closes the process's standard input, asking it to exit, and waits for it.
  public func close() async {
    isClosed = true
    sweeper?.cancel()
    sweeper = nil
    guard let session else { return }
    session.input.finish()
    let task = session.task
    let killer = Task {
      try? await Task.sleep(for: .seconds(5))
      if !Task.isCancelled, let pid = session.processID { kill(-pid, SIGKILL) }
    }
    await task.value
    killer.cancel()
    log.close()
  }

  // MARK: Sessions

  private func restartSession() async throws {
    if let startingSession {
      try await startingSession.value
      return
    }
    let attempt = Task {
      if self.sessionCounter > 0 {
        guard self.restarts < self.options.maximumRestarts else {
          let reason = "adapter gave up after \(self.restarts) restarts"
          self.gaveUpReason = reason
          throw ModelError.adapterFailed(reason)
        }
        self.restarts += 1
        let delay = self.options.restartBackoff * (1 << (self.restarts - 1))
        self.log.write(
          "ocular: restarting the adapter (\(self.restarts)/\(self.options.maximumRestarts)) in \(delay)\n")
        try await Task.sleep(for: delay)
      }
      try await self.startSession()
    }
    startingSession = attempt
    defer { startingSession = nil }
    try await attempt.value
  }

  private func startSession() async throws {
    sessionCounter += 1
    let number = sessionCounter
    let (stream, input) = AsyncStream<[UInt8]>.makeStream()
    let command = self.command
    let log = self.log
    let limit = options.maximumLineBytes
    let task = Task { [weak self] in
      var platformOptions = PlatformOptions()
      platformOptions.processGroupID = 0
      platformOptions.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
      let finalOptions = platformOptions
      let status: String
      do {
        let result = try await Subprocess.run(
          .path("/bin/sh"), arguments: ["-c", command], platformOptions: finalOptions, input: .inputWriter,
          output: .sequence, error: .sequence
        ) { execution in
          await self?.setProcessID(Int32(execution.processIdentifier.value), session: number)
          try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
              for await line in stream {
                do {
                  _ = try await execution.standardInputWriter.write(line)
                } catch {
                  break
                }
              }
              try? await execution.standardInputWriter.finish()
            }
            group.addTask {
              for try await buffer in execution.standardError {
                buffer.withUnsafeBytes { log.write(Data($0)) }
              }
            }
            group.addTask {
              var splitter = LineSplitter(limit: limit)
              for try await buffer in execution.standardOutput {
                // Parse here, off the actor, and hand over every line of the buffer in one hop.
                let lines = buffer.withUnsafeBytes { splitter.feed($0) }
                if !lines.isEmpty { await self?.receive(lines.map(Received.init), session: number) }
              }
              if let rest = splitter.finish() { await self?.receive([Received(rest)], session: number) }
              await self?.outputEnded(session: number)
            }
            // Output ending means the process is done with us; the writer may still wait for input.
            try await group.next()
            try await group.next()
            group.cancelAll()
          }
        }
        status = "\(result.terminationStatus)"
      } catch {
        status = "could not run: \(error)"
      }
      await self?.sessionEnded(session: number, status: status)
    }
    session = Session(number: number, input: input, processID: nil, task: task)
    lastOutput = .now
    let startup = options.startupTimeout
    let timer = Task { [weak self] in
      try? await Task.sleep(for: startup)
      guard !Task.isCancelled else { return }
      await self?.failHello(ModelError.adapterFailed("no hello line within \(startup)"), session: number)
    }
    defer { timer.cancel() }
    let received = try await withCheckedThrowingContinuation { helloWaiter = $0 }
    hello.value = AdapterDescription(
      model: received.model, kind: "stdio", boxFormat: received.boxFormat, maxConcurrency: received.maxConcurrency)
  }

  private func setProcessID(_ pid: pid_t, session number: Int) {
    if session?.number == number { session?.processID = pid }
  }

  private func failHello(_ error: any Error, session number: Int) {
    guard session?.number == number, let waiter = helloWaiter else { return }
    helloWaiter = nil
    if let pid = session?.processID { kill(-pid, SIGKILL) }
    waiter.resume(throwing: error)
  }

  private func outputEnded(session number: Int) {
    guard session?.number == number else { return }
    // Wait for the exit status in sessionEnded; nothing more can arrive.
  }

  private func sessionEnded(session number: Int, status: String) {
    guard session?.number == number else { return }
    session = nil
    let reason = isClosed ? "adapter closed" : "adapter exited (\(status))"
    if let waiter = helloWaiter {
      helloWaiter = nil
      waiter.resume(throwing: ModelError.adapterFailed(reason + " before its hello"))
    }
    for (id, entry) in pending where entry.session == number {
      pending[id] = nil
      entry.continuation.resume(throwing: ModelError.adapterFailed(reason))
    }
  }

  // MARK: Lines

  /// A line of the process's output, parsed as a response before it reaches the actor (the hello, the first line,
  /// is parsed again as such).
  struct Received: Sendable {
    var line: LineSplitter.Line
    var parsed: ParsedLine

    init(_ line: LineSplitter.Line) {
      self.line = line
      self.parsed = StdioAdapter.parseResponse(line)
    }
  }

  private func receive(_ lines: [Received], session number: Int) {
    guard session?.number == number else { return }
    lastOutput = .now
    for received in lines { receive(received) }
  }

  private func receive(_ received: Received) {
    if let waiter = helloWaiter {
      helloWaiter = nil
      do {
        waiter.resume(returning: try Self.parseHello(received.line))
      } catch {
        if let pid = session?.processID { kill(-pid, SIGKILL) }
        waiter.resume(throwing: error)
      }
      return
    }
    switch received.parsed {
    case .response(let id, let response):
      guard let entry = pending.removeValue(forKey: id) else {
        note("response for unknown id \"\(id)\" ignored")
        return
      }
      entry.continuation.resume(returning: response)
    case .failure(let id, let reason):
      if let id, let entry = pending.removeValue(forKey: id) {
        entry.continuation.resume(throwing: ModelError.adapterFailed(reason))
      } else if let id {
        note("\(reason) (unknown id \"\(id)\")")
      } else if pending.count == 1, let (id, entry) = pending.first {
        // One request in flight: the line can only be its answer.
        pending[id] = nil
        entry.continuation.resume(throwing: ModelError.adapterFailed(reason))
      } else {
        lastMalformed = reason
        note(reason)
      }
    }
  }

  private func note(_ message: String) {
    log.write("ocular: \(message)\n")
  }

  private func expire(_ id: String) {
    guard let entry = pending.removeValue(forKey: id) else { return }
    var reason = "no response within \(options.requestTimeout)"
    if let lastMalformed { reason += " (the adapter sent a malformed line: \(lastMalformed))" }
    entry.continuation.resume(throwing: ModelError.adapterFailed(reason))
    // Silence on every channel for a whole timeout means the process hangs: kill it; it restarts on demand.
    if ContinuousClock.now - lastOutput >= options.requestTimeout, let session, session.number == entry.session {
      note("no output for \(options.requestTimeout); killing the adapter")
      if let pid = session.processID { kill(-pid, SIGKILL) }
    }
  }

  // MARK: Encoding

  /// The request line: `{"id", "messages", "params"}` and a newline, written directly (JSONEncoder costs more than
  /// the rest of a request's handling).
  static func encode(_ request: Request, id: String) -> [UInt8] {
    var line = JSONTextWriter()
    line.raw("{\"id\":")
    line.writeString(id)
    line.raw(",\"messages\":[")
    for (index, message) in request.messages.enumerated() {
      if index > 0 { line.raw(",") }
      line.raw("{\"role\":")
      line.writeString(message.role.rawValue)
      line.raw(",\"content\":[")
      for (partIndex, part) in message.content.enumerated() {
        if partIndex > 0 { line.raw(",") }
        switch part {
        case .text(let text):
          line.raw("{\"type\":\"text\",\"text\":")
          line.writeString(text)
        case .image(let path):
          line.raw("{\"type\":\"image\",\"path\":")
          line.writeString(path)
        }
        line.raw("}")
      }
      line.raw("]}")
    }
    line.raw("],\"params\":{")
    var fields: [(String, String)] = []
    let parameters = request.parameters
    if let value = parameters.maxTokens { fields.append(("max_tokens", String(value))) }
    if let value = parameters.minPixels { fields.append(("min_pixels", String(value))) }
    if let value = parameters.seed { fields.append(("seed", String(value))) }
    if let value = parameters.temperature, value.isFinite { fields.append(("temperature", "\(value)")) }
    if let value = parameters.topP, value.isFinite { fields.append(("top_p", "\(value)")) }
    for (index, field) in fields.enumerated() {
      if index > 0 { line.raw(",") }
      line.writeString(field.0)
      line.raw(":" + field.1)
    }
    line.raw("}}\n")
    return line.bytes
  }

  static func parseHello(_ line: LineSplitter.Line) throws -> Hello {
    guard case .complete(let bytes) = line, case .object(let object)? = try? JSONValue.parse(Data(bytes)) else {
      throw ModelError.adapterFailed("the first line is not a JSON hello")
    }
    guard object["protocol"]?.stringValue == protocolVersion else {
      throw ModelError.adapterFailed(
        "hello speaks protocol \(object["protocol"]?.cellText ?? "none"), expected \(protocolVersion)")
    }
    guard let model = object["model"]?.stringValue, !model.isEmpty else {
      throw ModelError.adapterFailed("hello has no \"model\"")
    }
    var boxFormat: BoxFormat?
    if let value = object["box_format"], !value.isMissing {
      guard let text = value.stringValue, let format = BoxFormat(rawValue: text) else {
        throw ModelError.adapterFailed("hello has an unknown box_format (expected pixel, norm1 or norm1000)")
      }
      boxFormat = format
    }
    var concurrency = 1
    if let value = object["max_concurrency"], !value.isMissing {
      guard let number = value.numberValue, number >= 1, number.rounded() == number else {
        throw ModelError.adapterFailed("hello's max_concurrency must be a positive integer")
      }
      concurrency = Int(min(number, 4096))
    }
    return Hello(model: model, boxFormat: boxFormat, maxConcurrency: concurrency)
  }

  enum ParsedLine: Sendable {
    case response(id: String, Response)
    case failure(id: String?, reason: String)
  }

  static func parseResponse(_ line: LineSplitter.Line) -> ParsedLine {
    switch line {
    case .oversized(let head, let length):
      return .failure(id: recoverID(head), reason: "response line of \(length) bytes exceeds the limit")
    case .complete(let bytes):
      // Invalid UTF-8 and unpaired surrogate escapes are read as U+FFFD, and the sample notes it.
      guard case let (parsed, repairs)? = JSONValue.parseRepairing(bytes), case .object(let object) = parsed else {
        return .failure(
          id: recoverID(bytes.prefix(512)), reason: "response line is not a JSON object: \(preview(bytes))")
      }
      let id: String
      switch object["id"] {
      case .string(let text)?: id = text
      case .number(let number)? where number.rounded() == number && abs(number) < 1e15: id = String(Int64(number))
      default: return .failure(id: nil, reason: "response line has no \"id\"")
      }
      if let error = object["error"], error != .null {
        if case .string(let message) = error { return .failure(id: id, reason: "adapter error: \(message)") }
        return .failure(id: id, reason: "adapter error")
      }
      guard case .string(let text)? = object["text"] else {
        return .failure(id: id, reason: "response has no string \"text\"")
      }
      var usage: TokenUsage?
      if case .object(let counts)? = object["usage"] {
        func count(_ key: String) -> Int? {
          if case .number(let value)? = counts[key], value.isFinite, abs(value) < 1e15 { return Int(value) }
          return nil
        }
        usage = TokenUsage(promptTokens: count("prompt_tokens"), completionTokens: count("completion_tokens"))
      }
      var logprobs: [Double]?
      if case .array(let values)? = object["logprobs"] {
        logprobs = values.compactMap { if case .number(let value) = $0 { value } else { nil } }
      }
      return .response(id: id, Response(text: text, usage: usage, tokenLogprobs: logprobs, notes: repairs.notes))
    }
  }

  /// Reads `"id": "…"` from the start of a line that cannot be parsed whole.
  static func recoverID(_ head: some Collection<UInt8>) -> String? {
    let text = String(decoding: head, as: UTF8.self)
    guard let key = text.range(of: "\"id\"") else { return nil }
    var rest = text[key.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\t" }
    guard rest.first == "\"" else { return nil }
    rest = rest.dropFirst()
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
  }

  static func preview(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(80), as: UTF8.self)
    return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + (bytes.count > 80 ? "…" : "") + "\""
  }
}

/// Splits a byte stream into lines at `\n` only, bounding memory: a line over the limit is reported by its head
/// and length, its bytes dropped as they arrive.
struct LineSplitter {
  /// A line, or the head of one that exceeded the limit.
  enum Line: Sendable, Equatable {
    case complete([UInt8])
    case oversized(head: [UInt8], length: Int)
  }

  let limit: Int
  private var buffer: [UInt8] = []
  private var oversizedHead: [UInt8]?
  private var oversizedLength = 0

  init(limit: Int) {
    self.limit = limit
  }

  mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Line] {
    var lines: [Line] = []
    var start = 0
    for index in 0..<bytes.count where bytes[index] == 0x0A {
      append(bytes[start..<index])
      lines.append(takeLine())
      start = index + 1
    }
    append(bytes[start..<bytes.count])
    return lines
  }

  mutating func finish() -> Line? {
    guard !buffer.isEmpty || oversizedHead != nil else { return nil }
    return takeLine()
  }

  private mutating func append(_ slice: Slice<UnsafeRawBufferPointer>) {
    if oversizedHead != nil {
      oversizedLength += slice.count
      return
    }
    buffer.append(contentsOf: slice)
    if buffer.count > limit {
      oversizedHead = Array(buffer.prefix(512))
      oversizedLength = buffer.count
      buffer = []
    }
  }

  private mutating func takeLine() -> Line {
    defer {
      buffer.removeAll(keepingCapacity: buffer.count < 1 << 20)
      oversizedHead = nil
      oversizedLength = 0
    }
    if let head = oversizedHead { return .oversized(head: head, length: oversizedLength) }
    var line = buffer
    if line.last == 0x0D { line.removeLast() }
    return .complete(line)
  }
}

/// Appends bytes to a log file from any thread.
final class LogSink: @unchecked Sendable {
  private let handle: FileHandle?
  private let lock = NSLock()

  init(path: String?) {
    guard let path else {
      handle = nil
      return
    }
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    handle = FileHandle(forWritingAtPath: path)
    _ = try? handle?.seekToEnd()
  }

  func write(_ data: Data) {
    guard let handle else { return }
    lock.withLock { handle.write(data) }
  }

  func write(_ text: String) {
    write(Data(text.utf8))
  }

  func close() {
    lock.withLock { try? handle?.close() }
  }
}

/// A value guarded by a lock, readable from any thread.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value

  init(_ value: Value) {
    stored = value
  }

  var value: Value {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
