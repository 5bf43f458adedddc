import Foundation

/// The folder a VLMEvalKit TSV's file paths are relative to (`--aux-dir`): the images of a meta-only TSV and the
/// extra files a benchmark reads (RefSpatial's masks).
///
/// A path resolves to a name under the suite's `images/` folder: a relative path is kept as it is (a leading `./`
/// dropped); an absolute path must lie inside the folder (as given or after symbolic links) and loses that prefix,
/// which is how VLMEvalKit's localized `*_local.tsv` files name their images. A `..` component, an absolute path
/// outside the folder, or a symbolic link whose target lies outside it is refused. One exception keeps a Hugging Face
/// cache usable as it is: when the folder is (inside) a snapshot, `…/datasets--ORG--NAME/snapshots/REV`, whose files
/// are symbolic links into `…/datasets--ORG--NAME/blobs`, links may lead anywhere inside that repository's cache folder.
struct AuxiliaryFolder: Sendable {
  /// The folder as given.
  let path: String
  /// The folder's absolute path with symbolic links resolved.
  let realPath: String
  /// The folder a file's real path must lie in: ``realPath``, or the Hugging Face repository cache holding it.
  let containmentRoot: String

  /// A file a row names.
  struct File: Sendable, Hashable {
    /// Its name under the suite's `images/` folder, relative to the auxiliary folder.
    var name: String
    /// Its absolute path after symbolic links, the file that is copied or linked.
    var realPath: String
  }

  /// Opens a folder; it must exist.
  init(path: String) throws(ImportError) {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
      let real = Self.realPath(of: path)
    else {
      throw .usage("--aux-dir \(path): no such folder")
    }
    self.path = path
    self.realPath = real
    self.containmentRoot = Self.huggingFaceRepository(containing: real) ?? real
  }

  /// The absolute path of a file or folder with symbolic links resolved, or nil when it does not exist.
  static func realPath(of path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The `datasets--ORG--NAME` (or `models--…`, `spaces--…`) folder of a Hugging Face cache that holds a snapshot
  /// folder, when `real` is such a snapshot or lies inside one.
  static func huggingFaceRepository(containing real: String) -> String? {
    let components = real.split(separator: "/", omittingEmptySubsequences: true)
    guard components.count >= 3 else { return nil }
    for position in stride(from: components.count - 2, through: 1, by: -1) where components[position] == "snapshots" {
      let repository = components[position - 1]
      guard ["datasets--", "models--", "spaces--"].contains(where: { repository.hasPrefix($0) }) else { continue }
      return "/" + components[...(position - 1)].joined(separator: "/")
    }
    return nil
  }

  /// Resolves a path a row gives; the failure is a message for the row's `FILE:LINE` error.
  func resolve(_ given: String, field: String) -> Result<File, ResolutionFailure> {
    let text = given.trimmingCharacters(in: .whitespaces)
    let relative: String
    if text.hasPrefix("/") {
      let standardized = (text as NSString).standardizingPath
      guard !RecordChecker.hasParentComponent(text) else {
        return .failure(.escapes("\(field) \"\(given)\" has a \"..\" component"))
      }
      let absoluteFolder = (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).standardizingPath
      if let rest = Self.remainder(of: standardized, under: absoluteFolder) {
        relative = rest
      } else if let rest = Self.remainder(of: standardized, under: realPath) {
        relative = rest
      } else if let stripped = ImportPath.normalized(standardized),
        FileManager.default.fileExists(atPath: realPath + "/" + stripped)
      {
        // RefSpatialBench.prepare_tsv strips leading slashes and joins the rest to the download folder.
        relative = stripped
      } else {
        return .failure(.escapes("\(field) \"\(given)\" is an absolute path outside the aux folder \(path)"))
      }
    } else {
      guard !RecordChecker.hasParentComponent(text) else {
        return .failure(.escapes("\(field) \"\(given)\" has a \"..\" component, which would leave the aux folder"))
      }
      relative = text
    }
    guard let name = ImportPath.normalized(relative) else {
      return .failure(.escapes("\(field) \"\(given)\" is not a file path inside the aux folder"))
    }
    let joined = realPath + "/" + name
    guard let real = Self.realPath(of: joined) else {
      return .failure(.missing("\(field) \"\(given)\": no such file in the aux folder \(path)"))
    }
    guard real.hasPrefix(containmentRoot + "/") else {
      return .failure(.escapes("\(field) \"\(given)\" is a symbolic link leading outside the aux folder \(path)"))
    }
    var status = stat()
    guard stat(real, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      return .failure(.missing("\(field) \"\(given)\" is not a regular file in the aux folder \(path)"))
    }
    return .success(File(name: name, realPath: real))
  }

  /// Why a path was refused.
  enum ResolutionFailure: Error, Sendable {
    /// The path leaves the folder.
    case escapes(String)
    /// No such file.
    case missing(String)

    /// The message.
    var message: String {
      switch self {
      case .escapes(let text), .missing(let text): return text
      }
    }
  }

  /// The part of `path` below `folder`, or nil when it does not lie below it.
  private static func remainder(of path: String, under folder: String) -> String? {
    let prefix = folder.hasSuffix("/") ? folder : folder + "/"
    guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
    return String(path.dropFirst(prefix.count))
  }
}
