import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A fast OpenAI-compatible server with a fixed latency, so measurements see the HTTP client, not a Python server.
struct FakeHTTPServer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "http-server",
    abstract: "Serve /v1/chat/completions and /v1/models on 127.0.0.1, answering after a fixed latency.",
    discussion: "Prints the port on the first line of standard output and serves until standard input closes.")

  @Option(help: "Milliseconds before each answer.")
  var latencyMs: Int = 20

  @Option(help: "The port (0: any free one).")
  var port: Int = 0

  @Option(help: "The model name listed by /v1/models.")
  var model: String = "fake"

  func run() async throws {
    let completion = Array(
      #"""
      {"id":"chatcmpl-1","object":"chat.completion","created":0,"model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":"<answer>A</answer>"},"logprobs":{"content":[{"token":"<answer>","logprob":-0.01},{"token":"A","logprob":-0.2},{"token":"</answer>","logprob":-0.001}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":312,"completion_tokens":3,"total_tokens":315}}
      """#.utf8)
    let models = Array(#"{"object":"list","data":[{"id":"\#(model)","object":"model"}]}"#.utf8)
    let latency = TimeAmount.milliseconds(Int64(latencyMs))
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(
            FixedLatencyHandler(latency: latency, completion: completion, models: models))
        }
      }
      .bind(host: "127.0.0.1", port: port).get()
    FileHandle.standardOutput.write(Data("\(channel.localAddress?.port ?? 0)\n".utf8))
    // Serve until standard input closes (the benchmark that started this process ends or exits).
    let input = FileHandle.standardInput
    await Task.detached { while !input.availableData.isEmpty {} }.value
    try? await channel.close()
  }
}

/// Answers every request with a fixed body after a fixed delay: the model list for a GET, a completion otherwise.
private final class FixedLatencyHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let latency: TimeAmount
  private let completion: ByteBuffer
  private let models: ByteBuffer
  private var isGet = false

  init(latency: TimeAmount, completion: [UInt8], models: [UInt8]) {
    self.latency = latency
    self.completion = ByteBuffer(bytes: completion)
    self.models = ByteBuffer(bytes: models)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head): isGet = head.method == .GET
    case .body: break
    case .end:
      let body = isGet ? models : completion
      var headers = HTTPHeaders()
      headers.add(name: "Content-Type", value: "application/json")
      headers.add(name: "Content-Length", value: String(body.readableBytes))
      let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
      let context = NIOLoopBound(context, eventLoop: context.eventLoop)
      let answer: @Sendable () -> Void = {
        let context = context.value
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
      }
      if isGet || latency == .zero {
        answer()
      } else {
        context.value.eventLoop.scheduleTask(in: latency) { answer() }
      }
    }
  }
}
