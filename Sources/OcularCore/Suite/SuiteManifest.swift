/// The six benchmark groups of the OpenVLThinkerV2 evaluation.
public enum BenchmarkGroup: String, Sendable, Codable, CaseIterable, Hashable {
  case generalVQA = "general_vqa"
  case math
  case charts
  case spatial
  case documents
  case grounding

  /// The group's display name, as the paper's figure labels it.
  public var title: String {
    switch self {
    case .generalVQA: return "General VQA"
    case .math: return "Math"
    case .charts: return "Charts"
    case .spatial: return "Spatial"
    case .documents: return "Documents"
    case .grounding: return "Grounding"
    }
  }
}

/// One sample file named by a manifest.
public struct SampleFileEntry: Sendable, Codable, Hashable {
  /// The file's path, relative to the suite folder.
  public var path: String
  /// The split the whole file belongs to, if it is one split.
  public var split: String?

  /// Creates an entry.
  public init(path: String, split: String? = nil) {
    self.path = path
    self.split = split
  }
}

/// The manifest of a suite folder (`suite.json`).
public struct SuiteManifest: Sendable, Codable, Hashable {
  /// The format tag, `ocular-suite/1`.
  public var format: String
  /// The suite id.
  public var name: String
  /// The display name.
  public var title: String?
  /// The benchmark definition that prompts and scores the suite.
  public var benchmark: String
  /// The benchmark group.
  public var group: String
  /// The metric id.
  public var metric: String
  /// The scoring profile the scorer follows.
  public var scoringProfile: String
  /// Where the data comes from.
  public var source: String?
  /// The dataset prompt template; nil uses the benchmark's reference prompt.
  public var promptTemplate: String?
  /// The record field holding the sample id; nil numbers samples by line.
  public var idField: String?
  /// The record field naming the image or images.
  public var imageField: String
  /// The folder image paths are relative to.
  public var imageRoot: String?
  /// The record field holding the split.
  public var splitField: String?
  /// The sample files.
  public var files: [SampleFileEntry]

  /// The only format this version reads.
  public static let currentFormat = "ocular-suite/1"

  private enum CodingKeys: String, CodingKey {
    case format, name, title, benchmark, group, metric, source, files
    case scoringProfile = "scoring_profile"
    case promptTemplate = "prompt_template"
    case idField = "id_field"
    case imageField = "image_field"
    case imageRoot = "image_root"
    case splitField = "split_field"
  }

  /// Creates a manifest.
  public init(
    name: String, title: String? = nil, benchmark: String, group: String, metric: String,
    scoringProfile: String, source: String? = nil, promptTemplate: String? = nil, idField: String?,
    imageField: String, imageRoot: String? = nil, splitField: String? = nil, files: [SampleFileEntry]
  ) {
    self.format = Self.currentFormat
    self.name = name
    self.title = title
    self.benchmark = benchmark
    self.group = group
    self.metric = metric
    self.scoringProfile = scoringProfile
    self.source = source
    self.promptTemplate = promptTemplate
    self.idField = idField
    self.imageField = imageField
    self.imageRoot = imageRoot
    self.splitField = splitField
    self.files = files
  }
}
