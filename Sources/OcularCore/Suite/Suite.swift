import Foundation

/// A suite folder opened and checked: its manifest, its benchmark and its prompt template.
public struct Suite: Sendable {
  /// The manifest.
  public let manifest: SuiteManifest
  /// The benchmark that prompts and scores it.
  public let benchmark: any Benchmark
  /// The dataset prompt template.
  public let template: PromptTemplate
  /// The folder that holds `suite.json`, as an absolute, symlink-free path.
  public let folder: String
  /// The folder as the user named it, for messages.
  public let displayFolder: String
  /// A Boolean value that indicates whether this is full data imported under `data/` rather than the bundled sample set.
  public let isFullData: Bool

  /// The manifest's file name.
  public static let manifestFileName = "suite.json"

  /// The suite id.
  public var name: String { manifest.name }

  /// Opens the suite in a folder, preferring full data in its `data/` subfolder when present.
  public static func open(folder: String) throws(CoreError) -> Suite {
    let dataFolder = (folder as NSString).appendingPathComponent("data")
    if FileManager.default.fileExists(atPath: (dataFolder as NSString).appendingPathComponent(manifestFileName)) {
      return try Suite(exactFolder: dataFolder, isFullData: true)
    }
    return try Suite(exactFolder: folder, isFullData: false)
  }

  /// Opens the suite whose manifest is in exactly this folder.
  public init(exactFolder folder: String, isFullData: Bool = false) throws(CoreError) {
    let manifestPath = (folder as NSString).appendingPathComponent(Self.manifestFileName)
    guard let data = FileManager.default.contents(atPath: manifestPath) else {
      throw .unreadable(path: manifestPath, reason: "no such file")
    }
    let manifest: SuiteManifest
    do {
      manifest = try JSONDecoder().decode(SuiteManifest.self, from: data)
    } catch let error as DecodingError {
      throw .invalidInput(path: manifestPath, line: nil, message: Self.describe(error))
    } catch {
      throw .invalidInput(path: manifestPath, line: nil, message: "invalid JSON")
    }
    guard manifest.format == SuiteManifest.currentFormat else {
      throw .invalidInput(
        path: manifestPath, line: nil,
        message: "unsupported format \"\(manifest.format)\" (expected \(SuiteManifest.currentFormat))")
    }
    guard !manifest.name.isEmpty,
      manifest.name.unicodeScalars.allSatisfy({
        ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_+-".unicodeScalars.contains($0)
      })
    else {
      throw .invalidInput(path: manifestPath, line: nil, message: "suite name must match [a-z0-9_+-]+")
    }
    guard let benchmark = BenchmarkRegistry.benchmark(id: manifest.benchmark) else {
      throw .unknownBenchmark(manifest.benchmark, path: manifestPath)
    }
    guard manifest.metric == benchmark.metric else {
      throw .invalidInput(
        path: manifestPath, line: nil,
        message:
          "metric \"\(manifest.metric)\" is not the metric of benchmark \(benchmark.id) (\"\(benchmark.metric)\")")
    }
    guard manifest.group == benchmark.group.rawValue else {
      throw .invalidInput(
        path: manifestPath, line: nil,
        message:
          "group \"\(manifest.group)\" is not the group of benchmark \(benchmark.id) (\"\(benchmark.group.rawValue)\")")
    }
    let family = benchmark.descriptor.family.rawValue
    guard manifest.scoringProfile == family else {
      throw .invalidInput(
        path: manifestPath, line: nil,
        message:
          "scoring profile \"\(manifest.scoringProfile)\" is not supported by benchmark \(benchmark.id) (\"\(family)\")"
      )
    }
    guard !manifest.files.isEmpty else {
      throw .invalidInput(path: manifestPath, line: nil, message: "\"files\" names no sample file")
    }
    let template: PromptTemplate
    do {
      template = try PromptTemplate(manifest.promptTemplate ?? benchmark.defaultPromptTemplate)
    } catch {
      throw .invalidInput(path: manifestPath, line: nil, message: "prompt_template has an unbalanced brace")
    }
    let resolved = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
    self.manifest = manifest
    self.benchmark = benchmark
    self.template = template
    self.folder = resolved
    self.displayFolder = folder
    self.isFullData = isFullData
  }

  static func describe(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, _):
      return "missing field \"\(key.stringValue)\""
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      return "field \"\(path)\" has the wrong type"
    case .dataCorrupted:
      return "invalid JSON"
    @unknown default:
      return "invalid manifest"
    }
  }
}

/// The suites under a folder such as `benchmarks/`: one per subfolder holding a `suite.json`.
public struct SuiteCatalog: Sendable {
  /// The root folder.
  public let root: String

  /// Creates a catalog of a folder.
  public init(root: String) {
    self.root = root
  }

  /// The names of the subfolders holding a suite, sorted.
  public func suiteFolders() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return names.sorted().filter { name in
      let manifest = ((root as NSString).appendingPathComponent(name) as NSString)
        .appendingPathComponent(Suite.manifestFileName)
      return FileManager.default.fileExists(atPath: manifest)
    }
  }

  /// Opens every suite, in the paper's order of benchmarks, then by name.
  public func openAll() throws(CoreError) -> [Suite] {
    var suites: [Suite] = []
    for name in suiteFolders() {
      suites.append(try Suite.open(folder: (root as NSString).appendingPathComponent(name)))
    }
    let order = Dictionary(uniqueKeysWithValues: BenchmarkRegistry.all.enumerated().map { ($1.id, $0) })
    return suites.sorted {
      (order[$0.benchmark.id] ?? .max, $0.name) < (order[$1.benchmark.id] ?? .max, $1.name)
    }
  }

  /// Opens the suites a selection names: `all`, or a comma-separated list of suite names, benchmark titles or
  /// suite titles (`docvqa` or `DocVQA`, `refcoco_plus` or `RefCOCO+`), in any case.
  ///
  /// - Throws: ``CoreError/noSuites(root:)`` when the folder holds no suite, ``CoreError/unknownSuite(_:available:)``
  ///   (with a suggestion when one is near) for a name no suite answers to.
  public func open(selection: [String]) throws(CoreError) -> [Suite] {
    let available = try openAll()
    guard !available.isEmpty else { throw .noSuites(root: root) }
    let names = selection.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    if names.isEmpty || names.contains(where: { $0.lowercased() == "all" }) { return available }
    var chosen: [Suite] = []
    for name in names {
      let key = name.lowercased()
      guard
        let suite = available.first(where: { $0.name.lowercased() == key })
          ?? available.first(where: {
            $0.benchmark.title.lowercased() == key || $0.manifest.title?.lowercased() == key
          })
      else {
        throw .unknownSuite(name, available: available.map(\.name))
      }
      if !chosen.contains(where: { $0.name == suite.name }) { chosen.append(suite) }
    }
    return chosen
  }
}
