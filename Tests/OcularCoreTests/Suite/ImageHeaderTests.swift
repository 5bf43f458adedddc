// Expected sizes were measured independently of Ocular: `file(1)` output for PNG, GIF and JPEG (which also names
// baseline vs progressive), and a python3 `struct` reading of the RIFF chunks for WebP (VP8X canvas fields,
// VP8 frame header, VP8L 14-bit fields), run on the committed files under benchmarks/*/images/.
import Foundation
import Testing

@testable import OcularCore

struct ImageFixture: Sendable, CustomTestStringConvertible {
  var suite: String
  var file: String
  var format: ImageFormat
  var width: Int
  var height: Int
  var testDescription: String { file }

  var path: String { TestPaths.image(suite, file) }
  var bytes: [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

  static let all: [ImageFixture] = [
    // file: "PNG image data, 200 x 200"
    ImageFixture(suite: "mmstar", file: "mmstar_1.png", format: .png, width: 200, height: 200),
    // file: "PNG image data, 160 x 260"
    ImageFixture(suite: "mmstar", file: "mmstar_11.png", format: .png, width: 160, height: 260),
    // file: "JPEG image data, JFIF standard 1.01, … baseline, precision 8, 320x200"
    ImageFixture(suite: "mmstar", file: "mmstar_0.jpg", format: .jpeg, width: 320, height: 200),
    // file: "JPEG image data, JFIF standard 1.01, … progressive, precision 8, 360x170"
    ImageFixture(suite: "docvqa", file: "docvqa_4.jpg", format: .jpeg, width: 360, height: 170),
    // file: "GIF image data, version 87a, 320 x 120"
    ImageFixture(suite: "mmstar", file: "mmstar_2.gif", format: .gif, width: 320, height: 120),
    // struct: chunk VP8X, canvas 0x9f+1 × 0x9f+1 = 160×160, RIFF size + 8 = 982 = file size
    ImageFixture(suite: "mmstar", file: "mmstar_5.webp", format: .webp, width: 160, height: 160),
    // struct: chunk "VP8 ", 0x0168 × 0x00aa = 360×170 (file(1) agrees: "VP8 encoding, 360x170")
    ImageFixture(suite: "docvqa", file: "docvqa_9.webp", format: .webp, width: 360, height: 170),
    // struct: chunk VP8L, 14-bit fields + 1 = 200×400
    ImageFixture(suite: "refcoco", file: "refcoco_testA_2.webp", format: .webp, width: 200, height: 400),
    // file: "PNG image data, 360 x 144, 8-bit grayscale"
    ImageFixture(suite: "docvqa", file: "docvqa_5.png", format: .png, width: 360, height: 144),
  ]
}

@Suite("ImageHeader")
struct ImageHeaderTests {
  @Test(arguments: ImageFixture.all)
  func readsRealFiles(_ fixture: ImageFixture) throws {
    let bytes = fixture.bytes
    try #require(!bytes.isEmpty, "\(fixture.path) missing")
    let header = try ImageHeader.read(bytes, fileSize: bytes.count, tail: Array(bytes.suffix(32)))
    #expect(header == ImageHeader(format: fixture.format, width: fixture.width, height: fixture.height))
    // Without size or tail information the header alone suffices.
    #expect(try ImageHeader.read(bytes) == header)
  }

  @Test(arguments: ImageFixture.all)
  func truncatedRealFilesAreRejected(_ fixture: ImageFixture) {
    let bytes = fixture.bytes
    // Cut after the header: the end-of-file marker (PNG IEND, JPEG EOI, GIF trailer) or the RIFF size no longer
    // agrees with the bytes.
    let cut = Array(bytes.prefix(bytes.count / 2))
    #expect(throws: ImageHeader.Failure.truncated(fixture.format)) {
      try ImageHeader.read(cut, fileSize: cut.count, tail: Array(cut.suffix(32)))
    }
  }

  @Test(arguments: ImageFixture.all)
  func filesCutInsideTheHeaderAreTruncated(_ fixture: ImageFixture) {
    // 9 bytes: the signature is recognisable (except WebP, which needs 12 bytes to be recognised) but the size
    // fields are missing.
    let cut = Array(fixture.bytes.prefix(fixture.format == .webp ? 16 : 9))
    #expect(throws: ImageHeader.Failure.truncated(fixture.format)) { try ImageHeader.read(cut) }
  }

  @Test func emptyInput() {
    #expect(throws: ImageHeader.Failure.empty) { try ImageHeader.read([]) }
    #expect(ImageHeader.Failure.empty.description == "empty image file")
  }

