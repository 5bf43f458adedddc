import Foundation
import NIOCore
import NIOHTTP1

/// A request ready to write: its head (every header set) and its whole body.
struct HTTP1Request: Sendable {
  /// The request line and headers.
  var head: HTTPRequestHead
  /// The body, empty for a `GET`.
  var body: ByteBuffer?
}

/// A whole answer, collected on the event loop.
struct HTTP1Answer: Sendable {
  /// The status code.
  var status: Int
  /// The headers.
  var headers: HTTPHeaders
  /// The body, every part of it in one buffer.
  var body: ByteBuffer
  /// A Boolean value that indicates whether the connection can carry another request.
  var isKeepAlive: Bool
}

/// Why an HTTP exchange got no whole answer, apart from the errors of the operating system, SwiftNIO and TLS.
enum HTTP1ClientError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No whole answer came within the request's time allowed.
  case timedOut
  /// The connection closed before the answer was whole; `isAnswerStarted` tells whether any of it had come.
  case connectionClosed(isAnswerStarted: Bool)
  /// The answer's body exceeded the largest size read.
  case answerTooLarge(limit: Int)
  /// An answer came while no request was waiting for one.
  case unexpectedAnswer
  /// The client was shut down.
  case shutDown
  /// The URL is not one the client can talk to.
  case unsupportedURL(String)

  var description: String {
    switch self {
    case .timedOut: "no answer in the time allowed"
    case .connectionClosed: "the server closed the connection"
    case .answerTooLarge(let limit): "the answer exceeds \(limit) bytes"
    case .unexpectedAnswer: "the server answered a request that was not sent"
    case .shutDown: "the HTTP client was shut down"
    case .unsupportedURL(let url): "\(url) is not an http:// or https:// URL with a host"
    }
  }
}

/// Writes one request at a time on its connection and collects the answer into one buffer, resuming the waiting
/// task once with the whole answer or the reason there is none.
///
/// Everything here runs on the channel's event loop.
final class HTTP1ConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias OutboundOut = HTTPClientRequestPart

  /// The request in flight and what of its answer has come.
  private struct Exchange {
    /// The request's number on this connection, which its timeout checks.
    var number: Int
    /// The task waiting for the answer.
    var continuation: UnsafeContinuation<HTTP1Answer, any Error>
    /// The timeout, cancelled when the answer is whole.
    var timeout: Scheduled<Void>?
    /// The largest body read.
    var maximumBodyBytes: Int
    /// The answer's head, once it has come.
    var head: HTTPResponseHead?
    /// The answer's body so far.
    var body: ByteBuffer?
  }

  private var context: ChannelHandlerContext?
  private var exchange: Exchange?
  private var exchangeCount = 0
  private var isClosed = false
  /// The error that closed the connection before it carried any request (a refused TLS handshake).
  private var closeReason: (any Error)?
  private let onClose: @Sendable () -> Void

  /// Creates a handler that calls `onClose` once, on the event loop, when its connection closes.
  init(onClose: @escaping @Sendable () -> Void) {
    self.onClose = onClose
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
  }

  /// Writes `request` and resumes `continuation` with its answer, or with the reason there is none; on the event loop.
  func start(
    _ request: HTTP1Request, timeout: TimeAmount, maximumBodyBytes: Int,
    continuation: UnsafeContinuation<HTTP1Answer, any Error>
  ) {
    guard let context, !isClosed, context.channel.isActive else {
      // A kept-alive connection the server closed is the pool's to retry; a new one says what closed it.
      let reason = exchangeCount == 0 ? closeReason : nil
      continuation.resume(throwing: reason ?? HTTP1ClientError.connectionClosed(isAnswerStarted: false))
      return
    }
    guard exchange == nil else {
      // The pool leases a connection to one request at a time; a second one here is a bug, not the server's fault.
      preconditionFailure("two requests at once on one HTTP/1.1 connection")
    }
    exchangeCount += 1
    let number = exchangeCount
    let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
      guard let current = exchange, current.number == number else { return }
      fail(with: HTTP1ClientError.timedOut)
    }
    exchange = Exchange(
      number: number, continuation: continuation, timeout: scheduled, maximumBodyBytes: maximumBodyBytes)
    context.write(wrapOutboundOut(.head(request.head)), promise: nil)
    if let body = request.body, body.readableBytes > 0 {
      context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    }
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let part = unwrapInboundIn(data)
    guard var current = exchange else {
      // Some servers send a 408 before closing an idle connection; nothing waits for it, so the connection goes.
      context.close(promise: nil)
      return
    }
    switch part {
    case .head(let head):
      current.head = head
      exchange = current
    case .body(var buffer):
      exchange = nil  // Keeps the body buffer uniquely referenced while it grows.
      let size = (current.body?.readableBytes ?? 0) + buffer.readableBytes
      if size > current.maximumBodyBytes {
        exchange = current
        fail(with: HTTP1ClientError.answerTooLarge(limit: current.maximumBodyBytes))
        return
      }
      if current.body == nil {
        current.body = buffer
      } else {
        current.body!.writeBuffer(&buffer)
      }
      exchange = current
    case .end:
      exchange = nil
      current.timeout?.cancel()
      guard let head = current.head else {
        current.continuation.resume(throwing: HTTP1ClientError.unexpectedAnswer)
        context.close(promise: nil)
        return
      }
      let answer = HTTP1Answer(
        status: Int(head.status.code), headers: head.headers,
        body: current.body ?? context.channel.allocator.buffer(capacity: 0), isKeepAlive: head.isKeepAlive)
      current.continuation.resume(returning: answer)
      if !answer.isKeepAlive { context.close(promise: nil) }
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    // A reset before any of the answer came is the server closing the connection, which the pool may retry.
    var reason = error
    if let error = error as? IOError, error.errnoCode == ECONNRESET || error.errnoCode == EPIPE,
      exchange?.head == nil
    {
      reason = HTTP1ClientError.connectionClosed(isAnswerStarted: false)
    }
    if exchange == nil && closeReason == nil { closeReason = reason }
    fail(with: reason)
  }

  func channelInactive(context: ChannelHandlerContext) {
    isClosed = true
    fail(with: HTTP1ClientError.connectionClosed(isAnswerStarted: exchange?.head != nil))
    onClose()
    context.fireChannelInactive()
  }

  /// Resumes the waiting task with `error`, if one waits, and closes the connection.
  private func fail(with error: any Error) {
    if let current = exchange {
      exchange = nil
      current.timeout?.cancel()
      current.continuation.resume(throwing: error)
    }
    if !isClosed { context?.close(promise: nil) }
  }
}
