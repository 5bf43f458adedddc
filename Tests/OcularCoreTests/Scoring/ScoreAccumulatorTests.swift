// Aggregation rules: DESIGN.md ("errors count 0", unparsed counted and reported), benchmarks.md §2.6 (`report_acc`
// micro mean), §3.13 (ANLS mean × 100), §3.16–3.18 (Acc@0.5 per split, family number = unweighted mean of splits).
import Testing

@testable import OcularCore

func scored(
  _ id: String, _ value: Double, _ status: SampleStatus = .ok, measures: [String: Double] = [:],
  split: String? = nil
) -> ScoredSample {
  ScoredSample(
    sampleID: id, score: SampleScore(value: value, status: status, measures: measures),
    breakdown: split.map { [BreakdownKey("split", $0)] } ?? [])
}

/// The value of one summary cell, if present.
func summaryValue(_ summary: SuiteSummary, _ dimension: String, _ key: String, _ metric: String) -> MetricValue? {
  summary.values.first { $0.dimension == dimension && $0.key == key && $0.metric == metric }
}

func isClose(_ value: Double?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
  guard let value else { return false }
  return abs(value - expected) <= tolerance
}

@Suite("ScoreAccumulator")
struct ScoreAccumulatorTests {
  @Test func emptyAccumulator() {
    let accumulator = ScoreAccumulator(metric: "accuracy")
    #expect(accumulator.overall.mean == 0)
    let summary = accumulator.summary()
    #expect(summary.headline == 0)
    #expect(summary.count == 0)
    #expect(summary.values == [MetricValue(dimension: "overall", key: "all", metric: "accuracy", value: 0, count: 0)])
  }

  @Test func errorsCountZeroAndStatusesAreCounted() {
    var accumulator = ScoreAccumulator(metric: "accuracy", measureNames: ["iou"])
    accumulator.add(scored("a", 1, measures: ["iou": 0.8]))
    accumulator.add(scored("b", 0.5, measures: ["iou": 0.2]))
    accumulator.add(scored("c", 0, .unparsed))
    // An error's value and measures count 0 whatever the score says.
    accumulator.add(scored("d", 1, .error, measures: ["iou": 0.9]))
    #expect(accumulator.overall.count == 4)
    #expect(accumulator.overall.sum == 1.5)
    #expect(accumulator.overall.mean == 0.375)
    #expect(accumulator.unparsedCount == 1)
    #expect(accumulator.errorCount == 1)
    #expect(accumulator.measures["iou"]?.count == 4)
    #expect(accumulator.measures["iou"]?.sum == 1.0)
    let summary = accumulator.summary()
    #expect(summary.headline == 37.5)
    #expect(summary.unparsedCount == 1)
    #expect(summary.errorCount == 1)
    #expect(summary.count == 4)
    #expect(summary.headlineMetric == "accuracy")
  }

  @Test func breakdownsAndValueOrder() {
    var accumulator = ScoreAccumulator(metric: "acc", measureNames: ["iou"])
    for (id, value, split) in [("1", 1.0, "val"), ("2", 0.0, "val"), ("3", 1.0, "testA"), ("4", 1.0, "testA")] {
      accumulator.add(scored(id, value, measures: ["iou": value / 2], split: split))
    }
    #expect(accumulator.breakdown["split"]?["val"]?.mean == 0.5)
    #expect(accumulator.breakdown["split"]?["testA"]?.mean == 1)
    #expect(accumulator.breakdownMeasures["split"]?["val"]?["iou"]?.mean == 0.25)
    let summary = accumulator.summary()
    #expect(
      summary.values == [
        MetricValue(dimension: "overall", key: "all", metric: "acc", value: 75, count: 4),
        MetricValue(dimension: "overall", key: "all", metric: "iou", value: 37.5, count: 4),
        MetricValue(dimension: "split", key: "testA", metric: "acc", value: 100, count: 2),
        MetricValue(dimension: "split", key: "testA", metric: "iou", value: 50, count: 2),
        MetricValue(dimension: "split", key: "val", metric: "acc", value: 50, count: 2),
        MetricValue(dimension: "split", key: "val", metric: "iou", value: 25, count: 2),
      ])
  }

  @Test func aSampleMayCountInSeveralKeysOfADimension() {
    var accumulator = ScoreAccumulator(metric: "acc")
    let skills = [BreakdownKey("skill", "algebra"), BreakdownKey("skill", "geometry")]
    accumulator.add(ScoredSample(sampleID: "1", score: SampleScore(value: 1), breakdown: skills))
    accumulator.add(ScoredSample(sampleID: "2", score: SampleScore(value: 0), breakdown: [skills[0]]))
    #expect(accumulator.breakdown["skill"]?["algebra"]?.mean == 0.5)
    #expect(accumulator.breakdown["skill"]?["geometry"]?.mean == 1)
    #expect(accumulator.overall.count == 2)
  }

  @Test func measureNamesFillMissingMeasuresWithZero() {
    var accumulator = ScoreAccumulator(metric: "acc", measureNames: ["iou", "acc@0.3"])
    accumulator.add(scored("a", 1, measures: ["iou": 1]))
    accumulator.add(scored("b", 0, .unparsed))
    #expect(accumulator.measures["iou"]?.mean == 0.5)
    #expect(accumulator.measures["acc@0.3"]?.mean == 0)
    #expect(accumulator.measures["acc@0.3"]?.count == 2)
  }
}

