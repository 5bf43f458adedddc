/// Every benchmark Ocular knows, by id.
public enum BenchmarkRegistry {
  /// All benchmark definitions, in the paper's order.
  public static let all: [any Benchmark] = [
    mmstar,
    docvqa,
    refcoco,
  ]

  /// The benchmark with an id, if any.
  public static func benchmark(id: String) -> (any Benchmark)? {
    all.first { $0.id == id }
  }
}
