/// A failure of the run viewer that stops it.
public enum ViewerError: Error, CustomStringConvertible {
  /// The server could not listen on its address.
  case cannotListen(host: String, port: Int, reason: String)

  /// A one-line description naming what failed and what to do next.
  public var description: String {
    switch self {
    case .cannotListen(let host, let port, let reason):
      return "cannot listen on \(host):\(port): \(reason); choose another --port (0 picks a free one)"
    }
  }
}

/// A request the viewer's API answers with an error status and a JSON message.
enum ViewerAPIError: Error, Equatable {
  /// The request is malformed (400).
  case badRequest(String)
  /// The request asks for something refused (403).
  case forbidden(String)
  /// Nothing is at that address (404).
  case notFound(String)
  /// The request is well-formed but cannot be answered (409: runs that cannot be compared).
  case conflict(String)
  /// The store failed (500).
  case internalError(String)

  /// The HTTP status code.
  var status: Int {
    switch self {
    case .badRequest: return 400
    case .forbidden: return 403
    case .notFound: return 404
    case .conflict: return 409
    case .internalError: return 500
    }
  }

  /// The message.
  var message: String {
    switch self {
    case .badRequest(let message), .forbidden(let message), .notFound(let message), .conflict(let message),
      .internalError(let message):
      return message
    }
  }
}
