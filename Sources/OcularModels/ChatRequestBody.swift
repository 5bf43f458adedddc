import Foundation
import NIOCore
import OcularCore
import SystemPackage

/// The JSON body of a chat-completions request, written straight into one buffer, images as base64 data URLs.
enum ChatRequestBody {
  /// Writes the body of `request` for `model`, carrying the optional fields in `fields`.
  ///
  /// - Throws: ``ModelError/unreadable(path:reason:)`` when an image file cannot be read.
  static func make(for request: Request, model: String, including fields: OptionalFields) throws(ModelError)
    -> ByteBuffer
  {
    var writer = JSONTextWriter(capacity: 512 + request.messages.reduce(0) { $0 + textSize(of: $1) })
    // Each image's base64 (Foundation's encoder) and the offset in the text where it goes.
    var images: [(offset: Int, base64: Data)] = []
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
            let mime = (try? ImageHeader.read([UInt8](bytes)).format.mimeType) ?? "application/octet-stream"
            writer.raw(#"{"type":"image_url","image_url":{"url":"data:"#)
            writer.raw(mime)
            writer.raw(";base64,")
            images.append((writer.bytes.count, bytes.base64EncodedData()))
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
    let size = text.count + images.reduce(0) { $0 + $1.base64.count }
    var buffer = ByteBufferAllocator().buffer(capacity: size)
    text.withUnsafeBytes { text in
      var start = 0
      for image in images {
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: text[start..<image.offset]))
        buffer.writeBytes(image.base64)
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

  /// Reads a whole file; a failure names the system's reason (`No such file or directory`).
  static func readFile(atPath path: String) throws(ModelError) -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      // Foundation's message says little ("The operation could not be completed"); opening the file says why.
      do {
        try FileDescriptor.open(FilePath(path), .readOnly).close()
      } catch let failure as Errno {
        throw .unreadable(path: path, reason: failure.description)
      } catch {}
      throw .unreadable(path: path, reason: error.localizedDescription)
    }
  }
}
