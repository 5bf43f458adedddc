extension BenchmarkRegistry {
  /// AI2D (Chart VQA): `AI2D_TEST`, vanilla multiple choice, `Overall` (benchmarks.md §3.7).
  static let ai2d = VanillaMultipleChoice(id: "ai2d", title: "AI2D", group: .charts)
}
