import Testing

@testable import OcularAnalytics

/// Expects two vectors to agree element by element within a tolerance.
func expectClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, comment, sourceLocation: sourceLocation)
  for (index, (value, reference)) in zip(actual, expected).enumerated() {
    #expect(
      abs(value - reference) <= tolerance, "element \(index): \(value) vs \(reference) \(comment?.description ?? "")",
      sourceLocation: sourceLocation)
  }
}

/// Repeats a value n times.
func times(_ value: Double, _ n: Int) -> [Double] { Array(repeating: value, count: n) }

/// Every row of the worked-example table of benchmarks.md §6, which prints three decimals.
@Suite struct WorkedExampleTests {
  @Test func rewardsWithOneSuccessInFive() {
    let rewards = [0.0, 0, 0, 0, 1]
    expectClose(Advantages.grpo(rewards), times(-0.5, 4) + [2.0], tolerance: 5e-4)
    expectClose(Advantages.compute1DOT(rewards), times(-0.320, 4) + [1.282], tolerance: 5e-4)
    // "With the unbiased std, GRPO on [0,0,0,0,1] gives [−0.447 ×4, 1.789]."
    expectClose(Advantages.grpo(rewards, deviation: .unbiased), times(-0.447, 4) + [1.789], tolerance: 5e-4)
  }

  @Test func rewardsWithThreeSuccessesInFive() {
    let rewards = [0.0, 0, 1, 1, 1]
    expectClose(Advantages.grpo(rewards), times(-1.225, 2) + times(0.816, 3), tolerance: 5e-4)
    expectClose(Advantages.compute1DOT(rewards), times(-0.903, 2) + times(0.602, 3), tolerance: 5e-4)
  }

  @Test func continuousRewardsWithAnOutlier() {
    let rewards = [0.1, 0.1, 0.1, 0.2, 1.0]
    expectClose(Advantages.grpo(rewards), times(-0.568, 3) + [-0.284, 1.988], tolerance: 5e-4)
    expectClose(Advantages.compute1DOT(rewards), times(-0.602, 3) + [0.524, 1.282], tolerance: 5e-4)
  }

  @Test func nearlyEqualRewardsUnderDrGRPOAndG2RPO() {
    let rewards = [0.81, 0.81, 0.82, 0.82, 0.83]
    expectClose(Advantages.drGRPO(rewards), times(-0.008, 2) + times(0.002, 2) + [0.012], tolerance: 5e-4)
    expectClose(Advantages.compute1DOT(rewards), times(-0.903, 2) + times(0.262, 2) + [1.282], tolerance: 5e-4)
  }

  @Test func eightRolloutsWithOneSuccess() {
    let rewards = times(0, 7) + [1]
    expectClose(Advantages.grpo(rewards), times(-0.378, 7) + [2.646], tolerance: 5e-4)
    expectClose(Advantages.compute1DOT(rewards), times(-0.219, 7) + [1.534], tolerance: 5e-4)
  }

  @Test func equalRewardsGiveZeroUnderEveryEstimator() {
    let rewards = [1.0, 1, 1, 1]
    #expect(Advantages.grpo(rewards) == times(0, 4))
    #expect(Advantages.grpo(rewards, deviation: .unbiased) == times(0, 4))
    #expect(Advantages.drGRPO(rewards) == times(0, 4))
    expectClose(Advantages.compute1DOT(rewards), times(0, 4), tolerance: 1e-15)
  }
}

@Suite struct AdvantageEdgeCaseTests {
  @Test func oneOrNoRewardGivesZeroTransport() {
    #expect(Advantages.compute1DOT([]) == [])
    #expect(Advantages.compute1DOT([0.7]) == [0])
  }

  @Test func transportKeepsTheRewardsOrderAndSumsToZero() {
    let rewards = [0.9, 0.1, 0.5, 0.3]
    let advantages = Advantages.compute1DOT(rewards)
    #expect(advantages[1] < advantages[3] && advantages[3] < advantages[2] && advantages[2] < advantages[0])
    #expect(abs(advantages.reduce(0, +)) < 1e-12)
    // Scale-free: any increasing transform of the rewards gives the same advantages.
    expectClose(Advantages.compute1DOT(rewards.map { 100 * $0 * $0 * $0 - 3 }), advantages, tolerance: 0)
  }

  @Test func twoStageG2RPOPoolsTheStageOneValuesOfATask() {
    // A lone group's stage-one values are already the N(0, 1) quantiles; stage two maps them onto themselves.
    let single = Advantages.g2rpo(groups: [[0, 1, 0.5]])
    expectClose(single[0], Advantages.compute1DOT([0, 1, 0.5]), tolerance: 1e-12)
    // Shapes are kept, and a group of one gets a stage-one 0 that stage two ranks with the rest.
    let shaped = Advantages.g2rpo(groups: [[0, 1], [5]])
    #expect(shaped.map(\.count) == [2, 1])
    expectClose(shaped.flatMap { $0 }, Advantages.compute1DOT([-0.674, 0.674, 0]), tolerance: 1e-12)
  }

  @Test func momentsOfConstantValuesHaveNoShape() {
    let moments = Moments([2, 2, 2])
    #expect(moments.mean == 2 && moments.standardDeviation == 0)
    #expect(moments.skewness == nil && moments.excessKurtosis == nil)
    #expect(moments.maximumMagnitude == 2 && moments.totalMagnitude == 6)
    #expect(Moments([]).count == 0)
  }
}
