extension BenchmarkRegistry {
  /// RefCOCOg (Grounding): OneThinker's `eval_refcocog_{val,test}` (umd), Acc@0.5 per split and their unweighted
  /// mean (benchmarks.md §3.18).
  static let refcocog = GroundingBenchmark(id: "refcocog", title: "RefCOCOg")
}
