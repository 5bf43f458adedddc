import Foundation

/// The group-relative advantage estimators of the GRPO family (benchmarks.md §6), as pure functions of rewards.
public enum Advantages {
  /// The ε added to the standard deviation by GRPO (`1e-6`).
  public static let epsilon = 1e-6

  /// Which standard deviation GRPO divides by.
  public enum Deviation: String, Sendable, Hashable, Codable, CaseIterable {
    /// The population standard deviation (divide by N), as the paper's figure computes it.
    case population
    /// Torch's default unbiased standard deviation (divide by N − 1), as the training code computes it.
    case unbiased
  }

  /// GRPO: (r − mean) / (std + ε) over one prompt group.
  ///
  /// A group of one gets mean 0 and std 1, as verl's `compute_grpo_outcome_advantage` does.
  public static func grpo(_ rewards: [Double], deviation: Deviation = .population) -> [Double] {
    guard rewards.count > 1 else { return rewards.map { $0 / (1 + epsilon) } }
    let mean = rewards.reduce(0, +) / Double(rewards.count)
    let squares = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    let divisor = deviation == .population ? Double(rewards.count) : Double(rewards.count - 1)
    let std = (squares / divisor).squareRoot()
    return rewards.map { ($0 - mean) / (std + epsilon) }
  }

  /// Dr.GRPO: r − mean over one prompt group (a group of one keeps its reward, mean 0).
  public static func drGRPO(_ rewards: [Double]) -> [Double] {
    guard rewards.count > 1 else { return rewards }
    let mean = rewards.reduce(0, +) / Double(rewards.count)
    return rewards.map { $0 - mean }
  }

  /// G²RPO's `compute_1d_ot`: the 1-D optimal transport of N rewards onto the N(0, 1) quantiles.
  ///
  /// The k-th smallest reward (k = 1…N) is sent to Φ⁻¹((k − 0.5)/N); equal rewards all receive the mean of their
  /// quantiles; the result is in the rewards' original order. N ≤ 1 gives zeros.
  public static func compute1DOT(_ rewards: [Double]) -> [Double] {
    let count = rewards.count
    guard count > 1 else { return Array(repeating: 0, count: count) }
    let order = rewards.indices.sorted { rewards[$0] < rewards[$1] || (rewards[$0] == rewards[$1] && $0 < $1) }
    // The quantiles are mirrored from the lower half, so that they are exactly antisymmetric (as scipy's are) and
    // a tie block centred on the median gets exactly 0, whatever the rounding.
    var quantiles = Array(repeating: 0.0, count: count)
    for rank in 0..<(count / 2) {
      let value = Normal.quantile((Double(rank) + 0.5) / Double(count))
      quantiles[rank] = value
      quantiles[count - 1 - rank] = -value
    }
    var result = Array(repeating: 0.0, count: count)
    var start = 0
    while start < count {
      var end = start + 1
      while end < count, rewards[order[end]] == rewards[order[start]] { end += 1 }
      // Summed in pairs from both ends of the block, so mirrored values cancel exactly.
      var sum = 0.0
      var low = start
      var high = end - 1
      while low < high {
        sum += quantiles[low] + quantiles[high]
        low += 1
        high -= 1
      }
      if low == high { sum += quantiles[low] }
      let mean = sum / Double(end - start)
      for position in start..<end { result[order[position]] = mean }
      start = end
    }
    return result
  }

  /// Two-stage G²RPO (`compute_pertask_gaussian_outcome_advantage_grpo`): `compute_1d_ot` within every prompt
  /// group, then again over all of one task's stage-one values; the result has the groups' shape.
  public static func g2rpo(groups: [[Double]]) -> [[Double]] {
    let stageOne = groups.map(compute1DOT)
    let stageTwo = compute1DOT(stageOne.flatMap { $0 })
    var result: [[Double]] = []
    var offset = 0
    for group in stageOne {
      result.append(Array(stageTwo[offset..<offset + group.count]))
      offset += group.count
    }
    return result
  }
}

/// The standard normal distribution's quantile function.
public enum Normal {
  /// Φ⁻¹(p) = √2·erfinv(2p − 1), to about 1e-15 (Acklam's rational approximation, refined by one Halley step on
  /// erfc); ±∞ at 0 and 1, NaN outside [0, 1].
  public static func quantile(_ p: Double) -> Double {
    guard p > 0, p < 1 else {
      if p == 0 { return -.infinity }
      if p == 1 { return .infinity }
      return .nan
    }
    // The upper half by symmetry: 1 − p is exact there, and the lower tail's refinement keeps full precision.
    if p > 0.5 { return -quantile(1 - p) }
    let a = [
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    let b = [
      -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01,
    ]
    let c = [
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
      4.374664141464968e+00, 2.938163982698783e+00,
    ]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let low = 0.02425
    var x: Double
    if p < low {
      let q = (-2 * log(p)).squareRoot()
      x =
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else if p <= 1 - low {
      let q = p - 0.5
      let r = q * q
      x =
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    } else {
      let q = (-2 * log(1 - p)).squareRoot()
      x =
        -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    // One Halley step: e = Φ(x) − p with Φ(x) = erfc(−x/√2)/2.
    let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
    let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
    x -= u / (1 + x * u / 2)
    return x
  }
}

/// The moments of a set of values, with scipy's defaults (`scipy.stats.skew`/`kurtosis`, `bias=True`).
public struct Moments: Sendable, Hashable, Codable {
  /// The number of values.
  public var count: Int
  /// The mean.
  public var mean: Double
  /// The population standard deviation (divide by N).
  public var standardDeviation: Double
  /// The Fisher–Pearson skewness g1 = m3 / m2^1.5; nil when the values do not vary (scipy gives NaN).
  public var skewness: Double?
  /// The excess kurtosis g2 = m4 / m2² − 3 (Fisher's definition, normal = 0); nil when the values do not vary.
  public var excessKurtosis: Double?
  /// The largest absolute value.
  public var maximumMagnitude: Double
  /// The sum of absolute values.
  public var totalMagnitude: Double

  /// Computes the moments of some values; an empty set gives zeros.
  public init(_ values: [Double]) {
    count = values.count
    guard !values.isEmpty else {
      mean = 0
      standardDeviation = 0
      maximumMagnitude = 0
      totalMagnitude = 0
      return
    }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    var m2 = 0.0
    var m3 = 0.0
    var m4 = 0.0
    for value in values {
      let deviation = value - mean
      let square = deviation * deviation
      m2 += square
      m3 += square * deviation
      m4 += square * square
    }
    m2 /= n
    m3 /= n
    m4 /= n
    self.mean = mean
    standardDeviation = m2.squareRoot()
    // A variance at rounding level, below (ε·max(1, |mean|))², counts as zero: scipy returns NaN there too.
    let isConstant = m2 <= (Double.ulpOfOne * max(1, abs(mean))) * (Double.ulpOfOne * max(1, abs(mean)))
    skewness = isConstant ? nil : m3 / (m2 * m2.squareRoot())
    excessKurtosis = isConstant ? nil : m4 / (m2 * m2) - 3
    maximumMagnitude = values.map(abs).max() ?? 0
    totalMagnitude = values.reduce(0) { $0 + abs($1) }
  }
}
