extension BenchmarkRegistry {
  /// MMStar (General VQA): `MMStar`, vanilla multiple choice, micro `Overall` (benchmarks.md §3.3).
  static let mmstar = VanillaMultipleChoice(id: "mmstar", title: "MMStar", group: .generalVQA)
}
