import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP/1.1 client for one server on SwiftNIO: a pool of up to `maximumConnections` keep-alive connections
/// (plain TCP or TLS), each request written as one head and one body, each answer collected on the event loop and
/// handed over once.
///
/// A request that finds its reused connection closed by the server (an idle close, `Connection: close`, a reset
/// between requests) before any of the answer came is sent again once, on a new connection. Other failures are the
/// caller's to retry.
final class HTTP1Client: Sendable {
  /// Where the client connects, read once from a URL.
  struct Endpoint: Sendable, Hashable {
    /// A Boolean value that indicates whether connections use TLS (`https://`).
    var isSecure: Bool
    /// The host name or address, without brackets.
    var host: String
    /// The TCP port.
    var port: Int
    /// The URL's path without a trailing slash, which request targets start with (`/v1`).
    var pathPrefix: String
    /// The `Host` header's value.
    var hostHeader: String

    /// Reads the endpoint of an `http://` or `https://` URL.
    init(url: URL) throws(HTTP1ClientError) {
      guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
        let host = url.host(percentEncoded: false), !host.isEmpty
      else { throw .unsupportedURL(url.absoluteString) }
      isSecure = scheme == "https"
      self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
      let defaultPort = isSecure ? 443 : 80
      port = url.port ?? defaultPort
      var path = url.path(percentEncoded: true)
      while path.hasSuffix("/") { path.removeLast() }
      pathPrefix = path
      let shownHost = self.host.contains(":") ? "[\(self.host)]" : self.host
      hostHeader = port == defaultPort ? shownHost : "\(shownHost):\(port)"
    }
  }

  /// The server this client talks to.
  let endpoint: Endpoint
  private let maximumConnections: Int
  private let connectTimeout: TimeAmount
  private let tlsContext: NIOSSLContext?
  private let group: any EventLoopGroup
  private let state: Mutex<PoolState>

  /// Creates a client for the server at `url` with up to `maximumConnections` connections.
  ///
  /// - Parameter trustRootsPath: A PEM file of certificate authorities trusted instead of the system's (tests).
  init(
    url: URL, maximumConnections: Int, connectTimeout: Duration = .seconds(10), trustRootsPath: String? = nil
  ) throws {
    endpoint = try Endpoint(url: url)
    self.maximumConnections = max(1, maximumConnections)
    state = Mutex(PoolState(maximumConnections: self.maximumConnections))
    self.connectTimeout = TimeAmount(connectTimeout)
    group = MultiThreadedEventLoopGroup.singleton
    if endpoint.isSecure {
      var configuration = TLSConfiguration.makeClientConfiguration()
      if let trustRootsPath { configuration.trustRoots = .file(trustRootsPath) }
      configuration.applicationProtocols = ["http/1.1"]
      tlsContext = try NIOSSLContext(configuration: configuration)
    } else {
      tlsContext = nil
    }
  }

  deinit {
    let connections = state.withLock { $0.shutDown() }
    for connection in connections { connection.channel.close(promise: nil) }
  }

  /// Sends `request` and returns the whole answer.
  ///
  /// - Parameters:
  ///   - timeout: The time allowed for the answer once the request is written (and for connecting, if shorter).
  ///   - maximumBodyBytes: The largest answer body read; a larger one fails the request.
  /// - Throws: ``HTTP1ClientError``, or the operating system's, SwiftNIO's or TLS's error, when no whole answer came.
  func execute(_ request: HTTP1Request, timeout: Duration, maximumBodyBytes: Int) async throws -> HTTP1Answer {
    let timeout = TimeAmount(timeout)
    var isNewConnectionRequired = false
    while true {
      let lease = try await lease()
      let connection: HTTP1Connection
      let isReused: Bool
      switch lease {
      case .reuse(let idle) where !isNewConnectionRequired:
        connection = idle
        isReused = true
      case .reuse(let stale):
        // A retry goes on a new connection, in the slot of one kept idle (which may be as stale as the last).
        state.withLock { $0.untrack(stale) }
        stale.channel.close(promise: nil)
        connection = try await open(timeout: timeout)
        isReused = false
      case .open:
        connection = try await open(timeout: timeout)
        isReused = false
      }
      do {
        let answer = try await connection.execute(request, timeout: timeout, maximumBodyBytes: maximumBodyBytes)
        release(connection, isReusable: answer.isKeepAlive)
        return answer
      } catch HTTP1ClientError.connectionClosed(isAnswerStarted: false) where isReused && !Task.isCancelled {
        // The server closed a kept-alive connection before answering: sending again on a new one is safe.
        release(connection, isReusable: false)
        isNewConnectionRequired = true
      } catch {
        release(connection, isReusable: false)
        throw error
      }
    }
  }

  /// Closes every connection and fails requests waiting for one; requests in flight fail as their connections close.
  func shutDown() async {
    let connections = state.withLock { $0.shutDown() }
    for connection in connections { try? await connection.channel.close() }
  }

