/// An image of a sample, located and measured.
public struct SampleImage: Sendable, Hashable {
  /// The path as the record gives it.
  public var relativePath: String
  /// The absolute path of the file.
  public var absolutePath: String
  /// The image format read from the header.
  public var format: ImageFormat
  /// Width in pixels, as stored (EXIF orientation not applied).
  public var width: Int
  /// Height in pixels, as stored.
  public var height: Int
  /// The SHA-256 of the file's bytes in lower-case hex, when the loader hashed it.
  public var sha256: String?
}

/// One sample of a suite: its id, its source record verbatim and its images.
public struct Sample: Sendable, Hashable {
  /// The sample id, unique within the suite.
  public var id: String
  /// The split, from the file entry or the split field.
  public var split: String?
  /// The source record, every field kept.
  public var record: [String: JSONValue]
  /// The images, in the record's order.
  public var images: [SampleImage]
  /// Absolute paths of the extra files the benchmark reads, by record field (RefSpatial's `mask_path`).
  public var auxiliaryFiles: [String: String] = [:]
  /// Where the record was read, for messages.
  public var location: SourceLocation

  /// Creates a sample.
  public init(
    id: String, split: String? = nil, record: [String: JSONValue], images: [SampleImage] = [],
    location: SourceLocation = .init(path: "<memory>", line: 0)
  ) {
    self.id = id
    self.split = split
    self.record = record
    self.images = images
    self.location = location
  }

  /// The text of a field (strings verbatim, numbers without a needless fraction), or nil if absent or missing.
  public func text(_ field: String) -> String? {
    guard let value = record[field], !value.isMissing else { return nil }
    return value.cellText
  }
}

/// A place in a file.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file's path as shown to the user.
  public var path: String
  /// The 1-based line.
  public var line: Int

  /// Creates a location.
  public init(path: String, line: Int) {
    self.path = path
    self.line = line
  }

  public var description: String { "\(path):\(line)" }
}
