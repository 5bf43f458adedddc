import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) whose answers a test scripts, recording every request.
final class LocalHTTPServer: Sendable {
  /// A request as the server received it.
  struct Received: Sendable {
    /// `GET`, `POST`, …
    var method: String
    /// The request target, such as `/v1/chat/completions`.
    var path: String
    /// The headers, by lowercased name.
    var headers: [String: String]
    /// The body's bytes.
    var body: [UInt8]
    /// The client's address and port, which tells connections apart.
    var connection: String

    /// The body read as a JSON object, or an empty one.
    var json: [String: Any] {
      (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The text of the last text part of the last message.
    var lastText: String {
      guard let messages = json["messages"] as? [[String: Any]], let content = messages.last?["content"] else {
        return ""
      }
      if let text = content as? String { return text }
      let parts = content as? [[String: Any]] ?? []
      return parts.compactMap { $0["text"] as? String }.last ?? ""
    }
  }

  /// The server's answer to one request.
  struct Reply: Sendable {
    /// The status code.
    var status: Int = 200
    /// Extra headers.
    var headers: [(String, String)] = []
    /// The body.
    var body: [UInt8] = []
    /// How long to wait before answering.
    var delay: Duration = .zero
    /// A Boolean value that indicates whether the connection is closed instead of answered.
    var isDroppingConnection = false
    /// A Boolean value that indicates whether the answer says `Connection: close` and the connection then closes.
    var isClosingAfterAnswer = false
    /// A Boolean value that indicates whether the connection is reset (TCP RST) after half of the body was sent.
    var isResettingMidBody = false
    /// The body is sent chunked, in this many parts, when more than 1.
    var chunks = 1

    /// A JSON answer.
    static func json(_ object: Any, status: Int = 200, headers: [(String, String)] = []) -> Reply {
      let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
      return Reply(status: status, headers: headers, body: Array(data))
    }

    /// A chat completion whose message has `content` and any extra message fields.
    static func completion(
      _ content: String, message extra: [String: Any] = [:], choice: [String: Any] = [:]
    ) -> Reply {
      var message: [String: Any] = ["role": "assistant", "content": content]
      message.merge(extra) { _, new in new }
      var first: [String: Any] = ["index": 0, "message": message, "finish_reason": "stop"]
      first.merge(choice) { _, new in new }
      return json(["choices": [first], "usage": ["prompt_tokens": 11, "completion_tokens": 3]])
    }
  }

  /// The port the server listens on.
  let port: Int
  private let channel: any Channel
  private let log: Locked<[Received]>

  /// Starts a server that answers each request with `respond(request, index)`, `index` counting from 0; over TLS
  /// with `tls`'s certificate if given.
  init(tls: NIOSSLContext? = nil, respond: @escaping @Sendable (Received, Int) -> Reply) async throws {
    let log = Locked<[Received]>([])
    self.log = log
    let record: @Sendable (Received) -> Reply = { request in
      let index = log.withLock { log in
        log.append(request)
        return log.count - 1
      }
      return respond(request, index)
    }
    channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(ScriptedHandler(respond: record))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    port = channel.localAddress?.port ?? 0
  }

  /// The base URL of an OpenAI-compatible API on this server.
  var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

  /// The number of connections the requests so far came on.
  var connectionCount: Int { Set(requests.map(\.connection)).count }

  /// Every request received so far, in arrival order.
  var requests: [Received] { log.withLock { $0 } }

  /// The chat-completions requests received so far.
  var completions: [Received] { requests.filter { $0.path.hasSuffix("/chat/completions") } }

  /// Stops listening (connections already open are closed by their clients).
  func stop() async {
    try? await channel.close()
  }
}

/// A value shared between tasks under a lock.
final class Locked<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  /// Creates the box.
  init(_ value: Value) {
    mutex = Mutex(value)
  }

  /// Runs `body` with the value locked.
  func withLock<Result>(_ body: (inout sending Value) -> sending Result) -> sending Result {
    mutex.withLock(body)
  }
}

/// Collects a request and writes the scripted reply.
private final class ScriptedHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let respond: @Sendable (LocalHTTPServer.Received) -> LocalHTTPServer.Reply
  private var head: HTTPRequestHead?
  private var body: [UInt8] = []

  init(respond: @escaping @Sendable (LocalHTTPServer.Received) -> LocalHTTPServer.Reply) {
    self.respond = respond
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      self.head = head
      body = []
    case .body(let buffer):
      body.append(contentsOf: buffer.readableBytesView)
    case .end:
      guard let head else { return }
      var headers: [String: String] = [:]
      for (name, value) in head.headers { headers[name.lowercased()] = value }
      let reply = respond(
        .init(
          method: head.method.rawValue, path: head.uri, headers: headers, body: body,
          connection: context.remoteAddress?.description ?? ""))
      let context = NIOLoopBound(context, eventLoop: context.eventLoop)
      let answer: @Sendable () -> Void = {
        let context = context.value
        if reply.isDroppingConnection {
          context.close(promise: nil)
          return
        }
        var responseHead = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status))
        responseHead.headers.add(name: "Content-Type", value: "application/json")
        if reply.chunks > 1 {
          responseHead.headers.add(name: "Transfer-Encoding", value: "chunked")
        } else {
          responseHead.headers.add(name: "Content-Length", value: String(reply.body.count))
        }
        if reply.isClosingAfterAnswer { responseHead.headers.add(name: "Connection", value: "close") }
        for (name, value) in reply.headers { responseHead.headers.add(name: name, value: value) }
        context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
        if reply.isResettingMidBody {
          let half = ByteBuffer(bytes: reply.body.prefix(reply.body.count / 2))
          context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(half))), promise: nil)
          let channel = context.channel
          // A zero linger time makes the close a TCP reset; the pause lets the client read what was sent first.
          context.eventLoop.scheduleTask(in: .milliseconds(100)) {
            let reset =
              (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
              ?? channel.eventLoop.makeSucceededVoidFuture()
            reset.whenComplete { _ in channel.close(promise: nil) }
          }
          return
        }
        let size = max(1, (reply.body.count + reply.chunks - 1) / max(1, reply.chunks))
        var start = 0
        while start < reply.body.count {
          let part = ByteBuffer(bytes: reply.body[start..<min(start + size, reply.body.count)])
          // Each part goes out on its own, so the client reads several.
          context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(part))), promise: nil)
          start += size
        }
        let end = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        let channel = context.channel
        if reply.isClosingAfterAnswer { end.whenComplete { _ in channel.close(promise: nil) } }
      }
      if reply.delay > .zero {
        context.value.eventLoop.scheduleTask(in: TimeAmount(reply.delay)) { answer() }
      } else {
        answer()
      }
    }
  }
}
