extension BenchmarkRegistry {
  /// InfoVQA (Documents): `InfoVQA_VAL`, ANLS with τ = 0.5, columns, prompt and quirks exactly as DocVQA
  /// (benchmarks.md §3.15; `hit_calculate` thresholds `InfoVQA` like `DocVQA`).
  static let infovqa = ANLSBenchmark(id: "infovqa", title: "InfoVQA")
}