@Suite("Benchmark summaries")
struct BenchmarkSummaryTests {
  func summarize(_ benchmark: any Benchmark, _ samples: [ScoredSample]) -> SuiteSummary {
    var aggregator = benchmark.makeAggregator()
    for sample in samples { aggregator.add(sample) }
    return aggregator.summary()
  }

  /// Splits of 5, 4 and 4 samples with 1, 4 and 2 hits: the headline is the mean of the split accuracies,
  /// (1/5 + 4/4 + 2/4) / 3 = 0.5666…, not the pooled 7/13 = 0.5385.
  @Test func groundingHeadlineIsTheMeanOfSplitMeans() {
    var samples: [ScoredSample] = []
    let plan: [(String, Int, Int)] = [("val", 5, 1), ("testA", 4, 4), ("testB", 4, 2)]
    for (split, count, hits) in plan {
      for index in 0..<count {
        let hit = index < hits
        samples.append(scored("\(split)/\(index)", hit ? 1 : 0, measures: ["iou": hit ? 0.9 : 0.1], split: split))
      }
    }
    let summary = summarize(BenchmarkRegistry.refcoco, samples)
    let expected = (1.0 / 5 + 4.0 / 4 + 2.0 / 4) / 3 * 100
    #expect(isClose(summary.headline, expected))
    #expect(summary.headlineMetric == "acc@0.5")
    #expect(summary.count == 13)
    let first = summary.values.first
    #expect(first?.dimension == "overall")
    #expect(first?.metric == "acc@0.5 (mean of splits)")
    #expect(isClose(first?.value, expected))
    // The pooled number and the per-split numbers are still reported.
    #expect(isClose(summaryValue(summary, "overall", "all", "acc@0.5")?.value, 700.0 / 13))
    let val = summaryValue(summary, "split", "val", "acc@0.5")
    #expect(isClose(val?.value, 20))
    #expect(val?.count == 5)
    #expect(isClose(summaryValue(summary, "split", "testB", "iou")?.value, 50))
  }

  @Test func groundingWithoutSplitsUsesThePooledMean() {
    let summary = summarize(
      BenchmarkRegistry.refcoco, [scored("1", 1), scored("2", 0), scored("3", 0), scored("4", 1)])
    #expect(summary.headline == 50)
  }

  @Test func groundingErrorsCountZeroInTheirSplit() {
    let summary = summarize(
      BenchmarkRegistry.refcoco,
      [
        scored("val/1", 1, split: "val"), scored("val/2", 1, .error, split: "val"),
        scored("testA/1", 1, split: "testA"),
      ])
    #expect(summary.headline == 75)  // (1/2 + 1/1) / 2
    #expect(summary.errorCount == 1)
  }

  @Test func docvqaHeadlineIsTheMeanANLS() {
    let summary = summarize(
      BenchmarkRegistry.docvqa,
      [scored("1", 1), scored("2", 0.5), scored("3", 0), scored("4", 0), scored("5", 0, .unparsed)])
    #expect(summary.headline == 30)
    #expect(summary.headlineMetric == "anls")
    #expect(summary.unparsedCount == 1)
  }

  @Test func mmstarHeadlineIsTheMicroMean() {
    let rows: [(Double, String)] = [(1, "math"), (1, "math"), (0, "math"), (0, "science")]
    let samples = rows.enumerated().map { index, row in
      ScoredSample(sampleID: "\(index)", score: SampleScore(value: row.0), breakdown: [BreakdownKey("category", row.1)])
    }
    let summary = summarize(BenchmarkRegistry.mmstar, samples)
    // Micro: 2/4 = 50 (a macro mean over categories would give (2/3 + 0) / 2 = 33.3).
    #expect(summary.headline == 50)
    #expect(summary.headlineMetric == "accuracy")
    #expect(isClose(summaryValue(summary, "category", "math", "accuracy")?.value, 200.0 / 3))
  }

  @Test func registryDescribesTheThreeBenchmarks() {
    let ids = BenchmarkRegistry.all.map(\.id)
    #expect(ids.contains("mmstar") && ids.contains("docvqa") && ids.contains("refcoco"))
    #expect(ids.firstIndex(of: "mmstar")! < ids.firstIndex(of: "docvqa")!)
    #expect(ids.firstIndex(of: "docvqa")! < ids.firstIndex(of: "refcoco")!)
    #expect(BenchmarkRegistry.benchmark(id: "nosuch") == nil)
    #expect(BenchmarkRegistry.benchmark(id: "docvqa")?.title == "DocVQA")
    let mmstar = BenchmarkRegistry.mmstar
    #expect(mmstar.group == .generalVQA)
    #expect(mmstar.metric == "mcq_accuracy")
    #expect(mmstar.descriptor.family == .vlmevalkit)
    #expect(mmstar.judgeLabel == "exact_matching")
    #expect(mmstar.descriptor.judgeMode == .exactMatching)
    let docvqa = BenchmarkRegistry.docvqa
    #expect(docvqa.group == .documents)
    #expect(docvqa.metric == "anls")
    #expect(docvqa.judgeLabel == "none")
    let refcoco = BenchmarkRegistry.refcoco
    #expect(refcoco.group == .grounding)
    #expect(refcoco.metric == "grounding_acc50")
    #expect(refcoco.descriptor.family == .onethinker)
    #expect(refcoco.descriptor.headlineMetric == "acc@0.5")
    #expect(refcoco.measureNames == ["iou", "acc@0.3", "acc@0.7"])
  }
}
