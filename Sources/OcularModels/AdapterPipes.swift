import Foundation
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// The standard input and output pipes of one adapter process, owned by the harness rather than by swift-subprocess.
///
/// A request line is written straight from the caller (the write end does not block); when the pipe is full, the
/// rest of that line and every later line wait, in order, for a writer thread that waits for the pipe to drain. A
/// reader thread reads standard output with plain `read()` and hands over each batch of complete lines as it arrives,
/// so an answer costs one thread wake-up rather than a chain of task hops. Both threads also watch a wake-up pipe, so
/// they end when the session does even if a grandchild keeps the pipes open.
///
/// `@unchecked Sendable`: the file descriptors are constants, and every mutable property is read and written only
/// with `condition` locked.
final class AdapterPipes: @unchecked Sendable {
  /// The child's end of its standard input, for swift-subprocess to hand over and close after the spawn.
  let childInput: Int32
  /// The child's end of its standard output, for swift-subprocess to hand over and close after the spawn.
  let childOutput: Int32
  /// Our end of the child's standard input, non-blocking.
  private let input: Int32
  /// Our end of the child's standard output, non-blocking.
  private let output: Int32
  /// Becomes readable (and stays so) when the session ends: it wakes both threads out of `poll()`.
  private let wakeRead: Int32
  /// The wake-up pipe's write end.
  private let wakeWrite: Int32

  /// Guards every `var` below, and parks the writer thread while it has nothing to write.
  private let condition = NSCondition()
  /// Lines waiting for the pipe to drain, oldest first from `head`; `written` bytes of the first are already sent.
  private var backlog: [[UInt8]] = []
  private var head = 0
  private var written = 0
  /// Whether standard input is still open, being finished (closed once the backlog is written) or closed.
  private var inputState = InputState.open
  /// A write failed (the process closed its standard input or exited): later lines are dropped.
  private var inputFailed = false
  /// The session ended: the threads stop.
  private var stopped = false
  private var writerStarted = false
  private var writerRunning = false
  private var readerStarted = false
  /// How many of standard output and standard error have reached their end.
  private var endedStreams = 0

  private let readerExit = ThreadExit()
  private let writerExit = ThreadExit()

  private enum InputState {
    case open, finishing, closed
  }

  /// Creates the three pipes (close-on-exec, so no other child inherits them; only our ends are non-blocking).
  init() throws {
    let inputPipe = try Self.makePipe()
    let outputPipe: (read: Int32, write: Int32)
    let wakePipe: (read: Int32, write: Int32)
    do {
      outputPipe = try Self.makePipe()
    } catch {
      close(inputPipe.read)
      close(inputPipe.write)
      throw error
    }
    do {
      wakePipe = try Self.makePipe()
    } catch {
      for fd in [inputPipe.read, inputPipe.write, outputPipe.read, outputPipe.write] { close(fd) }
      throw error
    }
    childInput = inputPipe.read
    input = inputPipe.write
    output = outputPipe.read
    childOutput = outputPipe.write
    wakeRead = wakePipe.read
    wakeWrite = wakePipe.write
    for fd in [input, output] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
  }

  private static func makePipe() throws -> (read: Int32, write: Int32) {
    do {
      let (readEnd, writeEnd) = try FileDescriptor.pipe(options: .closeOnExec)
      return (readEnd.rawValue, writeEnd.rawValue)
    } catch {
      throw ModelError.adapterFailed("could not create a pipe: \(error)")
    }
  }

  // MARK: Standard input

  /// Sends one line: written at once if the pipe has room and nothing waits before it, else queued for the writer.
  func send(_ line: [UInt8]) {
    condition.lock()
    defer { condition.unlock() }
    guard inputState == .open, !inputFailed, !stopped else { return }
    if head < backlog.count {
      backlog.append(line)
      return
    }
    let count = Self.writeSome(input, line, from: 0)
    if count == line.count { return }
    if count < 0 {
      inputFailed = true
      return
    }
    backlog.append(line)
    written = count
    if !writerStarted {
      writerStarted = true
      writerRunning = true
      Thread.detachNewThread { [self] in
        Thread.current.name = "ocular-stdin"
        writeBacklog()
      }
    } else {
      condition.signal()
    }
  }

  /// Closes standard input once every queued line is written, asking the process to exit.
  func finishInput() {
    condition.lock()
    defer { condition.unlock() }
    guard inputState == .open else { return }
    if writerRunning {
      inputState = .finishing
      condition.signal()
    } else {
      // Nothing can be queued without a writer; and without one, no thread is polling the descriptor.
      close(input)
      inputState = .closed
    }
  }

  /// Standard output and standard error each report their end here: once both have ended, the process is done with
  /// us, and its input is closed (once the queued lines are written), as swift-subprocess's own streams did.
  func streamEnded() {
    condition.lock()
    endedStreams += 1
    let both = endedStreams == 2
    condition.unlock()
    if both { finishInput() }
  }

