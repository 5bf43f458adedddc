import Foundation
import Testing

@testable import OcularCore

@Suite struct SuiteLookupTests {
  func open(_ name: String) throws -> Suite {
    try Suite.open(folder: TestPaths.benchmarks.appendingPathComponent(name).path)
  }

  @Test func findsTheSampleTheReaderReadsUnderTheSameID() throws {
    for name in ["docvqa", "refcoco", "refspatial"] {
      let suite = try open(name)
      var reader = SampleReader(suite: suite)
      var read: [Sample] = []
      while let sample = try reader.next() { read.append(sample) }
      for expected in [read.first!, read[read.count / 2], read.last!] {
        let found = try #require(try suite.sample(withID: expected.id), "\(name) \(expected.id)")
        #expect(found.id == expected.id)
        #expect(found.record == expected.record)
        #expect(found.split == expected.split)
        #expect(found.images.map(\.absolutePath) == expected.images.map(\.absolutePath))
        #expect(found.auxiliaryFiles == expected.auxiliaryFiles)
      }
    }
  }

  @Test func anUnknownIDIsNil() throws {
    let suite = try open("refcoco")
    #expect(try suite.sample(withID: "val/999") == nil)
    #expect(try suite.sample(withID: "nosplit/1") == nil)
    #expect(try suite.sample(withID: "1") == nil)
  }
}
