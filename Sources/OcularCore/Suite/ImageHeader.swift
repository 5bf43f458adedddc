/// An image file format Ocular recognises by its header.
public enum ImageFormat: String, Sendable, Hashable, Codable {
  case png, jpeg, gif, webp

  /// The MIME type.
  public var mimeType: String {
    switch self {
    case .png: return "image/png"
    case .jpeg: return "image/jpeg"
    case .gif: return "image/gif"
    case .webp: return "image/webp"
    }
  }
}

/// The format and size of an image, read from its header without decoding pixels.
public struct ImageHeader: Sendable, Hashable {
  /// The format.
  public var format: ImageFormat
  /// Width in pixels.
  public var width: Int
  /// Height in pixels.
  public var height: Int

  /// The largest side Ocular accepts; a header declaring more is treated as lying.
  public static let maximumSide = 65_535
  /// The largest pixel count Ocular accepts (about 400 megapixels).
  public static let maximumPixels = 400_000_000

  /// Why a header could not be read.
  public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unknownFormat
    case truncated(ImageFormat)
    case implausibleSize(width: Int, height: Int)
    case corruptHeader(ImageFormat, reason: String)

    public var description: String {
      switch self {
      case .empty: return "empty image file"
      case .unknownFormat: return "not a PNG, JPEG, GIF or WebP image"
      case .truncated(let format): return "truncated or corrupt \(format.rawValue.uppercased()) image"
      case .implausibleSize(let width, let height): return "implausible image size \(width)x\(height)"
      case .corruptHeader(let format, let reason): return "corrupt \(format.rawValue.uppercased()) header (\(reason))"
      }
    }
  }

  /// Reads the header of an image.
  ///
  /// - Parameters:
  ///   - bytes: The file's first bytes (64 KiB is enough for nearly every file; a JPEG with a large
  ///     metadata segment may need the whole file).
  ///   - fileSize: The file's full size, when known, to check that the file is complete.
  ///   - tail: The file's last bytes (at least 12), when known, to check that the file ends as its format requires.
  public static func read(_ bytes: [UInt8], fileSize: Int? = nil, tail: [UInt8]? = nil) throws(Failure) -> ImageHeader {
    guard !bytes.isEmpty else { throw .empty }
    let header: ImageHeader
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
      header = try readPNG(bytes)
      if let tail, !tail.suffix(8).elementsEqual([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]) {
        throw .truncated(.png)
      }
    } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
      header = try readJPEG(bytes)
      if let tail, !Self.endsWithJPEGEnd(tail) { throw .truncated(.jpeg) }
    } else if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
      guard bytes.count >= 10 else { throw .truncated(.gif) }
      header = ImageHeader(format: .gif, width: le16(bytes, 6), height: le16(bytes, 8))
      if let tail, tail.last != 0x3B { throw .truncated(.gif) }
    } else if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)),
      Array(bytes[8..<12]) == Array("WEBP".utf8)
    {
      header = try readWebP(bytes)
      if let fileSize, le32(bytes, 4) + 8 != fileSize { throw .truncated(.webp) }
    } else {
      throw .unknownFormat
    }
    guard header.width > 0, header.height > 0, header.width <= maximumSide, header.height <= maximumSide,
      header.width * header.height <= maximumPixels
    else { throw .implausibleSize(width: header.width, height: header.height) }
    return header
  }

  private static func readPNG(_ bytes: [UInt8]) throws(Failure) -> ImageHeader {
    guard bytes.count >= 33, Array(bytes[12..<16]) == Array("IHDR".utf8), be32(bytes, 8) == 13 else {
      throw .truncated(.png)
    }
    // The IHDR checksum covers the type and the 13 data bytes: a header that lies about its size fails it.
    guard CRC32.checksum(bytes[12..<29]) == UInt32(be32(bytes, 29)) else {
      throw .corruptHeader(.png, reason: "IHDR checksum mismatch")
    }
    return ImageHeader(format: .png, width: be32(bytes, 16), height: be32(bytes, 20))
  }

  private static func readJPEG(_ bytes: [UInt8]) throws(Failure) -> ImageHeader {
    var index = 2
    while index < bytes.count {
      guard bytes[index] == 0xFF else { throw .truncated(.jpeg) }
      // Skip fill bytes.
      while index < bytes.count, bytes[index] == 0xFF { index += 1 }
      guard index < bytes.count else { break }
      let marker = bytes[index]
      index += 1
      if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
      if marker == 0xD9 || marker == 0xDA { break }
      guard index + 1 < bytes.count else { break }
      let length = be16(bytes, index)
      guard length >= 2 else { throw .truncated(.jpeg) }
      let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
      if isStartOfFrame {
        guard index + 7 <= bytes.count else { break }
        return ImageHeader(format: .jpeg, width: be16(bytes, index + 5), height: be16(bytes, index + 3))
      }
      index += length
    }
    throw .truncated(.jpeg)
  }

  private static func readWebP(_ bytes: [UInt8]) throws(Failure) -> ImageHeader {
    guard bytes.count >= 30 else { throw .truncated(.webp) }
    let chunk = String(decoding: bytes[12..<16], as: UTF8.self)
    switch chunk {
    case "VP8 ":
      // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
      guard bytes[23] == 0x9D, bytes[24] == 0x01, bytes[25] == 0x2A else { throw .truncated(.webp) }
      return ImageHeader(format: .webp, width: le16(bytes, 26) & 0x3FFF, height: le16(bytes, 28) & 0x3FFF)
    case "VP8L":
      guard bytes[20] == 0x2F else { throw .truncated(.webp) }
      let bits = UInt32(bytes[21]) | UInt32(bytes[22]) << 8 | UInt32(bytes[23]) << 16 | UInt32(bytes[24]) << 24
      return ImageHeader(
        format: .webp, width: Int(bits & 0x3FFF) + 1, height: Int((bits >> 14) & 0x3FFF) + 1)
    case "VP8X":
      let width = Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16
      let height = Int(bytes[27]) | Int(bytes[28]) << 8 | Int(bytes[29]) << 16
      return ImageHeader(format: .webp, width: width + 1, height: height + 1)
    default:
      throw .truncated(.webp)
    }
  }

  private static func endsWithJPEGEnd(_ tail: [UInt8]) -> Bool {
    // Some encoders pad after EOI; accept an EOI marker among the last bytes.
    let window = tail.suffix(32)
    var index = window.startIndex
    while index < window.endIndex - 1 {
      if window[index] == 0xFF, window[index + 1] == 0xD9 { return true }
      index += 1
    }
    return false
  }

  private static func be16(_ bytes: [UInt8], _ index: Int) -> Int {
    Int(bytes[index]) << 8 | Int(bytes[index + 1])
  }

  private static func be32(_ bytes: [UInt8], _ index: Int) -> Int {
    Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
  }

  private static func le16(_ bytes: [UInt8], _ index: Int) -> Int {
    Int(bytes[index]) | Int(bytes[index + 1]) << 8
  }

  private static func le32(_ bytes: [UInt8], _ index: Int) -> Int {
    Int(bytes[index]) | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2]) << 16 | Int(bytes[index + 3]) << 24
  }
}

/// The CRC-32 of PNG chunks and zlib (ISO 3309, polynomial 0xEDB88320).
enum CRC32 {
  private static let table: [UInt32] = (0..<256).map { index in
    var value = UInt32(index)
    for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    return value
  }

  /// The checksum of some bytes.
  static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}
