import Foundation

/// Facts about this build of the harness, recorded on every run.
public enum HarnessInfo {
  /// The harness version.
  public static let version = "0.1.0"

  /// The git revision of the source tree this binary was built from, or nil when it cannot be found.
  ///
  /// Read from the `.git` folder beside the sources, without running git.
  public static let gitRevision: String? = {
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    for _ in 0..<4 { folder.deleteLastPathComponent() }
    let git = folder.appendingPathComponent(".git")
    guard
      let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    else { return nil }
    guard head.hasPrefix("ref: ") else { return head }
    let reference = String(head.dropFirst(5))
    if let value = try? String(contentsOf: git.appendingPathComponent(reference), encoding: .utf8) {
      return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    if let packed = try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8) {
      for line in packed.split(separator: "\n") where line.hasSuffix(" " + reference) {
        return String(line.prefix { $0 != " " })
      }
    }
    return nil
  }()
}
