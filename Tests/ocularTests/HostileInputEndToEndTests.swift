import Foundation
import Testing

/// The committed hostile suite-input corpus (Tests/OcularCoreTests/HostileInput), through `ocular eval`.
@Suite struct HostileInputEndToEndTests {
  static let corpus = repositoryRoot + "/Tests/OcularCoreTests/HostileInput"

  /// The malformed cases: those whose expected outcome is an error line.
  static let malformedCases: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []
    return names.filter { name in
      let expected = try? String(contentsOfFile: "\(corpus)/\(name)/expected.txt", encoding: .utf8)
      return expected.map { !$0.hasPrefix("accepted") } ?? false
    }.sorted()
  }()

  /// Each malformed suite stops `ocular eval` with exit 2 and its one error line, and no run is stored.
  @Test func everyMalformedSuiteIsRefusedBeforeAnythingIsStored() throws {
    #expect(Self.malformedCases.count >= 30)
    let workspace = try Workspace()
    for name in Self.malformedCases {
      let suites = workspace.file("suites-\(name)")
      try FileManager.default.createDirectory(atPath: suites, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: "\(Self.corpus)/\(name)", toPath: suites + "/case")
      // The symlink case points at ../../outside.png: keep that file where the link expects it.
      try FileManager.default.copyItem(atPath: "\(Self.corpus)/outside.png", toPath: suites + "/outside.png")
      let db = workspace.file("runs.sqlite")
      let result = try workspace.run([
        "eval", "--model", "builtin:oracle", "--suites-dir", suites, "--db", db,
      ])
      let expected = try String(contentsOfFile: suites + "/case/expected.txt", encoding: .utf8)
        .trimmingCharacters(in: .newlines).replacingOccurrences(of: "$SUITE", with: suites + "/case")
      #expect(result.status == 2, "\(name): \(result.standardError)")
      #expect(result.standardError == "ocular: error: \(expected)\n", "\(name)")
      let runs = try workspace.run(["runs", "--json", "--db", db])
      #expect(runs.standardOutput == "[]\n" || runs.standardError.contains("no run store here"), "\(name)")
    }
  }
}
