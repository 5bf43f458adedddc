import Foundation
import Testing

@testable import OcularCore

/// The values computed independently by scripts/golden/statistics.py with Python 3.11.7, numpy 2.4.6 and
/// scipy 1.17.1 (see the script for how each one is obtained).
struct StatisticsGolden: Decodable {
  struct Quantiles: Decodable {
    var values: [Double]
    var q: [Double]
    var expected: [Double]
  }

  struct EstimateCase: Decodable {
    var name: String
    var values: [Double]
    var weights: [Double]
    var clusters: [String]
    var mean: Double
    var se: Double
    var ci_lower: Double
    var ci_upper: Double
    var clusters_count: Int
    var scipy_sem: Double?
    var scipy_bootstrap_lower: Double?
    var scipy_bootstrap_upper: Double?
  }

  struct PairedCase: Decodable {
    var name: String
    var a: [Double]
    var b: [Double]
    var clusters: [String]
    var delta: Double
    var ci_lower: Double
    var ci_upper: Double
    var test: String
    var p: Double
    var bootstrap_p: Double
  }

  struct McNemarCase: Decodable {
    var b: Int
    var c: Int
    var p: Double
  }

  var versions: [String: String]
  var replicates: Int
  var seed: UInt64
  var splitmix64_seed0_first: [String]
  var quantiles: Quantiles
  var estimates: [EstimateCase]
  var paired: [PairedCase]
  var mcnemar: [McNemarCase]

  static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "scripts/golden/statistics.golden.json"
    ).path

  static func load() throws -> StatisticsGolden {
    try JSONDecoder().decode(StatisticsGolden.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
  }
}

/// A Boolean value that indicates whether `a` is within `tolerance` of `b`, relative to the size of `b` (at least 1).
func isRelativelyClose(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance * max(1, abs(b))
}

@Suite struct StatisticsTests {
  @Test func goldenFileNamesItsVersions() throws {
    let golden = try StatisticsGolden.load()
    #expect(golden.versions["numpy"] == "2.4.6")
    #expect(golden.versions["scipy"] == "1.17.1")
    #expect(golden.replicates == Statistics.defaultReplicates)
    #expect(golden.seed == Statistics.defaultSeed)
  }

  @Test func splitMixMatchesTheReferenceStream() throws {
    let golden = try StatisticsGolden.load()
    var generator = SplitMix64(seed: 0)
    let first = (0..<3).map { _ in String(generator.next()) }
    #expect(first == golden.splitmix64_seed0_first)
    // The published first output of SplitMix64 from seed 0.
    #expect(first[0] == String(UInt64(0xe220_a839_7b1d_cdaf)))
  }

  @Test func quantilesInterpolateLikeNumpy() throws {
    let golden = try StatisticsGolden.load()
    for (q, expected) in zip(golden.quantiles.q, golden.quantiles.expected) {
      #expect(isRelativelyClose(Statistics.quantile(sorted: golden.quantiles.values, q), expected), "q = \(q)")
    }
  }

  @Test func estimatesMatchNumpyAndScipy() throws {
    let golden = try StatisticsGolden.load()
    #expect(golden.estimates.count == 3)
    for item in golden.estimates {
      let estimate = Statistics.estimate(
        item.values, weights: item.weights, clusters: item.clusters, replicates: golden.replicates, seed: golden.seed)
      #expect(isRelativelyClose(estimate.mean, item.mean), "\(item.name): mean")
      #expect(isRelativelyClose(estimate.standardError, item.se), "\(item.name): se \(estimate.standardError ?? .nan)")
      #expect(isRelativelyClose(estimate.lower, item.ci_lower), "\(item.name): lower \(estimate.lower ?? .nan)")
      #expect(isRelativelyClose(estimate.upper, item.ci_upper), "\(item.name): upper \(estimate.upper ?? .nan)")
      #expect(estimate.clusters == item.clusters_count)
      #expect(estimate.count == item.values.count)
      if let sem = item.scipy_sem {
        // Independent observations, unit weights: the sandwich is scipy.stats.sem.
        #expect(isRelativelyClose(estimate.standardError, sem), "\(item.name): scipy sem")
      }
      if let lower = item.scipy_bootstrap_lower, let upper = item.scipy_bootstrap_upper {
        // scipy's bootstrap draws its own stream: the intervals agree to within one observation's worth.
        #expect(abs((estimate.lower ?? .nan) - lower) <= 1.0 / Double(item.values.count) + 1e-9)
        #expect(abs((estimate.upper ?? .nan) - upper) <= 1.0 / Double(item.values.count) + 1e-9)
      }
    }
  }

  @Test func pairedComparisonsMatchScipy() throws {
    let golden = try StatisticsGolden.load()
    for item in golden.paired {
      let comparison = Statistics.paired(
        item.a, item.b, clusters: item.clusters, replicates: golden.replicates, seed: golden.seed)
      #expect(isRelativelyClose(comparison.delta, item.delta), "\(item.name): delta")
      #expect(isRelativelyClose(comparison.lower, item.ci_lower), "\(item.name): lower")
      #expect(isRelativelyClose(comparison.upper, item.ci_upper), "\(item.name): upper")
      #expect(comparison.test.rawValue == item.test, "\(item.name): test")
      #expect(isRelativelyClose(comparison.pValue, item.p), "\(item.name): p \(comparison.pValue) vs \(item.p)")
    }
  }

  @Test func mcnemarMatchesScipyBinomtest() throws {
    let golden = try StatisticsGolden.load()
    for item in golden.mcnemar {
      #expect(
        isRelativelyClose(Statistics.mcnemarExactP(aOnly: item.b, bOnly: item.c), item.p), "b=\(item.b) c=\(item.c)")
    }
  }

  @Test func fewerThanTwoClustersHaveNoInterval() {
    let estimate = Statistics.estimate([1, 0, 1], clusters: ["x", "x", "x"])
    #expect(estimate.mean == 2.0 / 3)
    #expect(estimate.standardError == nil)
    #expect(estimate.lower == nil && estimate.upper == nil)
    #expect(estimate.clusters == 1)
  }

  @Test func noDifferenceHasPValueOne() {
    let same = Statistics.paired([0.2, 0.5, 0.9], [0.2, 0.5, 0.9])
    #expect(same.delta == 0)
    #expect(same.pValue == 1)
    #expect(same.test == .pairedBootstrap)
    let binary = Statistics.paired([1, 0, 1], [1, 0, 1])
    #expect(binary.test == .mcnemarExact)
    #expect(binary.pValue == 1)
  }

  @Test func sharedClustersRuleOutMcNemar() {
    let comparison = Statistics.paired([1, 0, 1, 0], [1, 1, 1, 1], clusters: ["a", "a", "b", "b"])
    #expect(comparison.test == .pairedBootstrap)
    #expect(comparison.clusters == 2)
  }
}