  /// Takes an idle connection, or the right to open one, waiting for either when every slot is taken.
  private func lease() async throws -> PoolState.Lease {
    let immediate = try state.withLock { state throws(HTTP1ClientError) in try state.leaseNow() }
    if let immediate { return immediate }
    let id = state.withLock { $0.nextWaiterID() }
    return try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<PoolState.Lease, any Error>) in
        let outcome = state.withLock { state in state.wait(id: id, continuation: continuation) }
        switch outcome {
        case .waiting: break
        case .lease(let lease): continuation.resume(returning: lease)
        case .failure(let error): continuation.resume(throwing: error)
        }
      }
    } onCancel: {
      state.withLock { $0.removeWaiter(id: id) }?.resume(throwing: CancellationError())
    }
  }

  /// Returns a leased connection to the pool, or gives up its slot when it cannot carry another request.
  private func release(_ connection: HTTP1Connection, isReusable: Bool) {
    let handOver = state.withLock { state in
      state.release(connection, isReusable: isReusable && connection.channel.isActive)
    }
    handOver.perform()
  }

  /// Forgets `channel`'s connection if it sits idle; called when the server closes it.
  fileprivate func forget(channel: ObjectIdentifier) {
    state.withLock { $0.forgetIdle(channel: channel) }.perform()
  }

  /// Opens a connection in a slot already counted, giving the slot back if that fails.
  private func open(timeout: TimeAmount) async throws -> HTTP1Connection {
    do {
      return try await connect(timeout: min(timeout, connectTimeout))
    } catch {
      state.withLock { $0.giveBackSlot() }.perform()
      throw error
    }
  }

  /// Connects to the server and sets up the pipeline: TLS if secure, the HTTP/1.1 codec, the exchange handler.
  private func connect(timeout: TimeAmount) async throws -> HTTP1Connection {
    let tlsContext = tlsContext
    let serverName = SocketAddressCheck.isIPAddress(endpoint.host) ? nil : endpoint.host
    let owner = WeakClient(self)
    // The handler of each channel the bootstrap sets up, taken here rather than looked up in a pipeline that a failed
    // TLS handshake may already have torn down.
    let handlers = HandlerRegistry()
    let channel = try await ClientBootstrap(group: group)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .connectTimeout(timeout)
      .channelInitializer { channel in
        let id = ObjectIdentifier(channel)
        return channel.eventLoop.makeCompletedFuture {
          let pipeline = channel.pipeline.syncOperations
          if let tlsContext {
            try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
          }
          try pipeline.addHTTPClientHandlers()
          let handler = HTTP1ConnectionHandler { owner.client?.forget(channel: id) }
          try pipeline.addHandler(handler)
          handlers.byChannel.withLock { $0[id] = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
        }
      }
      .connect(host: endpoint.host, port: endpoint.port).get()
    guard let handler = handlers.byChannel.withLock({ $0[ObjectIdentifier(channel)] }) else {
      channel.close(promise: nil)
      throw HTTP1ClientError.connectionClosed(isAnswerStarted: false)
    }
    let connection = HTTP1Connection(channel: channel, handler: handler)
    let isShutDown = state.withLock { $0.track(connection) }
    if isShutDown {
      try? await channel.close()
      throw HTTP1ClientError.shutDown
    }
    return connection
  }
}

/// A weak reference to a client, for its connections' close callbacks (a strong one would keep it alive).
private final class WeakClient: Sendable {
  /// The client, while it exists.
  weak let client: HTTP1Client?

  /// Refers to `client` without keeping it.
  init(_ client: HTTP1Client) {
    self.client = client
  }
}

/// The exchange handlers a bootstrap set up, by channel.
private final class HandlerRegistry: Sendable {
  /// Each channel's handler.
  let byChannel = Mutex<[ObjectIdentifier: NIOLoopBound<HTTP1ConnectionHandler>]>([:])
}

/// Whether a host is an IP address (TLS sends no server name for one).
private enum SocketAddressCheck {
  /// A Boolean value that indicates whether `host` is an IPv4 or IPv6 address.
  static func isIPAddress(_ host: String) -> Bool {
    (try? SocketAddress(ipAddress: host, port: 0)) != nil
  }
}

/// One connection of the pool: its channel and the handler that carries its exchanges.
final class HTTP1Connection: Sendable {
  /// The channel.
  let channel: any Channel
  private let handler: NIOLoopBound<HTTP1ConnectionHandler>

  /// Wraps a connected channel whose pipeline ends with `handler`.
  init(channel: any Channel, handler: NIOLoopBound<HTTP1ConnectionHandler>) {
    self.channel = channel
    self.handler = handler
  }

  /// Sends `request` and waits for its whole answer; cancelling the task closes the connection.
  func execute(_ request: HTTP1Request, timeout: TimeAmount, maximumBodyBytes: Int) async throws -> HTTP1Answer {
    try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { continuation in
        let handler = handler
        channel.eventLoop.execute {
          handler.value.start(
            request, timeout: timeout, maximumBodyBytes: maximumBodyBytes, continuation: continuation)
        }
      }
    } onCancel: {
      channel.close(promise: nil)
    }
  }
}

