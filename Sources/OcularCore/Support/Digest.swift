import COpenSSL
import Foundation

/// A running digest computed by the system's libcrypto (OpenSSL's EVP interface): SHA-256 for suite content hashes,
/// MD5 for VLMEvalKit's dataset checksums.
///
/// A class, since it owns a libcrypto context; one digest must not be fed from two threads at once.
final class Digest {
  /// The digest algorithms Ocular uses.
  enum Algorithm {
    case sha256
    case md5
  }

  private let context: OpaquePointer

  /// The algorithms' implementations, fetched once: naming a digest by `EVP_sha256()` makes every context start
  /// look its provider up again. Fetched methods are immutable and may be shared by threads.
  private nonisolated(unsafe) static let sha256Method = fetch("SHA256", fallback: EVP_sha256())
  private nonisolated(unsafe) static let md5Method = fetch("MD5", fallback: EVP_md5())

  private static func fetch(_ name: String, fallback: OpaquePointer?) -> OpaquePointer? {
    EVP_MD_fetch(nil, name, nil) ?? fallback
  }

  private static func method(_ algorithm: Algorithm) -> OpaquePointer? {
    switch algorithm {
    case .sha256: sha256Method
    case .md5: md5Method
    }
  }

  /// Starts a digest.
  init(_ algorithm: Algorithm) {
    // Only memory exhaustion makes these fail; there is nothing sensible to continue with.
    guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
    guard EVP_DigestInit_ex(context, Self.method(algorithm), nil) == 1 else {
      fatalError("libcrypto could not start a digest")
    }
    self.context = context
  }

  deinit {
    EVP_MD_CTX_free(context)
  }

  /// Adds bytes to the digest.
  func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    EVP_DigestUpdate(context, base, bytes.count)
  }

  /// Adds bytes to the digest.
  func update(_ bytes: some ContiguousBytes) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// The digest of everything added so far; the digest can still be added to.
  func finalized() -> [UInt8] {
    guard let copy = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
    defer { EVP_MD_CTX_free(copy) }
    guard EVP_MD_CTX_copy_ex(copy, context) == 1 else { fatalError("libcrypto could not copy a digest context") }
    var output = [UInt8](repeating: 0, count: 64)  // EVP_MAX_MD_SIZE
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(copy, &output, &length) == 1 else { fatalError("libcrypto could not end a digest") }
    return Array(output.prefix(Int(length)))
  }

  /// The SHA-256 of some bytes.
  static func sha256(_ bytes: some ContiguousBytes) -> [UInt8] {
    let digest = Digest(.sha256)
    digest.update(bytes)
    return digest.finalized()
  }

  /// The SHA-256 of some bytes in lower-case hex, in one libcrypto call (what a suite check does per image).
  static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { output in
      var length: UInt32 = 0
      let base = bytes.baseAddress ?? UnsafeRawPointer(output.baseAddress!)
      guard EVP_Digest(base, bytes.count, output.baseAddress, &length, sha256Method, nil) == 1 else {
        fatalError("libcrypto could not compute a digest")
      }
      return hexString(UnsafeBufferPointer(rebasing: output[..<Int(length)]))
    }
  }
}

/// Lower-case hex of a digest's bytes.
func hexString(_ bytes: some Collection<UInt8>) -> String {
  let digits: StaticString = "0123456789abcdef"
  return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
    var index = 0
    for byte in bytes {
      text[index] = digits.utf8Start[Int(byte >> 4)]
      text[index + 1] = digits.utf8Start[Int(byte & 0x0F)]
      index += 2
    }
    return index
  }
}
