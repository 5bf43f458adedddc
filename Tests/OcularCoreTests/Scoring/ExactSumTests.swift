// Reference: CPython 3.11.7 `math.fsum` (golden values in Golden/fsum.golden.json, made by
// scripts/golden/fsum_cases.py), the correctly rounded sum that `ExactSum` must give bit for bit.
import Foundation
import Testing

@testable import OcularCore

@Suite("ExactSum")
struct ExactSumTests {
  struct Case: Decodable {
    var name: String
    var terms: [String]
    var fsum: String
    var naive: String
  }

  static let cases: [Case] = {
    let data = try! Data(contentsOf: TestPaths.golden("fsum.golden.json"))
    return try! JSONDecoder().decode([Case].self, from: data)
  }()

  static func double(_ hex: String) -> Double {
    guard let value = Double(hex) else { fatalError("not a hex float: \(hex)") }
    return value
  }

  @Test(arguments: cases.map(\.name))
  func matchesMathFsum(name: String) throws {
    let golden = try #require(Self.cases.first { $0.name == name })
    let terms = golden.terms.map(Self.double)
    let sum = ExactSum(terms)
    #expect(sum.value.bitPattern == Self.double(golden.fsum).bitPattern, "\(sum.value) vs \(golden.fsum)")
  }

  /// Most cases are ones where Python's plain `sum` rounds differently, so matching `fsum` is not matching `sum`.
  @Test func theCasesTellAnExactSumFromAPlainOne() {
    let differing = Self.cases.filter { $0.fsum != $0.naive }
    #expect(differing.count >= 7)
    for golden in differing {
      let terms = golden.terms.map(Self.double)
      #expect(ExactSum(terms).value != terms.reduce(0, +), "\(golden.name)")
    }
  }

  // "large" is left out: an intermediate sum beyond Double's range depends on the order (`math.fsum` raises then).
  @Test(arguments: cases.map(\.name).filter { $0 != "large" })
  func orderDoesNotChangeTheValue(name: String) throws {
    let golden = try #require(Self.cases.first { $0.name == name })
    var terms = golden.terms.map(Self.double)
    var generator = SeededGenerator(state: 7)
    let expected = Self.double(golden.fsum).bitPattern
    for _ in 0..<5 {
      terms.shuffle(using: &generator)
      #expect(ExactSum(terms).value.bitPattern == expected)
      #expect(ExactSum(terms.reversed()).value.bitPattern == expected)
    }
  }

  @Test func emptyAndZeroSumsArePositiveZero() {
    #expect(ExactSum().value.bitPattern == (0.0).bitPattern)
    #expect(ExactSum([-0.0]).value.bitPattern == (0.0).bitPattern)
    #expect(ExactSum([1.5, -1.5]).value.bitPattern == (0.0).bitPattern)
  }

  @Test func nonFiniteTermsAndOverflowAreNotLost() {
    #expect(ExactSum([1, .infinity, 2]).value == .infinity)
    #expect(ExactSum([1, -.infinity]).value == -.infinity)
    #expect(ExactSum([.infinity, -.infinity]).value.isNaN)
    #expect(ExactSum([1, .nan]).value.isNaN)
    #expect(ExactSum([.greatestFiniteMagnitude, .greatestFiniteMagnitude]).value == .infinity)
  }

  @Test func tallyMeansDoNotDependOnOrder() {
    var generator = SeededGenerator(state: 11)
    var values = (0..<10_000).map { _ in Double.random(in: 0...1, using: &generator) }
    var forward = ScoreAccumulator.Tally()
    for value in values { forward.add(value) }
    values.shuffle(using: &generator)
    var shuffled = ScoreAccumulator.Tally()
    for value in values { shuffled.add(value) }
    #expect(forward.mean.bitPattern == shuffled.mean.bitPattern)
    #expect(forward == shuffled)
    #expect(forward.count == 10_000)
  }
}
