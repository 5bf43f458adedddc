import Foundation
import Testing

@testable import OcularCore

/// A synthetic sample: id, repeat, status, score, breakdown.
private struct Synthetic {
  var id: String
  var repeatIndex = 0
  var status: SampleStatus = .ok
  var score: Double
  var breakdown: [BreakdownKey] = []
}

/// The headline the benchmark's own aggregator reports, and the mean of the statistics' units.
private func headlines(_ benchmark: String, _ samples: [Synthetic]) -> (aggregator: Double, units: Double) {
  var aggregator = BenchmarkRegistry.benchmark(id: benchmark)!.makeAggregator()
  var builder = HeadlineUnitBuilder(rule: HeadlineRule(benchmarkID: benchmark))
  for sample in samples {
    aggregator.add(
      ScoredSample(
        sampleID: sample.id, score: SampleScore(value: sample.score, status: sample.status),
        breakdown: sample.breakdown,
        repeatIndex: sample.repeatIndex))
    builder.add(
      sampleID: sample.id, repeatIndex: sample.repeatIndex, status: sample.status, score: sample.score,
      breakdown: sample.breakdown, cluster: "c" + sample.id)
  }
  let units = builder.units().filter { $0.weight > 0 }
  return (aggregator.summary().headline, Statistics.mean(units.map(\.value), weights: units.map(\.weight)) * 100)
}

@Suite struct HeadlineUnitsTests {
  /// The headline rule is the one each benchmark's aggregator declares.
  @Test func rulesFollowTheAggregators() {
    #expect(HeadlineRule(benchmarkID: "docvqa") == .mean)
    #expect(HeadlineRule(benchmarkID: "ocrbench") == .mean)
    #expect(HeadlineRule(benchmarkID: "mmbench") == .circular)
    #expect(HeadlineRule(benchmarkID: "mmmu") == .split("validation"))
    #expect(HeadlineRule(benchmarkID: "refcoco") == .meanOfSplits)
    #expect(HeadlineRule(benchmarkID: "not-a-benchmark") == .mean)
  }

  @Test func plainMeanCountsErrorsAsZero() {
    let samples = [
      Synthetic(id: "1", score: 0.75), Synthetic(id: "2", status: .error, score: 0.9),
      Synthetic(id: "3", status: .unparsed, score: 0), Synthetic(id: "4", score: 1),
    ]
    let result = headlines("docvqa", samples)
    #expect(abs(result.aggregator - 43.75) < 1e-9)
    #expect(abs(result.units - result.aggregator) < 1e-9)
  }

  @Test func circularGroupsNeedEveryRotation() {
    let samples = [
      Synthetic(id: "0", score: 1), Synthetic(id: "1000000", score: 1), Synthetic(id: "2000000", score: 1),
      Synthetic(id: "1", score: 1), Synthetic(id: "1000001", score: 0),
      Synthetic(id: "2", score: 1), Synthetic(id: "1000002", status: .unparsed, score: 0),
      Synthetic(id: "1000003", score: 1),  // a group without its main row is left out
      // A second repeat is its own circular evaluation.
      Synthetic(id: "0", repeatIndex: 1, score: 1), Synthetic(id: "1000000", repeatIndex: 1, score: 0),
      Synthetic(id: "2000000", repeatIndex: 1, score: 1),
    ]
    let result = headlines("mmbench", samples)
    #expect(abs(result.aggregator - 25) < 1e-9)
    #expect(abs(result.units - result.aggregator) < 1e-9)
  }

  @Test func mmmuHeadlineIsTheValidationSplit() {
    let samples = [
      Synthetic(id: "a", score: 1, breakdown: [BreakdownKey("split", "dev")]),
      Synthetic(id: "b", score: 0, breakdown: [BreakdownKey("split", "validation")]),
      Synthetic(id: "c", score: 1, breakdown: [BreakdownKey("split", "validation")]),
      Synthetic(id: "d", score: 1, breakdown: [BreakdownKey("split", "validation")]),
    ]
    let result = headlines("mmmu", samples)
    #expect(abs(result.aggregator - 200.0 / 3) < 1e-9)
    #expect(abs(result.units - result.aggregator) < 1e-9)
  }

  @Test func groundingHeadlineIsTheMeanOfSplitMeans() {
    var samples: [Synthetic] = []
    for index in 0..<5 {
      samples.append(Synthetic(id: "v\(index)", score: index < 2 ? 1 : 0, breakdown: [BreakdownKey("split", "val")]))
    }
    for index in 0..<2 {
      samples.append(Synthetic(id: "a\(index)", score: 1, breakdown: [BreakdownKey("split", "testA")]))
    }
    for index in 0..<4 {
      samples.append(Synthetic(id: "b\(index)", score: index == 0 ? 1 : 0, breakdown: [BreakdownKey("split", "testB")]))
    }
    let result = headlines("refcoco", samples)
    #expect(abs(result.aggregator - (0.4 + 1 + 0.25) / 3 * 100) < 1e-9)
    #expect(abs(result.units - result.aggregator) < 1e-9)
  }

  @Test func clustersComeFromTheRequestedImages() {
    let request = """
      {"messages":[{"role":"system","content":[{"type":"text","text":"x"}]},{"role":"user","content":[\
      {"type":"image","path":"/data/b.png"},{"type":"image","path":"/data/a.png"},{"type":"text","text":"q"}]}],\
      "params":{}}
      """
    #expect(HeadlineUnitBuilder.cluster(requestJSON: request, sampleID: "7") == "img:/data/a.png\n/data/b.png")
    #expect(HeadlineUnitBuilder.cluster(requestJSON: "{}", sampleID: "7") == "id:7")
  }
}
