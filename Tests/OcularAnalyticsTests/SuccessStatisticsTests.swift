import Testing

@testable import OcularAnalytics

@Suite struct SuccessStatisticsTests {
  @Test func passAtKMatchesTheClosedFormOnSmallCases() {
    // 1 − C(n−c, k)/C(n, k) by hand.
    #expect(SuccessStatistics.passAtK(n: 4, c: 0, k: 1) == 0)
    #expect(abs(SuccessStatistics.passAtK(n: 4, c: 1, k: 1) - 0.25) < 1e-15)
    #expect(abs(SuccessStatistics.passAtK(n: 4, c: 2, k: 2) - 5.0 / 6) < 1e-15)
    #expect(SuccessStatistics.passAtK(n: 4, c: 3, k: 2) == 1)
    #expect(SuccessStatistics.passAtK(n: 4, c: 4, k: 4) == 1)
    #expect(SuccessStatistics.passAtK(n: 4, c: 3, k: 4) == 1)
    #expect(SuccessStatistics.passAtK(n: 4, c: 2, k: 4) == 1)
    #expect(SuccessStatistics.passAtK(n: 5, c: 0, k: 5) == 0)
  }

  @Test func passAtOneIsTheSuccessRate() {
    for c in 0...8 {
      #expect(abs(SuccessStatistics.passAtK(n: 8, c: c, k: 1) - Double(c) / 8) < 1e-15)
    }
  }

  @Test func majorityVoteBreaksTiesByFirstAppearance() {
    typealias Vote = SuccessStatistics.Vote
    let votes = [
      Vote(answer: "c", isSuccess: false), Vote(answer: "b", isSuccess: true), Vote(answer: "b", isSuccess: true),
      Vote(answer: "d", isSuccess: false),
    ]
    #expect(!SuccessStatistics.isMajorityCorrect(votes, k: 1))
    #expect(!SuccessStatistics.isMajorityCorrect(votes, k: 2))  // c and b tie; c came first
    #expect(SuccessStatistics.isMajorityCorrect(votes, k: 3))
    #expect(SuccessStatistics.isMajorityCorrect(votes, k: 4))
  }

  @Test func repeatsWithoutAnAnswerDoNotVote() {
    typealias Vote = SuccessStatistics.Vote
    let votes = [
      Vote(answer: nil, isSuccess: false), Vote(answer: nil, isSuccess: false), Vote(answer: "a", isSuccess: true),
    ]
    #expect(!SuccessStatistics.isMajorityCorrect(votes, k: 2))
    #expect(SuccessStatistics.isMajorityCorrect(votes, k: 3))
  }

  @Test func answersAreNormalizedForVoting() {
    #expect(SuccessStatistics.normalizedAnswer("  The\tCat \n sat ") == "the cat sat")
  }

  @Test func reportedKsArePowersOfTwoAndN() {
    #expect(SuccessStatistics.reportedKs(repeats: 1) == [1])
    #expect(SuccessStatistics.reportedKs(repeats: 4) == [1, 2, 4])
    #expect(SuccessStatistics.reportedKs(repeats: 6) == [1, 2, 4, 6])
    #expect(SuccessStatistics.reportedKs(repeats: 8) == [1, 2, 4, 8])
  }

  @Test func successThresholdsFollowTheMetric() {
    #expect(SuccessStatistics.isSuccess(score: 1, metric: "mcq_accuracy"))
    #expect(!SuccessStatistics.isSuccess(score: 0.99, metric: "relaxed_accuracy"))
    #expect(SuccessStatistics.isSuccess(score: 0.5, metric: "anls"))
    #expect(!SuccessStatistics.isSuccess(score: 0.49, metric: "anls"))
    #expect(SuccessStatistics.isSuccess(score: 0.6, metric: "point_in_mask"))
    #expect(SuccessStatistics.isSuccess(score: 1, metric: "grounding_acc50"))
    #expect(!SuccessStatistics.isSuccess(score: 0, metric: "grounding_acc50"))
  }

  @Test func entropyBandsAreClosedIntervals() {
    #expect(EntropyBand(entropy: 0.1999) == .below)
    #expect(EntropyBand(entropy: 0.2) == .within)
    #expect(EntropyBand(entropy: 0.6) == .within)
    #expect(EntropyBand(entropy: 0.6001) == .above)
  }
}
