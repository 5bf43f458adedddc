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

  /// Starts a digest.
  init(_ algorithm: Algorithm) {
    // Only memory exhaustion makes these fail; there is nothing sensible to continue with.
    guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
    let method =
      switch algorithm {
      case .sha256: EVP_sha256()
      case .md5: EVP_md5()
      }
    guard EVP_DigestInit_ex(context, method, nil) == 1 else { fatalError("libcrypto could not start a digest") }
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
}
