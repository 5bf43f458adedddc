import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast generator whose stream is fixed by its seed, so every
/// bootstrap in Ocular is reproducible and can be replayed outside Swift (scripts/golden/statistics.py).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The generator's state.
  public private(set) var state: UInt64

  /// Creates a generator from a seed.
  public init(seed: UInt64) {
    state = seed
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// An index in 0..<n: the next value modulo n (the bias is below n / 2⁶⁴).
  public mutating func index(below n: Int) -> Int {
    Int(next() % UInt64(n))
  }
}

/// A weighted mean with its uncertainty: the estimate, a (cluster-robust) standard error and a bootstrap interval.
public struct Estimate: Sendable, Hashable, Codable {
  /// The weighted mean.
  public var mean: Double
  /// The cluster-robust standard error; nil with fewer than two clusters.
  public var standardError: Double?
  /// The lower end of the bootstrap percentile interval; nil with fewer than two clusters.
  public var lower: Double?
  /// The upper end of the bootstrap percentile interval.
  public var upper: Double?
  /// The number of observations.
  public var count: Int
  /// The number of clusters (equal to ``count`` when no observations share a cluster).
  public var clusters: Int

  /// Creates an estimate.
  public init(mean: Double, standardError: Double?, lower: Double?, upper: Double?, count: Int, clusters: Int) {
    self.mean = mean
    self.standardError = standardError
    self.lower = lower
    self.upper = upper
    self.count = count
    self.clusters = clusters
  }

  /// The same estimate with every value multiplied by `factor` (to percent).
  public func scaled(by factor: Double) -> Estimate {
    Estimate(
      mean: mean * factor, standardError: standardError.map { $0 * factor }, lower: lower.map { $0 * factor },
      upper: upper.map { $0 * factor }, count: count, clusters: clusters)
  }
}

/// How a paired difference was tested.
public enum PairedTest: String, Sendable, Hashable, Codable {
  /// McNemar's exact test: a two-sided binomial test (p = ½) on the discordant pairs; used when every score is 0
  /// or 1, pairs are equally weighted and no two pairs share a cluster.
  case mcnemarExact = "McNemar exact"
  /// A paired cluster bootstrap: p = (1 + #{|Δ* − Δ| ≥ |Δ|}) / (B + 1) over B resamples of clusters.
  case pairedBootstrap = "paired bootstrap"
}

/// A paired comparison of B against A: Δ = mean(B) − mean(A) with its interval and p-value.
public struct PairedEstimate: Sendable, Hashable, Codable {
  /// The weighted mean of A.
  public var meanA: Double
  /// The weighted mean of B.
  public var meanB: Double
  /// mean(B) − mean(A).
  public var delta: Double
  /// The lower end of the paired bootstrap percentile interval of Δ; nil with fewer than two clusters.
  public var lower: Double?
  /// The upper end of the interval.
  public var upper: Double?
  /// The two-sided p-value of "no difference".
  public var pValue: Double
  /// The test behind ``pValue``.
  public var test: PairedTest
  /// The number of pairs.
  public var count: Int
  /// The number of clusters of pairs.
  public var clusters: Int
  /// Pairs where A scores 1 and B 0 (McNemar's b); 0 unless ``test`` is McNemar.
  public var discordantAOnly: Int
  /// Pairs where B scores 1 and A 0 (McNemar's c).
  public var discordantBOnly: Int

  /// The same estimate with the means, Δ and its interval multiplied by `factor` (to percent).
  public func scaled(by factor: Double) -> PairedEstimate {
    var copy = self
    copy.meanA *= factor
    copy.meanB *= factor
    copy.delta *= factor
    copy.lower = lower.map { $0 * factor }
    copy.upper = upper.map { $0 * factor }
    return copy
  }
}