  @Test func unknownBytes() {
    #expect(throws: ImageHeader.Failure.unknownFormat) { try ImageHeader.read(Array("hello, not an image".utf8)) }
    #expect(throws: ImageHeader.Failure.unknownFormat) { try ImageHeader.read([0x42, 0x4D, 0, 0, 0, 0]) }  // BMP
    // "RIFF" without "WEBP" is some other RIFF file.
    #expect(throws: ImageHeader.Failure.unknownFormat) {
      try ImageHeader.read(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8))
    }
    #expect(ImageHeader.Failure.unknownFormat.description == "not a PNG, JPEG, GIF or WebP image")
  }

  /// A minimal PNG: signature, an IHDR declaring the size, and an IEND chunk.
  static func png(width: UInt32, height: UInt32, iend: Bool = true) -> [UInt8] {
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    bytes += Array("IHDR".utf8)
    for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    bytes += [8, 2, 0, 0, 0]  // depth, colour type, methods
    let crc = CRC32.checksum(bytes[12...])
    bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) }
    if iend { bytes += [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82] }
    return bytes
  }

  @Test func syntheticPNGIsRead() throws {
    let bytes = Self.png(width: 640, height: 480)
    #expect(
      try ImageHeader.read(bytes, fileSize: bytes.count, tail: bytes)
        == ImageHeader(format: .png, width: 640, height: 480))
  }

  @Test func implausibleSize() {
    let huge = Self.png(width: 100_000, height: 100_000)
    #expect(throws: ImageHeader.Failure.implausibleSize(width: 100_000, height: 100_000)) {
      try ImageHeader.read(huge, fileSize: huge.count, tail: huge)
    }
    #expect(
      ImageHeader.Failure.implausibleSize(width: 100_000, height: 100_000).description
        == "implausible image size 100000x100000")
    // Each side within 65535 but more than 400 megapixels in total.
    let wide = Self.png(width: 65_535, height: 65_535)
    #expect(throws: ImageHeader.Failure.implausibleSize(width: 65_535, height: 65_535)) { try ImageHeader.read(wide) }
    // A zero side is implausible too.
    #expect(throws: ImageHeader.Failure.implausibleSize(width: 0, height: 10)) {
      try ImageHeader.read(Self.png(width: 0, height: 10))
    }
    // The limits themselves are accepted: 20000 × 20000 = 400 MP.
    #expect(throws: Never.self) { try ImageHeader.read(Self.png(width: 20_000, height: 20_000)) }
  }

  @Test func pngHeaderChecksumIsVerified() {
    #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)  // The constant every PNG ends with.
    var bytes = Self.png(width: 10, height: 10)
    bytes[19] = 11  // Width 11 under the checksum of width 10: a header that lies.
    #expect(throws: ImageHeader.Failure.corruptHeader(.png, reason: "IHDR checksum mismatch")) {
      try ImageHeader.read(bytes, fileSize: bytes.count, tail: bytes)
    }
  }

  @Test func pngWhoseTailIsNotIENDIsTruncated() {
    let bytes = Self.png(width: 10, height: 10, iend: false) + [1, 2, 3, 4, 5, 6, 7, 8]
    #expect(throws: ImageHeader.Failure.truncated(.png)) {
      try ImageHeader.read(bytes, fileSize: bytes.count, tail: bytes)
    }
    #expect(ImageHeader.Failure.truncated(.png).description == "truncated or corrupt PNG image")
  }

  @Test func webpWhoseRIFFSizeDisagreesIsTruncated() throws {
    let bytes = ImageFixture.all.first { $0.file == "refcoco_testA_2.webp" }!.bytes
    let padded = bytes + [0, 0]
    #expect(throws: ImageHeader.Failure.truncated(.webp)) { try ImageHeader.read(padded, fileSize: padded.count) }
  }

  @Test func jpegWithEOIFollowedByPaddingIsAccepted() throws {
    let bytes = ImageFixture.all.first { $0.file == "mmstar_0.jpg" }!.bytes + [0, 0, 0, 0]
    let header = try ImageHeader.read(bytes, fileSize: bytes.count, tail: Array(bytes.suffix(32)))
    #expect(header == ImageHeader(format: .jpeg, width: 320, height: 200))
  }

  @Test func syntheticGIF89a() throws {
    var bytes = Array("GIF89a".utf8) + [0x02, 0x00, 0x03, 0x00, 0, 0, 0]
    #expect(throws: ImageHeader.Failure.truncated(.gif)) {
      try ImageHeader.read(bytes, fileSize: bytes.count, tail: bytes)
    }
    bytes.append(0x3B)  // trailer
    #expect(
      try ImageHeader.read(bytes, fileSize: bytes.count, tail: bytes) == ImageHeader(format: .gif, width: 2, height: 3))
  }

  @Test func jpegSkipsNonFrameSegmentsBeforeTheFrameHeader() throws {
    // SOI, DHT (C4 is not a frame header), fill bytes, SOF0 declaring 100 rows × 200 columns, EOI.
    let bytes: [UInt8] = [
      0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x64,
      0x00, 0xC8, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9,
    ]
    #expect(
      try ImageHeader.read(bytes, fileSize: bytes.count, tail: bytes)
        == ImageHeader(format: .jpeg, width: 200, height: 100))
    // Without EOI at the end the file is truncated.
    let cut = Array(bytes.dropLast(2))
    #expect(throws: ImageHeader.Failure.truncated(.jpeg)) { try ImageHeader.read(cut, fileSize: cut.count, tail: cut) }
  }

  @Test func pngWithoutIHDRIsTruncated() {
    let bytes: [UInt8] =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0] + Array("IDAT".utf8)
      + [UInt8](repeating: 0, count: 12)
    #expect(throws: ImageHeader.Failure.truncated(.png)) { try ImageHeader.read(bytes) }
  }

  @Test func mimeTypes() {
    #expect(ImageFormat.png.mimeType == "image/png")
    #expect(ImageFormat.jpeg.mimeType == "image/jpeg")
    #expect(ImageFormat.gif.mimeType == "image/gif")
    #expect(ImageFormat.webp.mimeType == "image/webp")
  }
}
