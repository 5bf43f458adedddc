import Foundation
import Testing

@testable import OcularCore

/// Meta-only VLMEvalKit TSVs (no `image` column): `image_path` and `mask_path` resolved against the aux folder.
@Suite struct MetaOnlyImportTests {
  /// The committed RefSpatial-shaped fixture: `RefSpatial.tsv` and its `RefSpatial-Bench/` download.
  static let fixtures = TestPaths.packageRoot.appendingPathComponent("Tests/ocularTests/Fixtures/vlmevalkit")

  /// A scratch folder with a copy of the bundled refspatial suite as the template.
  static func workspace() throws -> (URL, ImportWorkspace) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ocular-meta-\(UUID().uuidString)")
    let workspace = try ImportWorkspace(in: scratch)
    try workspace.copyBundled("refspatial")
    return (scratch, workspace)
  }

  /// Writes a meta-only RefSpatial TSV with the given path cells.
  static func writeTSV(_ rows: [(image: String, mask: String)], in folder: URL) throws -> String {
    let cells = rows.enumerated().map { position, row in
      ["\(position)", "Point to it.", "location", row.image, row.mask]
    }
    let path = folder.appendingPathComponent("RefSpatial.tsv").path
    try tsvText(["index", "question", "category", "image_path", "mask_path"], cells).write(
      toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  @Test func theFixtureImportsWithImagesAndMasksUnderTheirDownloadPaths() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let importer = VLMEvalKitImporter(
      source: Self.fixtures.appendingPathComponent("RefSpatial.tsv").path,
      destination: workspace.destination("refspatial"),
      auxiliaryFolder: Self.fixtures.appendingPathComponent("RefSpatial-Bench").path)
    let summary = try importer.run()
    #expect(summary.samples == 6)
    #expect(summary.images == 12)
    #expect(summary.notes.contains { $0.hasPrefix("meta-only TSV") })
    let records = try writtenRecords(workspace.dataFolder("refspatial"))
    #expect(
      records.map { $0["image_path"] as? String } == [
        "Location/image/0.png", "Location/image/1.png", "Placement/image/2.png", "Placement/image/3.png",
        "Unseen/image/4.png", "Unseen/image/5.png",
      ])
    #expect(records[1]["mask_path"] as? String == "Location/mask/1.png")
    #expect(records[0]["index"] as? String == "0")
    #expect(records[0]["image"] == nil)
    let copied = workspace.dataFolder("refspatial") + "/images/Location/mask/0.png"
    #expect(
      FileManager.default.contents(atPath: copied)
        == FileManager.default.contents(
          atPath: Self.fixtures.appendingPathComponent("RefSpatial-Bench/Location/mask/0.png").path))

    // Read back by the loader, every mask resolves and the oracle scores 1 on every sample, as on the bundled suite.
    let suite = try Suite(exactFolder: workspace.dataFolder("refspatial"), isFullData: true)
    let scores = try oracleScores(suite)
    #expect(scores.count == 6)
    #expect(scores.values.allSatisfy { $0 == 1 }, "\(scores)")
  }

  @Test func theAuxFolderDefaultsToTheTSVsFolder() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let download = scratch.appendingPathComponent("download")
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("RefSpatial-Bench"), to: download)
    let tsv = try Self.writeTSV([("Location/image/0.png", "Location/mask/0.png")], in: download)
    let summary = try VLMEvalKitImporter(source: tsv, destination: workspace.destination("refspatial")).run()
    #expect(summary.samples == 1)
  }

  @Test func absolutePathsInsideTheFolderLoseItsPrefix() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let download = scratch.appendingPathComponent("LMUData")
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("RefSpatial-Bench"), to: download)
    let tsv = try Self.writeTSV(
      [(download.path + "/Location/image/0.png", "['\(download.path)/Location/mask/0.png', 'ignored.png']")],
      in: scratch)
    let summary = try VLMEvalKitImporter(
      source: tsv, destination: workspace.destination("refspatial"), auxiliaryFolder: download.path
    ).run()
    #expect(summary.images == 2)
    let record = try #require(try writtenRecords(workspace.dataFolder("refspatial")).first)
    #expect(record["image_path"] as? String == "Location/image/0.png")
    #expect(record["mask_path"] as? String == "Location/mask/0.png")
  }

  @Test func linkedFilesShareTheDownloadsInode() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let download = scratch.appendingPathComponent("download")
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("RefSpatial-Bench"), to: download)
    let tsv = try Self.writeTSV([("Location/image/0.png", "Location/mask/0.png")], in: download)
    let summary = try VLMEvalKitImporter(
      source: tsv, destination: workspace.destination("refspatial"), isLinking: true
    ).run()
    #expect(!summary.notes.contains { $0.contains("copied, not hard-linked") })
    func inode(_ path: String) throws -> Int {
      try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
    }
    #expect(
      try inode(workspace.dataFolder("refspatial") + "/images/Location/image/0.png")
        == inode(download.path + "/Location/image/0.png"))
  }

  /// Whether `/dev/shm` and the temporary folder are different file systems, so a hard link between them fails.
  static let hasSecondFileSystem: Bool = {
    func device(_ path: String) -> UInt64? {
      var status = stat()
      return stat(path, &status) == 0 ? UInt64(status.st_dev) : nil
    }
    guard let shm = device("/dev/shm"), let temporary = device(FileManager.default.temporaryDirectory.path) else {
      return false
    }
    return shm != temporary
  }()

  @Test(.enabled(if: hasSecondFileSystem)) func linkingAcrossFileSystemsCopiesAndSaysSo() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let download = URL(fileURLWithPath: "/dev/shm/ocular-meta-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: download) }
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("RefSpatial-Bench"), to: download)
    let tsv = try Self.writeTSV([("Location/image/0.png", "Location/mask/0.png")], in: scratch)
    let summary = try VLMEvalKitImporter(
      source: tsv, destination: workspace.destination("refspatial"), auxiliaryFolder: download.path, isLinking: true
    ).run()
    #expect(
      summary.notes.contains(
        "2 file(s) were copied, not hard-linked: \(download.path) is on another file system than "
          + workspace.dataFolder("refspatial")), "\(summary.notes)")
    #expect(FileManager.default.fileExists(atPath: workspace.dataFolder("refspatial") + "/images/Location/mask/0.png"))
  }

  @Test func aHuggingFaceSnapshotsLinksIntoItsBlobsAreFollowed() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let repository = scratch.appendingPathComponent("hub/datasets--BAAI--RefSpatial-Bench")
    let blobs = repository.appendingPathComponent("blobs")
    let snapshot = repository.appendingPathComponent("snapshots/0123abcd")
    try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
    for (name, blob) in [("Location/image/0.png", "aaa"), ("Location/mask/0.png", "bbb")] {
      try FileManager.default.copyItem(
        at: Self.fixtures.appendingPathComponent("RefSpatial-Bench/" + name), to: blobs.appendingPathComponent(blob))
      let link = snapshot.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "../../../../blobs/" + blob)
    }
    let tsv = try Self.writeTSV([("Location/image/0.png", "Location/mask/0.png")], in: scratch)
    let summary = try VLMEvalKitImporter(
      source: tsv, destination: workspace.destination("refspatial"), auxiliaryFolder: snapshot.path
    ).run()
    #expect(summary.samples == 1)
    let copied = workspace.dataFolder("refspatial") + "/images/Location/mask/0.png"
    let attributes = try FileManager.default.attributesOfItem(atPath: copied)
    #expect(attributes[.type] as? FileAttributeType == .typeRegular)
  }

  @Test func missingAndEscapingPathsFailAtTheirLine() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let download = scratch.appendingPathComponent("download")
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("RefSpatial-Bench"), to: download)
    let outside = scratch.appendingPathComponent("outside.png")
    try FileManager.default.copyItem(
      at: Self.fixtures.appendingPathComponent("RefSpatial-Bench/Location/image/0.png"), to: outside)
    try FileManager.default.createSymbolicLink(
      atPath: download.appendingPathComponent("escape.png").path, withDestinationPath: outside.path)
    try Data("not an image".utf8).write(to: download.appendingPathComponent("text.png"))
    let good = ("Location/image/0.png", "Location/mask/0.png")
    let cases: [((String, String), String)] = [
      (
        ("Location/image/9.png", "Location/mask/0.png"),
        "image_path \"Location/image/9.png\": no such file in the aux folder \(download.path)"
      ),
      (
        ("../outside.png", "Location/mask/0.png"),
        "image_path \"../outside.png\" has a \"..\" component, which would leave the aux folder"
      ),
      (
        (outside.path, "Location/mask/0.png"),
        "image_path \"\(outside.path)\" is an absolute path outside the aux folder \(download.path)"
      ),
      (
        ("escape.png", "Location/mask/0.png"),
        "image_path \"escape.png\" is a symbolic link leading outside the aux folder \(download.path)"
      ),
      (
        ("Location/image/0.png", "Location/mask/7.png"),
        "mask_path \"Location/mask/7.png\": no such file in the aux folder \(download.path)"
      ),
      (("Location/image/0.png", "text.png"), "mask_path \"text.png\": not a PNG, JPEG, GIF or WebP image"),
      (
        ("['Location/image/0.png', ]]", "Location/mask/0.png"),
        "image_path starts with \"[\" but is not a list of strings"
      ),
    ]
    for (row, message) in cases {
      let tsv = try Self.writeTSV([good, row], in: scratch)
      #expect(throws: ImportError.invalidSource(path: tsv, line: 3, message: message)) {
        try VLMEvalKitImporter(
          source: tsv, destination: workspace.destination("refspatial"), auxiliaryFolder: download.path
        ).run()
      }
      #expect(try workspace.leftovers("refspatial").isEmpty)
      #expect(!FileManager.default.fileExists(atPath: workspace.dataFolder("refspatial")))
    }
  }

  @Test func aTSVWithNeitherImagesNorPathsIsRefused() throws {
    let (scratch, workspace) = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let path = scratch.appendingPathComponent("bad.tsv").path
    try tsvText(["index", "question"], [["1", "q"]]).write(toFile: path, atomically: false, encoding: .utf8)
    #expect(
      throws: ImportError.invalidSource(
        path: path, line: 1, message: "no \"image\" column (base64 images) or \"image_path\" column (meta-only)")
    ) {
      try VLMEvalKitImporter(source: path, destination: workspace.destination("refspatial")).run()
    }
  }

  @Test func huggingFaceRepositoryFoldersAreFoundOnlyAboveASnapshot() {
    #expect(
      AuxiliaryFolder.huggingFaceRepository(containing: "/c/hub/datasets--BAAI--RefSpatial-Bench/snapshots/abc")
        == "/c/hub/datasets--BAAI--RefSpatial-Bench")
    #expect(
      AuxiliaryFolder.huggingFaceRepository(containing: "/c/hub/models--x--y/snapshots/abc/sub")
        == "/c/hub/models--x--y")
    #expect(AuxiliaryFolder.huggingFaceRepository(containing: "/data/snapshots/abc") == nil)
    #expect(AuxiliaryFolder.huggingFaceRepository(containing: "/home/u/RefSpatial-Bench") == nil)
  }
}
