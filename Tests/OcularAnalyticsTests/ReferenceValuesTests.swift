import Testing

@testable import OcularAnalytics

/// Values computed independently with numpy 2.4.6 and scipy 1.17.1 by `scripts/golden/analytics_reference.py`
/// (`scipy.stats.norm.ppf` quantiles with ties averaged, numpy `std(ddof=0|1)`, `scipy.stats.skew`/`kurtosis` with
/// their defaults, `scipy.special.comb(exact=True)`), copied here verbatim.
@Suite struct ReferenceValuesTests {
  @Test func transportWithTiesMatchesScipy() {
    let rewards = [0.5, 0.2, 0.5, 0.9, 0.2, 0.5, 0.0]
    expectClose(
      Advantages.compute1DOT(rewards),
      [
        0.3859149881813148, -0.5788724822719721, 0.3859149881813148, 1.465233792685523, -0.5788724822719721,
        0.3859149881813148, -1.465233792685523,
      ], tolerance: 1e-12)
    expectClose(
      Advantages.grpo(rewards),
      [
        0.36689834670376426, -0.7337966934075287, 0.36689834670376426, 1.8344917335188216, -0.7337966934075287,
        0.36689834670376426, -1.4675933868150575,
      ], tolerance: 1e-12)
    expectClose(
      Advantages.grpo(rewards, deviation: .unbiased),
      [
        0.33968195640114424, -0.6793639128022886, 0.33968195640114424, 1.6984097820057216, -0.6793639128022886,
        0.33968195640114424, -1.3587278256045772,
      ], tolerance: 1e-12)
    expectClose(
      Advantages.drGRPO(rewards),
      [0.09999999999999998, -0.2, 0.09999999999999998, 0.5, -0.2, 0.09999999999999998, -0.4], tolerance: 1e-12)
  }

  @Test func transportWithoutTiesMatchesScipy() {
    let rewards = [3.0, -1.0, 2.5, 0.0, 7.0, 1.0]
    expectClose(
      Advantages.compute1DOT(rewards),
      [
        0.6744897501960817, -1.382994127100638, 0.21042839424792484, -0.6744897501960817, 1.382994127100638,
        -0.2104283942479247,
      ], tolerance: 1e-12)
    expectClose(
      Advantages.grpo(rewards, deviation: .unbiased),
      [
        0.3232497906717312, -1.0872947504412778, 0.14693172303260504, -0.7346586151630256, 1.73379433178474,
        -0.38202247988477334,
      ], tolerance: 1e-12)
  }

  @Test func paperRowsMatchScipyToFullPrecision() {
    expectClose(
      Advantages.compute1DOT([0.81, 0.81, 0.82, 0.82, 0.83]),
      [-0.9029760391263206, -0.9029760391263206, 0.26220025635402033, 0.26220025635402033, 1.2815515655446004],
      tolerance: 1e-12)
    expectClose(
      Advantages.grpo([0.1, 0.1, 0.1, 0.2, 1.0]),
      [-0.5679602213484194, -0.5679602213484194, -0.5679602213484194, -0.28398011067420964, 1.9878607747194679],
      tolerance: 1e-12)
    expectClose(
      Advantages.grpo(times(0, 7) + [1], deviation: .unbiased),
      times(-0.35355239059610216, 7) + [2.474866734172715], tolerance: 1e-12)
    expectClose(
      Advantages.compute1DOT(times(0, 7) + [1]), times(-0.21916007776464946, 7) + [1.5341205443525463],
      tolerance: 1e-12)
  }

  @Test func twoStageG2RPOMatchesScipy() {
    let groups: [[Double]] = [[0, 0, 1, 1], [1, 1, 1, 1], [0.2, 0.9, 0.4, 0.4], [0, 0, 0, 1]]
    let result = Advantages.g2rpo(groups: groups)
    let expected: [[Double]] = [
      [-1.1640005332765595, -1.1640005332765595, 0.893205965198755, 0.893205965198755],
      [0.16356370459621355, 0.16356370459621355, 0.16356370459621355, 0.16356370459621355],
      [-1.8627318674216515, 1.5903713823625942, 0.16356370459621355, 0.16356370459621355],
      [-0.585934662908403, -0.585934662908403, -0.585934662908403, 1.5903713823625942],
    ]
    for (actual, reference) in zip(result, expected) { expectClose(actual, reference, tolerance: 1e-12) }
    let moments = Moments(result.flatMap { $0 })
    #expect(abs(moments.skewness! - -0.055177007019333736) < 1e-12)
    #expect(abs(moments.excessKurtosis! - -0.5483942869769725) < 1e-12)
    #expect(abs(moments.mean) < 1e-15)
    #expect(abs(moments.standardDeviation - 0.9362237096914142) < 1e-12)
    let grpo = Moments(groups.flatMap { Advantages.grpo($0) })
    #expect(abs(grpo.skewness! - 0.7511631978340542) < 1e-9)
    #expect(abs(grpo.excessKurtosis! - -0.5642977541952003) < 1e-9)
    #expect(abs(grpo.maximumMagnitude - 1.732046807578115) < 1e-12)
  }

  @Test func momentsMatchScipy() {
    let moments = Moments([0.3, -1.2, 2.5, 0.0, 0.7, -0.4, 1.9])
    #expect(abs(moments.skewness! - 0.3100974778737697) < 1e-12)
    #expect(abs(moments.excessKurtosis! - -1.0188912408529267) < 1e-12)
  }

  @Test func passAtKMatchesScipyComb() {
    let cases: [(n: Int, c: Int, k: Int, value: Double)] = [
      (4, 1, 1, 0.25), (4, 1, 2, 0.5), (4, 2, 2, 0.8333333333333334), (4, 3, 2, 1.0), (4, 0, 4, 0.0),
      (10, 3, 5, 0.9166666666666666), (20, 7, 8, 0.9897832817337461), (100, 1, 50, 0.5),
    ]
    for item in cases {
      #expect(
        abs(SuccessStatistics.passAtK(n: item.n, c: item.c, k: item.k) - item.value) < 1e-12,
        "n=\(item.n) c=\(item.c) k=\(item.k)")
    }
  }

  @Test func normalQuantileMatchesScipy() {
    let cases: [(p: Double, value: Double)] = [
      (1e-10, -6.361340902404056), (0.001, -3.090232306167813), (0.0625, -1.5341205443525463),
      (0.3, -0.5244005127080409), (0.5, 0.0), (0.9, 1.2815515655446004), (0.999999, 4.753424308817087),
    ]
    for item in cases {
      #expect(abs(Normal.quantile(item.p) - item.value) < 1e-12 * max(1, abs(item.value)), "p=\(item.p)")
    }
    #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity && Normal.quantile(2).isNaN)
  }
}
