import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@testable import OcularModels

/// A `GET` of `path` from `client`'s server.
func getRequest(_ client: HTTP1Client, path: String = "/v1/models") -> HTTP1Request {
  var headers = HTTPHeaders()
  headers.add(name: "Host", value: client.endpoint.hostHeader)
  return HTTP1Request(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers), body: nil)
}

/// A client of `server` with up to `connections` connections.
func client(of server: LocalHTTPServer, connections: Int = 4) throws -> HTTP1Client {
  try HTTP1Client(url: server.baseURL, maximumConnections: connections)
}

/// A reply whose body is `text`.
func textReply(_ text: String) -> LocalHTTPServer.Reply {
  LocalHTTPServer.Reply(body: Array(text.utf8))
}

extension HTTP1Client {
  /// The body of the answer to `GET path`, as text, with a generous timeout and size limit.
  func text(of path: String = "/v1/models", timeout: Duration = .seconds(60)) async throws -> String {
    let answer = try await execute(getRequest(self, path: path), timeout: timeout, maximumBodyBytes: 1 << 20)
    return String(buffer: answer.body)
  }
}

@Suite struct HTTP1ClientTests {
  @Test func endpointsAreReadFromTheURLOnce() throws {
    let secure = try HTTP1Client.Endpoint(url: URL(string: "https://api.example.com/v1/")!)
    #expect(secure.isSecure)
    #expect(secure.host == "api.example.com")
    #expect(secure.port == 443)
    #expect(secure.pathPrefix == "/v1")
    #expect(secure.hostHeader == "api.example.com")
    let local = try HTTP1Client.Endpoint(url: URL(string: "http://[::1]:8000")!)
    #expect(!local.isSecure)
    #expect(local.host == "::1")
    #expect(local.pathPrefix == "")
    #expect(local.hostHeader == "[::1]:8000")
    #expect(throws: HTTP1ClientError.unsupportedURL("ftp://example.com/v1")) {
      try HTTP1Client.Endpoint(url: URL(string: "ftp://example.com/v1")!)
    }
  }

  @Test func keptAliveConnectionsAreReused() async throws {
    let server = try await LocalHTTPServer { _, index in textReply("n\(index)") }
    let client = try client(of: server)
    for index in 0..<5 { #expect(try await client.text() == "n\(index)") }
    #expect(server.connectionCount == 1)
    await client.shutDown()
    await server.stop()
  }

  @Test func aServerClosingAfterEachAnswerIsServedOnNewConnections() async throws {
    let server = try await LocalHTTPServer { _, index in
      var reply = textReply("n\(index)")
      reply.isClosingAfterAnswer = true
      return reply
    }
    let client = try client(of: server, connections: 2)
    for index in 0..<5 { #expect(try await client.text() == "n\(index)") }
    #expect(server.connectionCount == 5)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<16 {
        group.addTask {
          let text = try await client.text()
          #expect(text.hasPrefix("n"))
        }
      }
      try await group.waitForAll()
    }
    #expect(server.requests.count == 21)
    await client.shutDown()
    await server.stop()
  }

  @Test func aKeptAliveConnectionClosedBeforeAnsweringIsRetriedOnANewOne() async throws {
    // The second request finds its connection closed without a byte of answer, as after an idle close or a reset.
    let server = try await LocalHTTPServer { _, index in
      index == 1 ? LocalHTTPServer.Reply(isDroppingConnection: true) : textReply("n\(index)")
    }
    let client = try client(of: server, connections: 1)
    #expect(try await client.text() == "n0")
    #expect(try await client.text() == "n2")
    #expect(server.requests.count == 3)
    #expect(server.connectionCount == 2)
    await client.shutDown()
    await server.stop()
  }

  @Test func aNewConnectionClosedBeforeAnsweringIsTheCallersToRetry() async throws {
    let server = try await LocalHTTPServer { _, _ in LocalHTTPServer.Reply(isDroppingConnection: true) }
    let client = try client(of: server, connections: 1)
    await #expect(throws: HTTP1ClientError.connectionClosed(isAnswerStarted: false)) { try await client.text() }
    // A connection that never answered is not a stale kept-alive one: the request is not sent again.
    #expect(server.requests.count == 1)
    await client.shutDown()
    await server.stop()
  }

  @Test func aResetInTheMiddleOfAnAnswerIsAnErrorNotAHangNorARetry() async throws {
    let server = try await LocalHTTPServer { _, index in
      var reply = textReply(String(repeating: "x", count: 100_000))
      reply.isResettingMidBody = index > 0
      return reply
    }
    let client = try client(of: server, connections: 1)
    #expect(try await client.text().count == 100_000)
    let error = await #expect(throws: (any Error).self) { try await client.text() }
    let reason = error.map { OpenAIAdapter.describe($0) } ?? ""
    #expect(reason == "connection reset by peer" || reason == "the server closed the connection")
    // A hang would end in the 60 s timeout instead.
    #expect(error as? HTTP1ClientError != .timedOut)
    // Part of the answer had come: sending the request again is the caller's decision, not the pool's.
    #expect(server.requests.count == 2)
    await client.shutDown()
    await server.stop()
  }

  @Test func aSlowServerTimesOutAndItsConnectionIsNotReused() async throws {
    let server = try await LocalHTTPServer { _, index in
      var reply = textReply("n\(index)")
      // Far past the timeout, so a loaded machine that wakes the deadline late still sees it first.
      if index == 0 { reply.delay = .seconds(30) }
      return reply
    }
    let client = try client(of: server, connections: 1)
    await #expect(throws: HTTP1ClientError.timedOut) { try await client.text(timeout: .milliseconds(200)) }
    #expect(try await client.text() == "n1")
    #expect(server.connectionCount == 2)
    await client.shutDown()
    await server.stop()
  }

  @Test func moreConcurrentRequestsThanConnectionsWaitForOne() async throws {
    let server = try await LocalHTTPServer { request, _ in
      var reply = textReply(request.path)
      reply.delay = .milliseconds(10)
      return reply
    }
    let client = try client(of: server, connections: 3)
    let answers = Locked<[String: String]>([:])
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in 0..<40 {
        group.addTask {
          let path = "/v1/q\(index)"
          let text = try await client.text(of: path)
          answers.withLock { $0[path] = text }
        }
      }
      try await group.waitForAll()
    }
    for index in 0..<40 { #expect(answers.withLock { $0["/v1/q\(index)"] } == "/v1/q\(index)") }
    #expect(server.connectionCount <= 3)
    #expect(server.requests.count == 40)
    await client.shutDown()
    await server.stop()
  }

  @Test func chunkedAnswersAreCollectedWhole() async throws {
    let body = (0..<50_000).map { String($0 % 10) }.joined()
    let server = try await LocalHTTPServer { _, _ in
      var reply = textReply(body)
      reply.chunks = 7
      return reply
    }
    let client = try client(of: server, connections: 1)
    #expect(try await client.text() == body)
    #expect(try await client.text() == body)
    #expect(server.connectionCount == 1)
    await client.shutDown()
    await server.stop()
  }

  @Test func anAnswerLargerThanAllowedFails() async throws {
    let server = try await LocalHTTPServer { _, _ in textReply(String(repeating: "x", count: 5_000)) }
    let client = try client(of: server, connections: 1)
    await #expect(throws: HTTP1ClientError.answerTooLarge(limit: 1_000)) {
      try await client.execute(getRequest(client), timeout: .seconds(60), maximumBodyBytes: 1_000)
    }
    await client.shutDown()
    await server.stop()
  }

  @Test func cancellingARequestEndsItAtOnce() async throws {
    let server = try await LocalHTTPServer { _, _ in
      var reply = textReply("late")
      reply.delay = .seconds(30)
      return reply
    }
    let client = try client(of: server, connections: 1)
    let task = Task { try await client.text() }
    try await Task.sleep(for: .milliseconds(200))
    task.cancel()
    // Not cancelled, the request would get the server's answer after 30 s, and no error.
    await #expect(throws: (any Error).self) { try await task.value }
    await client.shutDown()
    await server.stop()
  }

  @Test func aShutDownClientRefusesRequests() async throws {
    let server = try await LocalHTTPServer { _, _ in textReply("ok") }
    let client = try client(of: server, connections: 1)
    #expect(try await client.text() == "ok")
    await client.shutDown()
    await #expect(throws: HTTP1ClientError.shutDown) { try await client.text() }
    await server.stop()
  }

  @Test func httpsVerifiesTheServersCertificate() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ocular-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let certificate = folder.appendingPathComponent("cert.pem").path
    let key = folder.appendingPathComponent("key.pem").path
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    openssl.arguments = [
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", certificate,
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0)
    let configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
      privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    let server = try await LocalHTTPServer(tls: try NIOSSLContext(configuration: configuration)) { _, index in
      textReply("secure \(index)")
    }
    let url = URL(string: "https://localhost:\(server.port)/v1")!
    let trusting = try HTTP1Client(url: url, maximumConnections: 1, trustRootsPath: certificate)
    #expect(try await trusting.text() == "secure 0")
    #expect(try await trusting.text() == "secure 1")
    #expect(server.connectionCount == 1)
    await trusting.shutDown()
    // The system's authorities do not know the test's certificate: the handshake fails, nothing is sent.
    let untrusting = try HTTP1Client(url: url, maximumConnections: 1)
    let error = await #expect(throws: (any Error).self) { try await untrusting.text() }
    #expect(error is NIOSSLError)
    #expect(server.requests.count == 2)
    await untrusting.shutDown()
    await server.stop()
  }
}
