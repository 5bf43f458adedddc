import Foundation
import Synchronization

/// A binary target mask and the RefSpatial score of points against it (`RefSpatialBench.evaluate`,
/// ms-vlmeval 0.0.20; benchmarks.md §3.11).
///
/// The reference reads the PNG with PIL as `np.array(img) / 255.0`, keeps the first channel of a 3-D array and
/// tests `> 0`. Ocular decodes with ``PNGImage`` (libpng) and reproduces PIL's reading: palette images are mapped
/// back from colours to palette indices (PIL keeps indices), and encodings whose values libpng would change are
/// refused rather than guessed (16-bit samples, gamma-encoded files).
public struct PointMask: Sendable, Hashable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// One bit per pixel, row-major: set inside.
  private let bits: [UInt64]

  /// Why a mask could not be read the way the reference reads it.
  public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
  }

  /// Creates a mask from a predicate over pixels.
  public init(width: Int, height: Int, isInside: (_ x: Int, _ y: Int) -> Bool) {
    self.width = width
    self.height = height
    var bits = Self.emptyBits(width * height)
    for y in 0..<height {
      for x in 0..<width where isInside(x, y) { Self.set(&bits, y * width + x) }
    }
    self.bits = bits
  }

  /// Reads a mask file.
  public init(path: String) throws(LoadError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LoadError(message: "mask not found or unreadable: \(path)")
    }
    try self.init(data: data)
  }

  /// Reads mask PNG bytes.
  public init(data: Data) throws(LoadError) {
    let bytes = [UInt8](data)
    let header = try PNGHeader(bytes)
    guard header.bitDepth <= 8 else {
      throw LoadError(
        message: "16-bit mask PNG: PIL keeps 16-bit values and libpng reduces them to 8, so the reference's "
          + "`> 0` test cannot be reproduced")
    }
    if let gamma = header.gamma, gamma < 45_000, header.colorType != 3 {
      throw LoadError(message: "mask PNG with gAMA \(gamma): libpng would gamma-correct the values PIL reads raw")
    }
    let image: PNGImage
    do {
      image = try PNGImage(data: data)
    } catch {
      throw LoadError(message: "mask \(error.message)")
    }
    width = image.width
    height = image.height
    var bits = Self.emptyBits(width * height)
    if header.colorType == 3 {
      // PIL gives palette indices; libpng gives their colours. Map each colour back to its index.
      let lookup = try header.paletteIndexIsNonzero()
      let channels = image.channels
      for pixel in 0..<(width * height) {
        let base = pixel * channels
        let key = PNGHeader.colourKey(
          red: image.pixels[base], green: image.pixels[base + 1], blue: image.pixels[base + 2],
          alpha: channels == 4 ? image.pixels[base + 3] : 255)
        guard let isNonzero = lookup[key] else {
          throw LoadError(message: "palette mask decoded to a colour outside its palette")
        }
        if isNonzero { Self.set(&bits, pixel) }
      }
    } else {
      for pixel in 0..<(width * height) where image.pixels[pixel * image.channels] > 0 {
        Self.set(&bits, pixel)
      }
    }
    self.bits = bits
  }

  private static func emptyBits(_ count: Int) -> [UInt64] {
    [UInt64](repeating: 0, count: (count + 63) / 64)
  }

  private static func set(_ bits: inout [UInt64], _ index: Int) {
    bits[index >> 6] |= 1 << UInt64(index & 63)
  }

  /// Whether pixel (x, y) is inside; false outside the image.
  public func contains(x: Int, y: Int) -> Bool {
    guard x >= 0, x < width, y >= 0, y < height else { return false }
    let index = y * width + x
    return bits[index >> 6] >> UInt64(index & 63) & 1 != 0
  }

  /// The reference score of points against this mask: the fraction of points (in `output='pixel'` form) on an
  /// inside pixel; points out of range count 0; no points score 0.
  public func score(_ points: Point2DParser.Points) -> Double {
    var hits = 0.0
    var count = 0.0
    for group in points.groups {
      count += group.count
      switch group {
      case .point(let x, let y):
        if let px = Point2DParser.pixel(x, size: points.width), let py = Point2DParser.pixel(y, size: points.height),
          contains(x: px, y: py)
        {
          hits += 1
        }
      case .box(let x0, let y0, let x1, let y1):
        hits += boxHits(x0: x0, y0: y0, x1: x1, y1: y1, width: points.width, height: points.height)
      }
    }
    return count > 0 ? hits / count : 0
  }

  /// The inside points among a box's pixels, each mapped as the reference maps it (`x / w`, then `* w`, clipped and
  /// rounded), counted per column and row instead of listed.
  private func boxHits(x0: Double, y0: Double, x1: Double, y1: Double, width w: Double, height h: Double) -> Double {
    let columns = Self.multiplicities(from: x0, to: x1, size: w)
    let rows = Self.multiplicities(from: y0, to: y1, size: h)
    var hits = 0.0
    for (row, rowCount) in rows {
      var inRow = 0.0
      for (column, columnCount) in columns where contains(x: column, y: row) { inRow += columnCount }
      hits += inRow * rowCount
    }
    return hits
  }

  /// How many of the integer coordinates `start ..< end` land on each pixel index after the pixel step.
  static func multiplicities(from start: Double, to end: Double, size: Double) -> [(Int, Double)] {
    var counts: [Int: Double] = [:]
    // Below 0 every coordinate clips to 0; from `size` up every one clips to `size - 1`; in between, map each.
    let low = min(max(start, 0), end)
    let high = max(min(end, size), low)
    if low > start { counts[0, default: 0] += low - start }
    if end > high { counts[Int(size) - 1, default: 0] += end - high }
    var coordinate = low
    while coordinate < high {
      if let pixel = Point2DParser.pixel(coordinate / size, size: size) { counts[pixel, default: 0] += 1 }
      coordinate += 1
    }
    return counts.sorted { $0.key < $1.key }
  }
}