/// The pool's bookkeeping, under the client's lock: idle connections, slots taken, requests waiting for a slot.
private struct PoolState {
  /// What a request gets from the pool.
  enum Lease: Sendable {
    /// An idle connection, already open.
    case reuse(HTTP1Connection)
    /// A slot in which to open a new connection.
    case open
  }

  /// What happens to a request that asked to wait.
  enum WaitOutcome {
    /// It waits for a slot.
    case waiting
    /// It got a lease after all.
    case lease(Lease)
    /// The pool is shut down.
    case failure(any Error)
  }

  /// A continuation to resume once the lock is released.
  struct HandOver {
    /// The waiting request and its lease, if any.
    var waiter: (continuation: UnsafeContinuation<Lease, any Error>, lease: Lease)?

    /// Resumes the waiting request, if any.
    func perform() {
      if let waiter { waiter.continuation.resume(returning: waiter.lease) }
    }
  }

  /// The most connections open at once.
  let maximumConnections: Int
  /// Connections open and idle, the most recently used last.
  private var idle: [HTTP1Connection] = []
  /// Every connection open, by its channel, so that shutting down closes them all.
  private var open: [ObjectIdentifier: HTTP1Connection] = [:]
  /// Slots taken: connections open or being opened.
  private var slotsTaken = 0
  /// Requests waiting for a slot, oldest first.
  private var waiters: [(id: Int, continuation: UnsafeContinuation<Lease, any Error>)] = []
  private var lastWaiterID = 0
  private var isShutDown = false

  /// Creates an empty pool's bookkeeping.
  init(maximumConnections: Int) {
    self.maximumConnections = maximumConnections
  }

  /// An idle connection still open, or a new slot, if either is free; `nil` when every slot is taken.
  mutating func leaseNow() throws(HTTP1ClientError) -> Lease? {
    guard !isShutDown else { throw .shutDown }
    while let connection = idle.popLast() {
      if connection.channel.isActive { return .reuse(connection) }
      // Closed while idle, its close not yet reported: the slot is free.
      untrack(connection)
      slotsTaken -= 1
    }
    guard slotsTaken < maximumConnections else { return nil }
    slotsTaken += 1
    return .open
  }

  /// A number for a new waiting request.
  mutating func nextWaiterID() -> Int {
    lastWaiterID += 1
    return lastWaiterID
  }

  /// Queues a request for the next free slot, unless one came free meanwhile.
  mutating func wait(id: Int, continuation: UnsafeContinuation<Lease, any Error>) -> WaitOutcome {
    do {
      if let lease = try leaseNow() { return .lease(lease) }
    } catch {
      return .failure(error)
    }
    // Its task may have been cancelled before this point, when the cancellation handler found nothing to remove.
    if Task.isCancelled { return .failure(CancellationError()) }
    waiters.append((id, continuation))
    return .waiting
  }

  /// Takes a waiting request off the queue.
  mutating func removeWaiter(id: Int) -> UnsafeContinuation<Lease, any Error>? {
    guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
    return waiters.remove(at: index).continuation
  }

  /// Remembers a new connection, unless the pool is shut down; returns whether it is.
  mutating func track(_ connection: HTTP1Connection) -> Bool {
    if !isShutDown { open[ObjectIdentifier(connection.channel)] = connection }
    return isShutDown
  }

  /// Takes back a leased connection: to a waiting request, to the idle ones, or closed with its slot freed.
  mutating func release(_ connection: HTTP1Connection, isReusable: Bool) -> HandOver {
    if isReusable && !isShutDown {
      if !waiters.isEmpty {
        return HandOver(waiter: (waiters.removeFirst().continuation, .reuse(connection)))
      }
      idle.append(connection)
      return HandOver()
    }
    connection.channel.close(promise: nil)
    untrack(connection)
    return giveBackSlot()
  }

  /// Frees a slot, handing it to the oldest waiting request if there is one.
  mutating func giveBackSlot() -> HandOver {
    if !waiters.isEmpty && !isShutDown {
      return HandOver(waiter: (waiters.removeFirst().continuation, .open))
    }
    slotsTaken -= 1
    return HandOver()
  }

  /// Forgets an idle connection the server closed, freeing its slot; a leased one is its request's to release.
  mutating func forgetIdle(channel: ObjectIdentifier) -> HandOver {
    guard let index = idle.firstIndex(where: { ObjectIdentifier($0.channel) == channel }) else { return HandOver() }
    idle.remove(at: index)
    open[channel] = nil
    slotsTaken -= 1
    guard !waiters.isEmpty, !isShutDown else { return HandOver() }
    slotsTaken += 1
    return HandOver(waiter: (waiters.removeFirst().continuation, .open))
  }

  /// Marks the pool shut down, fails the waiting requests and returns every connection, to be closed.
  mutating func shutDown() -> [HTTP1Connection] {
    isShutDown = true
    for waiter in waiters { waiter.continuation.resume(throwing: HTTP1ClientError.shutDown) }
    waiters = []
    idle = []
    let connections = Array(open.values)
    open = [:]
    return connections
  }

  /// Forgets a connection being closed, whose slot is freed or reused.
  mutating func untrack(_ connection: HTTP1Connection) {
    open[ObjectIdentifier(connection.channel)] = nil
  }
}
