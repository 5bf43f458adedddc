import ArgumentParser
import Foundation
import OcularViewer

/// `ocular view`: a local web browser of runs and samples over the run store, opened read-only.
struct View: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Browse runs and samples in a web page served on this machine (read-only).",
    discussion: "Serves the run store read-only until Ctrl-C. See docs/viewer.md for the pages and the JSON API.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var suites: SuiteFolderOptions

  @Option(name: .long, help: ArgumentHelp("The address to listen on; anything but loopback is reachable by others."))
  var host = "127.0.0.1"

  @Option(name: .long, help: ArgumentHelp("The port to listen on; 0 picks a free one."))
  var port = ViewerConfiguration.defaultPort

  @Flag(name: .long, help: "Open the page in the desktop's browser (xdg-open).")
  var open = false

  func validate() throws {
    guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0…65535, not \(port)") }
  }

  func run() async throws {
    try await Console.reportingErrors {
      let configuration = ViewerConfiguration(
        databasePath: store.db, suitesDirectory: suites.suitesDir, host: host, port: port)
      if !configuration.isLoopback {
        Console.note(
          "ocular: warning: listening on \(host), not 127.0.0.1: anyone who can reach this machine on port \(port) "
            + "can read every run in \(store.db)")
      }
      let server = try ViewerServer(configuration: configuration)
      let isOpening = open
      try await server.run(handlingSignals: true) { url in
        Console.print("ocular view: serving \(store.db) read-only at \(url) (Ctrl-C stops)\n")
        if isOpening { Self.openInBrowser(url) }
      }
    }
  }

  /// Asks the desktop to open a URL, saying so when it cannot.
  private static func openInBrowser(_ url: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["xdg-open", url]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
      if process.terminationStatus != 0 {
        Console.note("ocular: note: xdg-open could not open a browser here; open \(url) yourself")
      }
    } catch {
      Console.note("ocular: note: xdg-open is not available; open \(url) yourself")
    }
  }
}
