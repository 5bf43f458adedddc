/// Every benchmark Ocular knows, by id.
public enum BenchmarkRegistry {
  /// All benchmark definitions, in the paper's order.
  public static let all: [any Benchmark] = [
    mmmu,
    mmbench,
    mmstar,
    mathvista,
    mathverse,
    mathvision,
    ai2d,
    chartqa,
    charxiv,
    embspatial,
    refspatial,
    robospatial,
    docvqa,
    ocrbench,
    infovqa,
    refcoco,
    refcocoPlus,
    refcocog,
  ]

  /// The benchmark with an id, if any.
  public static func benchmark(id: String) -> (any Benchmark)? {
    all.first { $0.id == id }
  }
}
