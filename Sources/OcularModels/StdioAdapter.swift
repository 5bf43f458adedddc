import Foundation
import OcularCore
import Subprocess
import Synchronization

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
  private var startingSession: Task<Void, any Error>?
  private let log: LogSink
  /// The requests in flight and what the process last said, shared with the thread that reads its output.
  private nonisolated let exchange: Exchange

  /// One task checks every deadline a few times a second: cheaper than a timer task per request.
  private var sweeper: Task<Void, Never>?

  private struct Session {
    var number: Int
    var pipes: AdapterPipes
    var task: Task<Void, Never>
  }

  /// The hello line.
  struct Hello: Sendable, Hashable {
    var model: String
    var boxFormat: BoxFormat?
    var maxConcurrency: Int
  }

  /// Starts the process and reads its hello.
  ///
  /// - Throws: ``ModelError/adapterFailed(_:)`` when the process gives no hello, naming the last lines of its
  ///   standard error and the log that holds the rest.
  public static func launch(command: String, options: Options = Options()) async throws -> StdioAdapter {
    let adapter = StdioAdapter(command: command, options: options)
    do {
      try await adapter.startSession()
    } catch ModelError.adapterFailed(let reason) {
      await adapter.close()
      throw ModelError.adapterFailed(adapter.startupFailure(reason))
    }
    return adapter
  }

  /// The message of a failed start: the reason, the last lines of the process's standard error and the log path.
  private nonisolated func startupFailure(_ reason: String) -> String {
    var message = "\(reason): \(command)"
    let lines = log.lastLines(5)
    if lines.isEmpty {
      message += "\n  (nothing on its standard error)"
    } else {
      message += "\n  its standard error ended with:\n" + lines.map { "    " + $0 }.joined(separator: "\n")
    }
    if let path = log.path { message += "\n  full log: \(path)" }
    return message
  }

  private init(command: String, options: Options) {
    self.command = command
    self.options = options
    self.log = LogSink(path: options.logPath)
    self.exchange = Exchange(log: log)
  }

  public func generate(_ request: Request) async throws -> Response {
    if let gaveUpReason { throw ModelError.adapterFailed(gaveUpReason) }
    // A process killed as hung is not reaped yet; the request goes to its successor, not to its end.
    if let current = session, !exchange.isRunning(session: current.number) { session = nil }
    if session == nil { try await restartSession() }
    guard let session else { throw ModelError.adapterFailed(gaveUpReason ?? "adapter not running") }
    nextID += 1
    let id = "r\(nextID)"
    let line = Self.encode(request, id: id)
    if sweeper == nil { startSweeper() }
    let deadline = ContinuousClock.now + options.requestTimeout
    return try await withCheckedThrowingContinuation { continuation in
      // Registered before the line is written, so the answer always finds it.
      exchange.register(id, Exchange.Pending(continuation: continuation, session: session.number, deadline: deadline))
      session.pipes.send(line)
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
    exchange.expireOverdue(timeout: options.requestTimeout)
  }

  /// Closes the process's standard input, asking it to exit, and waits for it.
  public func close() async {
    isClosed = true
    sweeper?.cancel()
    sweeper = nil
    guard let session else { return }
    session.pipes.finishInput()
    let task = session.task
    let exchange = self.exchange
    let killer = Task {
      try? await Task.sleep(for: .seconds(5))
      if !Task.isCancelled, let pid = exchange.processID(session: session.number) { kill(-pid, SIGKILL) }
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
    let pipes = try AdapterPipes()
    let command = self.command
    let log = self.log
    let exchange = self.exchange
    let limit = options.maximumLineBytes
    exchange.begin(session: number)
    let task = Task { [weak self] in
      var platformOptions = PlatformOptions()
      platformOptions.processGroupID = 0
      platformOptions.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
      let finalOptions = platformOptions
      let status: String
      do {
        // Standard input and output are our own pipes (see AdapterPipes); swift-subprocess spawns the process,
        // drains standard error into the log and reports the exit.
        let result = try await Subprocess.run(
          .path("/bin/sh"), arguments: ["-c", command], platformOptions: finalOptions,
          input: .fileDescriptor(.init(rawValue: pipes.childInput), closeAfterSpawningProcess: true),
          output: .fileDescriptor(.init(rawValue: pipes.childOutput), closeAfterSpawningProcess: true),
          error: .sequence
        ) { execution in
          exchange.setProcessID(execution.processIdentifier.value, session: number)
          pipes.startReading(limit: limit) { lines in
            // Parsed here, on the reader thread; the waiting requests are resumed directly.
            exchange.receive(lines.map(Received.init), session: number)
          }
          do {
            for try await buffer in execution.standardError {
              buffer.withUnsafeBytes { log.writeProcessOutput(Data($0)) }
            }
          } catch {
            // The log misses the rest of standard error; the session goes on until the process exits.
          }
          pipes.streamEnded()
        }
        status = "\(result.terminationStatus)"
      } catch {
        status = "could not run: \(error)"
      }
      // The process has exited: read what it left in the pipe, then fail whatever is still in flight.
      await pipes.stop()
      await self?.sessionEnded(session: number, status: status)
    }
    session = Session(number: number, pipes: pipes, task: task)
    let startup = options.startupTimeout
    let timer = Task {
      try? await Task.sleep(for: startup)
      guard !Task.isCancelled else { return }
      exchange.failHello(ModelError.adapterFailed("no hello line within \(startup)"), session: number)
    }
    defer { timer.cancel() }
    let received = try await withCheckedThrowingContinuation { exchange.awaitHello($0, session: number) }
    hello.value = AdapterDescription(
      model: received.model, kind: "stdio", boxFormat: received.boxFormat, maxConcurrency: received.maxConcurrency)
  }

  private func sessionEnded(session number: Int, status: String) {
    if session?.number == number { session = nil }
    exchange.end(session: number, reason: isClosed ? "adapter closed" : "adapter exited (\(status))")
  }

  // MARK: Lines

  /// A line of the process's output, parsed as a response on the reader thread (the hello, the first line, is
  /// parsed again as such).
  struct Received: Sendable {
    var line: LineSplitter.Line
    var parsed: ParsedLine

    init(_ line: LineSplitter.Line) {
      self.line = line
      self.parsed = StdioAdapter.parseResponse(line)
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
    if let value = parameters.isAskingForLogprobs { fields.append(("logprobs", value ? "true" : "false")) }
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

extension StdioAdapter {
  /// The requests in flight, the hello awaited and what the process last said: shared by the actor, which registers
  /// requests and ends sessions, and the reader thread, which resumes the requests it reads answers for.
  final class Exchange: Sendable {
    /// A request waiting for its answer.
    struct Pending {
      var continuation: CheckedContinuation<Response, any Error>
      var session: Int
      var deadline: ContinuousClock.Instant
    }

    /// Where the hello of the current session stands.
    private enum HelloState {
      case none
      case expected(waiter: CheckedContinuation<Hello, any Error>?)
      case arrived(Result<Hello, ModelError>)
    }

    private struct State {
      /// The running session's number, 0 between sessions.
      var session = 0
      var processID: pid_t?
      /// Whether the running session's process was killed as hung (it ends when it is reaped).
      var isKilled = false
      var pending: [String: Pending] = [:]
      var hello = HelloState.none
      var lastOutput = ContinuousClock.now
      var lastMalformed: String?
    }

    private let state = Mutex(State())
    private let log: LogSink

    /// Creates an exchange that notes oddities in `log`.
    init(log: LogSink) {
      self.log = log
    }

    /// Starts a session: its first line will be the hello.
    func begin(session number: Int) {
      state.withLock { state in
        state.session = number
        state.processID = nil
        state.isKilled = false
        state.hello = .expected(waiter: nil)
        state.lastOutput = .now
      }
    }

    /// Records the process of a session, the target of kills.
    func setProcessID(_ pid: pid_t, session number: Int) {
      state.withLock { state in
        if state.session == number { state.processID = pid }
      }
    }

    /// The process of a session, if it still runs.
    func processID(session number: Int) -> pid_t? {
      state.withLock { state in state.session == number ? state.processID : nil }
    }

    /// Whether a session is the running one and was not killed: new requests can go to it.
    func isRunning(session number: Int) -> Bool {
      state.withLock { state in state.session == number && !state.isKilled }
    }

    /// Resumes `waiter` with the session's hello, now or when it arrives.
    func awaitHello(_ waiter: CheckedContinuation<Hello, any Error>, session number: Int) {
      let arrived: Result<Hello, ModelError>? = state.withLock { state in
        if case .arrived(let result) = state.hello {
          state.hello = .none
          return result
        }
        guard state.session == number else { return .failure(.adapterFailed("adapter not running")) }
        state.hello = .expected(waiter: waiter)
        return nil
      }
      if let arrived { waiter.resume(with: arrived) }
    }

    /// Fails the hello awaited (startup timeout) and kills the process.
    func failHello(_ error: ModelError, session number: Int) {
      let (waiter, pid) = state.withLock { state -> (CheckedContinuation<Hello, any Error>?, pid_t?) in
        guard state.session == number, case .expected(let waiter?) = state.hello else { return (nil, nil) }
        state.hello = .none
        return (waiter, state.processID)
      }
      guard let waiter else { return }
      if let pid { kill(-pid, SIGKILL) }
      waiter.resume(throwing: error)
    }

    /// Registers a request before its line is written.
    func register(_ id: String, _ entry: Pending) {
      state.withLock { state in state.pending[id] = entry }
    }

    /// Ends a session: the hello still awaited and every request of the session in flight fail with `reason`.
    func end(session number: Int, reason: String) {
      let (waiter, failed) = state.withLock {
        state -> (CheckedContinuation<Hello, any Error>?, [CheckedContinuation<Response, any Error>]) in
        var waiter: CheckedContinuation<Hello, any Error>?
        if state.session == number {
          state.session = 0
          state.processID = nil
          if case .expected(let expected) = state.hello {
            waiter = expected
            state.hello = expected == nil ? .arrived(.failure(.adapterFailed(reason + " before its hello"))) : .none
          }
        }
        var failed: [CheckedContinuation<Response, any Error>] = []
        for (id, entry) in state.pending where entry.session == number {
          state.pending[id] = nil
          failed.append(entry.continuation)
        }
        return (waiter, failed)
      }
      waiter?.resume(throwing: ModelError.adapterFailed(reason + " before its hello"))
      for continuation in failed { continuation.resume(throwing: ModelError.adapterFailed(reason)) }
    }

    /// Takes a batch of lines of a session's output: the hello, then answers for the requests waiting.
    func receive(_ lines: [Received], session number: Int) {
      var answered: [(CheckedContinuation<Response, any Error>, Result<Response, ModelError>)] = []
      var hello: (CheckedContinuation<Hello, any Error>, Result<Hello, ModelError>)?
      var notes: [String] = []
      var killed: pid_t?
      state.withLock { state in
        guard state.session == number else { return }
        state.lastOutput = .now
        for received in lines {
          if case .expected(let waiter) = state.hello {
            let result: Result<Hello, ModelError>
            do {
              result = .success(try StdioAdapter.parseHello(received.line))
            } catch {
              result = .failure(error as? ModelError ?? .adapterFailed("\(error)"))
              killed = state.processID
            }
            if let waiter {
              state.hello = .none
              hello = (waiter, result)
            } else {
              state.hello = .arrived(result)
            }
            continue
          }
          switch received.parsed {
          case .response(let id, let response):
            guard let entry = state.pending.removeValue(forKey: id) else {
              notes.append("response for unknown id \"\(id)\" ignored")
              continue
            }
            answered.append((entry.continuation, .success(response)))
          case .failure(let id, let reason):
            if let id, let entry = state.pending.removeValue(forKey: id) {
              answered.append((entry.continuation, .failure(.adapterFailed(reason))))
            } else if let id {
              notes.append("\(reason) (unknown id \"\(id)\")")
            } else if state.pending.count == 1, let (id, entry) = state.pending.first {
              // One request in flight: the line can only be its answer.
              state.pending[id] = nil
              answered.append((entry.continuation, .failure(.adapterFailed(reason))))
            } else {
              state.lastMalformed = reason
              notes.append(reason)
            }
          }
        }
      }
      if let killed { kill(-killed, SIGKILL) }
      if let (waiter, result) = hello { waiter.resume(with: result) }
      for (continuation, result) in answered { continuation.resume(with: result) }
      for message in notes { log.write("ocular: \(message)\n") }
    }

    /// Fails every request past its deadline; when the process has printed nothing for a whole timeout, it is
    /// considered hung and killed (it restarts on demand).
    func expireOverdue(timeout: Duration) {
      let (expired, hung) = state.withLock {
        state -> ([(CheckedContinuation<Response, any Error>, String)], pid_t?) in
        let now = ContinuousClock.now
        var expired: [(CheckedContinuation<Response, any Error>, String)] = []
        var hung: pid_t?
        for (id, entry) in state.pending where entry.deadline <= now {
          state.pending[id] = nil
          var reason = "no response within \(timeout)"
          if let lastMalformed = state.lastMalformed {
            reason += " (the adapter sent a malformed line: \(lastMalformed))"
          }
          expired.append((entry.continuation, reason))
          // Silence on every channel for a whole timeout means the process hangs.
          if now - state.lastOutput >= timeout, state.session == entry.session, !state.isKilled,
            let pid = state.processID
          {
            state.isKilled = true
            hung = pid
          }
        }
        return (expired, hung)
      }
      for (continuation, reason) in expired { continuation.resume(throwing: ModelError.adapterFailed(reason)) }
      if let hung {
        log.write("ocular: no output for \(timeout); killing the adapter\n")
        kill(-hung, SIGKILL)
      }
    }
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
  /// The file written to, if any.
  let path: String?
  private let handle: FileHandle?
  private let lock = NSLock()
  /// The last bytes the process wrote to its standard error, kept to explain a failed start.
  private var tail: [UInt8] = []
  private static let tailLimit = 4096

  init(path: String?) {
    self.path = path
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

  /// Writes what the process sent to its standard error, keeping its last bytes.
  func writeProcessOutput(_ data: Data) {
    lock.withLock {
      tail.append(contentsOf: data.suffix(Self.tailLimit))
      if tail.count > Self.tailLimit { tail.removeFirst(tail.count - Self.tailLimit) }
      handle?.write(data)
    }
  }

  /// The last non-empty lines the process wrote to its standard error, at most `count`.
  func lastLines(_ count: Int) -> [String] {
    let text = lock.withLock { String(decoding: tail, as: UTF8.self) }
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    return Array(lines.filter { !$0.isEmpty }.suffix(count))
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