  /// The writer thread: writes the backlog as the pipe drains, then parks until more is queued.
  private func writeBacklog() {
    condition.lock()
    while !stopped && !inputFailed {
      if head == backlog.count {
        backlog.removeAll(keepingCapacity: true)
        head = 0
        if inputState == .finishing {
          close(input)
          inputState = .closed
          break
        }
        condition.wait()
        continue
      }
      let line = backlog[head]
      let count = Self.writeSome(input, line, from: written)
      if count < 0 {
        inputFailed = true
        break
      }
      written += count
      if written == line.count {
        backlog[head] = []
        head += 1
        written = 0
        continue
      }
      // The pipe is full: wait, unlocked, until it has room or the session ends.
      condition.unlock()
      var fds = [
        pollfd(fd: input, events: Int16(POLLOUT), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
      ]
      _ = poll(&fds, 2, -1)
      condition.lock()
    }
    backlog = []
    head = 0
    writerRunning = false
    condition.unlock()
    writerExit.signal()
  }

  /// Writes from `offset` on without blocking: the count written (0 when the pipe is full), or -1 when the pipe is
  /// broken. A write to a process that has gone raises SIGPIPE, which would end the harness: it is held back for the
  /// write's duration and consumed.
  private static func writeSome(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Int {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    while true {
      let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
      if count >= 0 { return count }
      switch errno {
      case EINTR: continue
      case EAGAIN: return 0
      case EPIPE:
        var noWait = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeSignal, nil, &noWait)
        return -1
      default: return -1
      }
    }
  }

  // MARK: Standard output

  /// Starts the reader thread, which calls `deliver` with each batch of complete lines, and once with the unfinished
  /// last line (if any) when the output ends or the session does.
  func startReading(limit: Int, deliver: @escaping @Sendable ([LineSplitter.Line]) -> Void) {
    condition.lock()
    readerStarted = true
    condition.unlock()
    Thread.detachNewThread { [self] in
      Thread.current.name = "ocular-stdout"
      if readOutput(limit: limit, deliver: deliver) { streamEnded() }
      readerExit.signal()
    }
  }

  /// Reads until the end of the output (returns true) or of the session (false).
  private func readOutput(limit: Int, deliver: ([LineSplitter.Line]) -> Void) -> Bool {
    var splitter = LineSplitter(limit: limit)
    let capacity = 1 << 16
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
    defer { buffer.deallocate() }
    var fds = [
      pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
    ]
    // After the session ends, whatever the process wrote before it exited is still read, up to a bound (a
    // grandchild could write for ever).
    var stopping = false
    var drainBudget = 64
    var ended = false
    reading: while true {
      let count = read(output, buffer.baseAddress, capacity)
      if count > 0 {
        let lines = splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        if !lines.isEmpty { deliver(lines) }
        if stopping {
          drainBudget -= 1
          if drainBudget == 0 { break }
          continue
        }
        // A full buffer suggests more is waiting; otherwise the pipe is most likely empty: wait rather than read.
        if count == capacity { continue }
      } else if count == 0 {
        ended = true  // every writer closed it
        break
      } else {
        switch errno {
        case EINTR: continue reading
        case EAGAIN: if stopping { break reading }
        default: break reading
        }
      }
      while !stopping {
        let ready = poll(&fds, 2, -1)
        if ready < 0 && errno != EINTR { break reading }
        if fds[1].revents != 0 { stopping = true }
        if ready > 0 { break }
      }
    }
    if let rest = splitter.finish() { deliver([rest]) }
    return ended
  }

  // MARK: Ending

  /// Ends the session's I/O: wakes both threads, waits for them (the reader first reads what the process left in the
  /// pipe), and closes every descriptor.
  func stop() async {
    let (waitForReader, waitForWriter) = markStopped()
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
    if waitForReader { await readerExit.wait() }
    if waitForWriter { await writerExit.wait() }
    closeDescriptors()
  }

  /// Tells the writer to stop; returns which threads were started.
  private func markStopped() -> (reader: Bool, writer: Bool) {
    condition.lock()
    defer { condition.unlock() }
    stopped = true
    condition.signal()
    return (readerStarted, writerStarted)
  }

  /// Closes every descriptor still open, once no thread uses them.
  private func closeDescriptors() {
    condition.lock()
    defer { condition.unlock() }
    if inputState != .closed {
      close(input)
      inputState = .closed
    }
    for fd in [output, wakeRead, wakeWrite] { close(fd) }
  }
}

/// Lets tasks wait until a thread has finished.
final class ThreadExit: Sendable {
  private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  /// Marks the thread finished and resumes whoever waits.
  func signal() {
    let waiters = state.withLock { state in
      state.done = true
      let waiters = state.waiters
      state.waiters = []
      return waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once the thread has finished.
  func wait() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let done = state.withLock { state in
        if state.done { return true }
        state.waiters.append(continuation)
        return false
      }
      if done { continuation.resume() }
    }
  }
}