/// The few PNG header facts that decide whether libpng's decoding matches PIL's for a mask.
struct PNGHeader {
  var bitDepth: Int
  var colorType: Int
  /// The gAMA value (gamma × 100000), if the file has one.
  var gamma: Int?
  /// PLTE entries as RGB triples.
  var palette: [(UInt8, UInt8, UInt8)] = []
  /// tRNS alpha values of the first palette entries.
  var paletteAlpha: [UInt8] = []

  init(_ bytes: [UInt8]) throws(PointMask.LoadError) {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count >= 33, Array(bytes[0..<8]) == signature else {
      throw PointMask.LoadError(message: "mask is not a PNG file")
    }
    bitDepth = Int(bytes[24])
    colorType = Int(bytes[25])
    var offset = 8
    while offset + 8 <= bytes.count {
      let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
      let body = offset + 8
      guard length >= 0, body + length <= bytes.count else { break }
      switch type {
      case "gAMA" where length == 4:
        gamma = bytes[body..<body + 4].reduce(0) { $0 << 8 | Int($1) }
      case "PLTE":
        palette = stride(from: body, to: body + length - 2, by: 3).map { (bytes[$0], bytes[$0 + 1], bytes[$0 + 2]) }
      case "tRNS" where colorType == 3:
        paletteAlpha = Array(bytes[body..<body + length])
      case "IDAT", "IEND":
        return
      default:
        break
      }
      offset = body + length + 4
    }
  }

  /// A colour as one integer.
  static func colourKey(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) -> UInt32 {
    UInt32(red) << 24 | UInt32(green) << 16 | UInt32(blue) << 8 | UInt32(alpha)
  }

  /// For each palette colour, whether its palette index is nonzero; throws when two indices on different sides
  /// of zero share a colour (the index PIL reads could not be recovered).
  func paletteIndexIsNonzero() throws(PointMask.LoadError) -> [UInt32: Bool] {
    guard !palette.isEmpty else { throw PointMask.LoadError(message: "palette mask without a PLTE chunk") }
    var lookup: [UInt32: Bool] = [:]
    for (index, (red, green, blue)) in palette.enumerated() {
      let alpha = index < paletteAlpha.count ? paletteAlpha[index] : 255
      let key = Self.colourKey(red: red, green: green, blue: blue, alpha: alpha)
      if let previous = lookup[key], previous != (index > 0) {
        throw PointMask.LoadError(
          message: "palette mask whose index 0 shares its colour with another index: PIL's indices are not recoverable")
      }
      lookup[key] = index > 0
    }
    return lookup
  }
}

/// A small cache of decoded masks, keyed by path: a sample's mask is read for its oracle response and again for
/// its score, a few requests apart. It holds at most `capacity` masks and forgets the least recently used.
public final class PointMaskCache: Sendable {
  private struct State {
    var entries: [(path: String, mask: PointMask)] = []
  }

  private let state = Mutex(State())
  /// The most masks kept.
  public let capacity: Int

  /// Creates an empty cache.
  public init(capacity: Int = 32) {
    self.capacity = max(1, capacity)
  }

  /// The mask at a path, decoded on first use.
  public func mask(at path: String) -> Result<PointMask, PointMask.LoadError> {
    let cached = state.withLock { state -> PointMask? in
      guard let index = state.entries.firstIndex(where: { $0.path == path }) else { return nil }
      let entry = state.entries.remove(at: index)
      state.entries.append(entry)
      return entry.mask
    }
    if let cached { return .success(cached) }
    let loaded: PointMask
    do {
      loaded = try PointMask(path: path)
    } catch {
      return .failure(error)
    }
    state.withLock { state in
      state.entries.removeAll { $0.path == path }
      state.entries.append((path, loaded))
      if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
    }
    return .success(loaded)
  }
}
