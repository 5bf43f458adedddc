import CPNG
import Foundation

/// A PNG decoded to 8-bit channels with libpng, for scorers that read pixels (RefSpatial's masks).
public struct PNGImage: Sendable, Hashable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Channels per pixel after decoding (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
  public let channels: Int
  /// Row-major samples, `channels` bytes per pixel.
  public let pixels: [UInt8]

  /// Why a PNG could not be decoded.
  public struct DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
  }

  /// Decodes a PNG file, expanding palettes and low bit depths to 8 bits and reducing 16-bit samples to 8.
  public init(path: String) throws(DecodeError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DecodeError(message: "cannot read \(path)")
    }
    try self.init(data: data)
  }

  /// Decodes PNG bytes.
  public init(data: Data) throws(DecodeError) {
    let result: Result<(Int, Int, Int, [UInt8]), DecodeError> = data.withUnsafeBytes { buffer in
      var image = png_image()
      image.version = UInt32(PNG_IMAGE_VERSION)
      guard png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count) != 0 else {
        return .failure(DecodeError(message: Self.message(of: image)))
      }
      // Keep the stored channel layout, at 8 bits per sample.
      let isColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
      let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
      image.format =
        (isColor ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
      let channels = (isColor ? 3 : 1) + (hasAlpha ? 1 : 0)
      let width = Int(image.width)
      let height = Int(image.height)
      guard width > 0, height > 0, width <= ImageHeader.maximumSide, height <= ImageHeader.maximumSide else {
        png_image_free(&image)
        return .failure(DecodeError(message: "implausible PNG size \(width)x\(height)"))
      }
      var pixels = [UInt8](repeating: 0, count: width * height * channels)
      let finished = pixels.withUnsafeMutableBytes { target in
        png_image_finish_read(&image, nil, target.baseAddress, Int32(width * channels), nil)
      }
      guard finished != 0 else {
        let message = Self.message(of: image)
        png_image_free(&image)
        return .failure(DecodeError(message: message))
      }
      return .success((width, height, channels, pixels))
    }
    let (width, height, channels, pixels) = try result.get()
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// The first channel's value at a pixel.
  public func firstChannel(x: Int, y: Int) -> UInt8 {
    pixels[(y * width + x) * channels]
  }

  private static func message(of image: png_image) -> String {
    var copy = image
    return withUnsafeBytes(of: &copy.message) { buffer in
      let bytes = buffer.prefix { $0 != 0 }
      return "PNG decode failed: " + String(decoding: bytes, as: UTF8.self)
    }
  }
}
