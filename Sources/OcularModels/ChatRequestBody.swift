import NIOCore
import OcularCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The JSON body of a chat-completions request, written straight into one buffer, images as base64 data URLs.
enum ChatRequestBody {
  /// Writes the body of `request` for `model`, carrying the optional fields in `fields`.
  ///
  /// - Throws: ``ModelError/unreadable(path:reason:)`` when an image file cannot be read.
  static func make(for request: Request, model: String, including fields: OptionalFields) throws(ModelError)
    -> ByteBuffer
  {
    var writer = JSONTextWriter(capacity: 512 + request.messages.reduce(0) { $0 + textSize(of: $1) })
    // Each image's bytes and the offset in the text where its base64 goes.
    var images: [(offset: Int, bytes: [UInt8])] = []
    writer.raw(#"{"model":"#)
    writer.writeString(model)
    writer.raw(#","messages":["#)
    for (index, message) in request.messages.enumerated() {
      if index > 0 { writer.raw(",") }
      writer.raw(#"{"role":"#)
      writer.writeString(message.role.rawValue)
      writer.raw(#","content":"#)
      if message.content.count == 1, case .text(let text) = message.content[0] {
        writer.writeString(text)
      } else {
        writer.raw("[")
        for (partIndex, part) in message.content.enumerated() {
          if partIndex > 0 { writer.raw(",") }
          switch part {
          case .text(let text):
            writer.raw(#"{"type":"text","text":"#)
            writer.writeString(text)
            writer.raw("}")
          case .image(let path):
            let bytes = try readFile(atPath: path)
            let mime = (try? ImageHeader.read(bytes).format.mimeType) ?? "application/octet-stream"
            writer.raw(#"{"type":"image_url","image_url":{"url":"data:"#)
            writer.raw(mime)
            writer.raw(";base64,")
            images.append((writer.bytes.count, bytes))
            writer.raw(#""}}"#)
          }
        }
        writer.raw("]")
      }
      writer.raw("}")
    }
    writer.raw(#"],"n":1"#)
    let parameters = request.parameters
    if let value = parameters.temperature {
      writer.raw(#","temperature":"#)
      writer.writeNumber(value)
    }
    if let value = parameters.topP {
      writer.raw(#","top_p":"#)
      writer.writeNumber(value)
    }
    if let value = parameters.maxTokens { writer.raw(#","max_tokens":\#(value)"#) }
    if let value = parameters.seed { writer.raw(#","seed":\#(value)"#) }
    if fields.contains(.logprobs) { writer.raw(#","logprobs":true"#) }
    // vLLM's server takes processor settings in the request body; others refuse the field (see OptionalFields).
    if fields.contains(.processorSettings), let value = parameters.minPixels {
      writer.raw(#","mm_processor_kwargs":{"min_pixels":\#(value)}"#)
    }
    writer.raw("}")

    let text = writer.bytes
    let size = text.count + images.reduce(0) { $0 + Base64.encodedCount(of: $1.bytes.count) }
    var buffer = ByteBufferAllocator().buffer(capacity: size)
    text.withUnsafeBytes { text in
      var start = 0
      for image in images {
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: text[start..<image.offset]))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Base64.encodedCount(of: image.bytes.count)) {
          output in image.bytes.withUnsafeBytes { Base64.encode($0, into: output) }
        }
        start = image.offset
      }
      buffer.writeBytes(UnsafeRawBufferPointer(rebasing: text[start...]))
    }
    return buffer
  }

  /// The bytes of a message's texts, to size the writer.
  private static func textSize(of message: ChatMessage) -> Int {
    message.content.reduce(64) { total, part in
      if case .text(let text) = part { total + text.utf8.count + 32 } else { total + 96 }
    }
  }

  /// Reads a whole file.
  static func readFile(atPath path: String) throws(ModelError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    let size = Int(status.st_size)
    guard size > 0 else { return [] }
    var failure: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      count = 0
      while count < size {
        let result = read(descriptor, buffer.baseAddress! + count, size - count)
        if result > 0 {
          count += result
        } else if result == 0 || errno != EINTR {
          failure = result == 0 ? 0 : errno
          break
        }
      }
    }
    guard bytes.count == size else {
      throw .unreadable(
        path: path, reason: failure == 0 ? "file shrank while read" : String(cString: strerror(failure)))
    }
    return bytes
  }
}

/// Standard base64 (RFC 4648 §4, with padding), written into a caller's buffer.
enum Base64 {
  /// The length of the encoding of `count` bytes.
  static func encodedCount(of count: Int) -> Int {
    (count + 2) / 3 * 4
  }

  /// Encodes `input` at the start of `output`, which holds at least `encodedCount(of: input.count)` bytes; returns
  /// the bytes written.
  static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
    let count = encodedCount(of: input.count)
    precondition(output.count >= count, "base64 output buffer too small")
    guard !input.isEmpty, let source = input.baseAddress, let destination = output.baseAddress else { return 0 }
    let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    let table = alphabet.utf8Start
    var read = 0
    var written = 0
    while read + 3 <= input.count {
      let triple =
        UInt32(source.load(fromByteOffset: read, as: UInt8.self)) << 16
        | UInt32(source.load(fromByteOffset: read + 1, as: UInt8.self)) << 8
        | UInt32(source.load(fromByteOffset: read + 2, as: UInt8.self))
      destination.storeBytes(of: table[Int(triple >> 18)], toByteOffset: written, as: UInt8.self)
      destination.storeBytes(of: table[Int(triple >> 12 & 0x3F)], toByteOffset: written + 1, as: UInt8.self)
      destination.storeBytes(of: table[Int(triple >> 6 & 0x3F)], toByteOffset: written + 2, as: UInt8.self)
      destination.storeBytes(of: table[Int(triple & 0x3F)], toByteOffset: written + 3, as: UInt8.self)
      read += 3
      written += 4
    }
    let remaining = input.count - read
    if remaining > 0 {
      let first = UInt32(source.load(fromByteOffset: read, as: UInt8.self)) << 16
      let second = remaining == 2 ? UInt32(source.load(fromByteOffset: read + 1, as: UInt8.self)) << 8 : 0
      let triple = first | second
      let padding = UInt8(ascii: "=")
      destination.storeBytes(of: table[Int(triple >> 18)], toByteOffset: written, as: UInt8.self)
      destination.storeBytes(of: table[Int(triple >> 12 & 0x3F)], toByteOffset: written + 1, as: UInt8.self)
      destination.storeBytes(
        of: remaining == 2 ? table[Int(triple >> 6 & 0x3F)] : padding, toByteOffset: written + 2, as: UInt8.self)
      destination.storeBytes(of: padding, toByteOffset: written + 3, as: UInt8.self)
      written += 4
    }
    return written
  }
}
