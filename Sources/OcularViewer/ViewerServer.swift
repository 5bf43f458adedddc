import Foundation
import HTTPTypes
import Hummingbird
import OcularStore
import Synchronization

/// Where the viewer listens and what it reads.
public struct ViewerConfiguration: Sendable, Hashable {
  /// The default port.
  public static let defaultPort = 8765
  /// The run store's path.
  public var databasePath: String
  /// The folder of suites to look in when a run's recorded suite folder is gone.
  public var suitesDirectory: String?
  /// The address to listen on.
  public var host: String
  /// The port to listen on; 0 picks a free one.
  public var port: Int

  /// Creates a configuration; by default it listens on 127.0.0.1:8765.
  public init(databasePath: String, suitesDirectory: String? = nil, host: String = "127.0.0.1", port: Int = defaultPort)
  {
    self.databasePath = databasePath
    self.suitesDirectory = suitesDirectory
    self.host = host
    self.port = port
  }

  /// A Boolean value that indicates whether the host is a loopback address, reachable from this machine only.
  public var isLoopback: Bool {
    host == "127.0.0.1" || host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }
}

/// The viewer's HTTP server: Hummingbird serving ``ViewerAPI`` over a store opened read-only.
public struct ViewerServer: Sendable {
  /// The configuration.
  public let configuration: ViewerConfiguration
  /// The API it serves.
  public let api: ViewerAPI

  /// Opens the store read-only and prepares the server.
  ///
  /// - Throws: ``StoreError`` when the store is missing, not Ocular's, or cannot be opened.
  public init(configuration: ViewerConfiguration) throws(StoreError) {
    self.configuration = configuration
    self.api = ViewerAPI(
      store: try RunStore(readingOnlyAt: configuration.databasePath), suitesDirectory: configuration.suitesDirectory)
  }

  /// The headers every answer carries: no sniffing, no framing, no caching, and a policy that lets the page run only
  /// its own script and load only its own images.
  static let securityHeaders: [(HTTPField.Name, String)] = [
    (
      .contentSecurityPolicy,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
    (.cacheControl, "no-store"),
    (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
  ]

  /// Serves until the task is cancelled or, with `handlingSignals`, until SIGINT or SIGTERM.
  ///
  /// - Parameters:
  ///   - handlingSignals: Whether SIGINT and SIGTERM stop the server gracefully (the command line); tests cancel.
  ///   - onReady: Called once listening, with the base URL (`http://127.0.0.1:8765/`), the real port included.
  public func run(handlingSignals: Bool = false, onReady: @escaping @Sendable (String) -> Void) async throws {
    let api = api
    let router = Router()
    router.get("**") { request, _ -> Response in
      var query: [String: String] = [:]
      for (name, value) in request.uri.queryParameters {
        query[String(name)] = String(value)
      }
      let answer = api.respond(path: request.uri.path, query: query)
      var headers = HTTPFields()
      headers[.contentType] = answer.contentType
      for (name, value) in Self.securityHeaders { headers[name] = value }
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: headers,
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
    router.get("/") { _, _ -> Response in
      let answer = api.respond(path: "/", query: [:])
      var headers = HTTPFields()
      headers[.contentType] = answer.contentType
      for (name, value) in Self.securityHeaders { headers[name] = value }
      return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
    let host = configuration.host
    let listening = Mutex(false)
    let shownHost = host.contains(":") ? "[\(host)]" : host
    var application = Application(
      router: router,
      configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port)),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? 0
        listening.withLock { $0 = true }
        onReady("http://\(shownHost):\(port)/")
      })
    application.logger.logLevel = .critical
    do {
      if handlingSignals {
        try await application.runService()
      } else {
        try await application.run()
      }
    } catch  where !listening.withLock({ $0 }) && !(error is CancellationError) {
      throw ViewerError.cannotListen(host: host, port: configuration.port, reason: "\(error)")
    }
  }
}
