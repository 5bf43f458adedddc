extension BenchmarkRegistry {
  /// RefCOCO+ (Grounding): OneThinker's `eval_refcocop_{val,testA,testB}`, Acc@0.5 per split and their unweighted
  /// mean (benchmarks.md §3.17).
  static let refcocoPlus = GroundingBenchmark(id: "refcoco_plus", title: "RefCOCO+")
}