/// The statistics behind Ocular's reports: weighted means, cluster-robust standard errors, seeded percentile
/// bootstraps, and paired tests. Independently checked against numpy/scipy (scripts/golden/statistics.py).
public enum Statistics {
  /// The default number of bootstrap resamples.
  public static let defaultReplicates = 2000
  /// The default bootstrap seed.
  public static let defaultSeed: UInt64 = 0

  /// Observations summed per cluster.
  struct Clustered {
    var sums: [Double] = []
    var weightSums: [Double] = []
    var count = 0

    init(values: [Double], weights: [Double], clusters: [String]) {
      var index: [String: Int] = [:]
      for position in values.indices {
        let slot: Int
        if let known = index[clusters[position]] {
          slot = known
        } else {
          slot = sums.count
          index[clusters[position]] = slot
          sums.append(0)
          weightSums.append(0)
        }
        sums[slot] += weights[position] * values[position]
        weightSums[slot] += weights[position]
      }
      count = values.count
    }
  }

  /// The weighted mean Σwx / Σw (0 when the weights sum to 0).
  public static func mean(_ values: [Double], weights: [Double]? = nil) -> Double {
    let weights = weights ?? Array(repeating: 1, count: values.count)
    let total = weights.reduce(0, +)
    guard total > 0 else { return 0 }
    return zip(values, weights).map { $0 * $1 }.reduce(0, +) / total
  }

  /// The cluster-robust (sandwich, CR1) standard error of the weighted mean:
  /// √( G/(G−1) · Σ_g (Σ_{i∈g} wᵢ(xᵢ − μ))² ) / Σw. With one observation per cluster and unit weights this is the
  /// usual s/√n. Nil with fewer than two clusters.
  public static func standardError(_ values: [Double], weights: [Double]? = nil, clusters: [String]? = nil) -> Double? {
    let weights = weights ?? Array(repeating: 1, count: values.count)
    let clusters = clusters ?? values.indices.map(String.init)
    let mu = mean(values, weights: weights)
    var residuals: [String: Double] = [:]
    for position in values.indices {
      residuals[clusters[position], default: 0] += weights[position] * (values[position] - mu)
    }
    let groups = Double(residuals.count)
    let total = weights.reduce(0, +)
    guard groups >= 2, total > 0 else { return nil }
    let sum = residuals.values.map { $0 * $0 }.reduce(0, +)
    return (groups / (groups - 1) * sum).squareRoot() / total
  }

  /// The `q` quantile (0…1) of sorted values with linear interpolation (numpy's default `linear` method).
  public static func quantile(sorted values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let position = q * Double(values.count - 1)
    let low = Int(position.rounded(.down))
    let high = min(low + 1, values.count - 1)
    return values[low] + (position - Double(low)) * (values[high] - values[low])
  }

  /// A weighted mean with its cluster-robust standard error and a seeded percentile bootstrap interval that
  /// resamples whole clusters with replacement (`replicates` times; each resample draws G cluster indices in order
  /// from ``SplitMix64``, index = next() mod G).
  public static func estimate(
    _ values: [Double], weights: [Double]? = nil, clusters: [String]? = nil, level: Double = 0.95,
    replicates: Int = defaultReplicates, seed: UInt64 = defaultSeed
  ) -> Estimate {
    let weights = weights ?? Array(repeating: 1, count: values.count)
    let clusters = clusters ?? values.indices.map(String.init)
    let grouped = Clustered(values: values, weights: weights, clusters: clusters)
    let mu = mean(values, weights: weights)
    let se = standardError(values, weights: weights, clusters: clusters)
    var lower: Double?
    var upper: Double?
    let groups = grouped.sums.count
    if groups >= 2, replicates >= 1 {
      var generator = SplitMix64(seed: seed)
      var means: [Double] = []
      means.reserveCapacity(replicates)
      for _ in 0..<replicates {
        var sum = 0.0
        var weight = 0.0
        for _ in 0..<groups {
          let pick = generator.index(below: groups)
          sum += grouped.sums[pick]
          weight += grouped.weightSums[pick]
        }
        means.append(weight > 0 ? sum / weight : 0)
      }
      means.sort()
      lower = quantile(sorted: means, (1 - level) / 2)
      upper = quantile(sorted: means, 1 - (1 - level) / 2)
    }
    return Estimate(mean: mu, standardError: se, lower: lower, upper: upper, count: values.count, clusters: groups)
  }

