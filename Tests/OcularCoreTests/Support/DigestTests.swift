import Foundation
import Testing

@testable import OcularCore

/// SHA-256 and MD5 through the system's libcrypto: the standard test vectors, and content hashes recorded from the
/// previous implementation (swift-crypto 3.12), so stored runs still match their suites.
@Suite struct DigestTests {
  private func hex(_ digest: Digest) -> String { hexString(digest.finalized()) }

  @Test func sha256GivesTheFIPSVectors() {
    #expect(hexString(Digest.sha256([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      hexString(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let digest = Digest(.sha256)
    let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { digest.update(block) }
    #expect(hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    // Reading the digest does not end it.
    digest.update([UInt8]())
    #expect(hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func oneShotHexEqualsTheRunningDigest() {
    #expect(
      [UInt8]().withUnsafeBytes { Digest.sha256Hex($0) }
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      Array("abc".utf8).withUnsafeBytes { Digest.sha256Hex($0) }
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    var generator = SeededGenerator(state: 5)
    for length in [1, 55, 56, 63, 64, 65, 1000, 70_000] {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      #expect(bytes.withUnsafeBytes { Digest.sha256Hex($0) } == hexString(Digest.sha256(bytes)), "\(length)")
    }
    #expect(hexString([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
  }

  @Test func md5GivesTheRFCVectors() {
    let empty = Digest(.md5)
    #expect(hex(empty) == "d41d8cd98f00b204e9800998ecf8427e")
    let digest = Digest(.md5)
    digest.update(Array("message ".utf8))
    digest.update(Array("digest".utf8))
    #expect(hex(digest) == "f96b697d7cb7938d525a2f31aaf161d0")
  }

  @Test(arguments: [
    ("docvqa", "d35975ca351830a7dea1754c8155219cc150f6802fff652a939e805980e57800"),
    ("mmbench", "d819f7b48449e925788d36473dfb6aaeddbb24373b53a2cd0e99adc23cda0546"),
    ("refspatial", "a83ee803db9bac30f4fa1b26f01735f94d8724f446f069cfe752a33691c955ca"),
    ("refcocog", "2916f9034a2a8c543c2808d0f19b40f726d748562adc963139fd1ad28cb263a6"),
  ])
  func bundledSuitesKeepTheirContentHashes(suite name: String, hash: String) throws {
    let suite = try Suite.open(folder: TestPaths.suite(name))
    #expect(try readAll(suite, hashingImages: true).hash == hash)
  }
}