  /// The two-sided p-value of McNemar's exact test: min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, ½);
  /// 1 when there is no discordant pair.
  public static func mcnemarExactP(aOnly b: Int, bOnly c: Int) -> Double {
    let n = b + c
    guard n > 0 else { return 1 }
    let k = min(b, c)
    let logHalf = Double(n) * log(0.5)
    var logChoose = 0.0  // log C(n, i), built up term by term
    var tail = 0.0
    for i in 0...k {
      if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
      tail += exp(logChoose + logHalf)
    }
    return min(1, 2 * tail)
  }

  /// Compares paired observations: Δ = mean(b) − mean(a) (weighted), a paired cluster-bootstrap percentile
  /// interval of Δ (the same resampling as ``estimate(_:weights:clusters:level:replicates:seed:)``), and a p-value
  /// from McNemar's exact test when every value is 0 or 1, the weights are equal and every cluster holds one pair,
  /// otherwise from the bootstrap.
  public static func paired(
    _ a: [Double], _ b: [Double], weights: [Double]? = nil, clusters: [String]? = nil, level: Double = 0.95,
    replicates: Int = defaultReplicates, seed: UInt64 = defaultSeed
  ) -> PairedEstimate {
    precondition(a.count == b.count, "paired samples differ in size")
    let weights = weights ?? Array(repeating: 1, count: a.count)
    let clusters = clusters ?? a.indices.map(String.init)
    let differences = zip(a, b).map { $1 - $0 }
    let grouped = Clustered(values: differences, weights: weights, clusters: clusters)
    let meanA = mean(a, weights: weights)
    let meanB = mean(b, weights: weights)
    let delta = meanB - meanA
    let groups = grouped.sums.count
    var lower: Double?
    var upper: Double?
    var exceed = 0
    if groups >= 2, replicates >= 1 {
      var generator = SplitMix64(seed: seed)
      var deltas: [Double] = []
      deltas.reserveCapacity(replicates)
      for _ in 0..<replicates {
        var sum = 0.0
        var weight = 0.0
        for _ in 0..<groups {
          let pick = generator.index(below: groups)
          sum += grouped.sums[pick]
          weight += grouped.weightSums[pick]
        }
        let resampled = weight > 0 ? sum / weight : 0
        deltas.append(resampled)
        if abs(resampled - delta) >= abs(delta) - 1e-12 { exceed += 1 }
      }
      deltas.sort()
      lower = quantile(sorted: deltas, (1 - level) / 2)
      upper = quantile(sorted: deltas, 1 - (1 - level) / 2)
    }
    let isBinary = (a + b).allSatisfy { $0 == 0 || $0 == 1 }
    let isUnweighted = Set(weights).count <= 1
    var aOnly = 0
    var bOnly = 0
    let test: PairedTest
    let p: Double
    if isBinary, isUnweighted, groups == a.count {
      test = .mcnemarExact
      for (x, y) in zip(a, b) {
        if x == 1, y == 0 { aOnly += 1 }
        if x == 0, y == 1 { bOnly += 1 }
      }
      p = mcnemarExactP(aOnly: aOnly, bOnly: bOnly)
    } else {
      test = .pairedBootstrap
      p = groups >= 2 ? Double(1 + exceed) / Double(replicates + 1) : 1
    }
    return PairedEstimate(
      meanA: meanA, meanB: meanB, delta: delta, lower: lower, upper: upper, pValue: p, test: test, count: a.count,
      clusters: groups, discordantAOnly: aOnly, discordantBOnly: bOnly)
  }
}
