import Foundation
import OcularCore
import OcularStore

extension Shard {
  /// A stable 64-bit hash of a sample: FNV-1a over the UTF-8 bytes of the suite name, a NUL byte and the sample id,
  /// finished with SplitMix64's mixer so that the low bits are well spread.
  ///
  /// It is the same on every machine and every run (unlike Swift's randomly seeded `hashValue`), so machines that
  /// are given the same suites split them identically.
  public static func stableHash(suite: String, sampleID: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func add(_ byte: UInt8) {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    for byte in suite.utf8 { add(byte) }
    add(0)
    for byte in sampleID.utf8 { add(byte) }
    var mixed = hash
    mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
    return mixed ^ (mixed >> 31)
  }

  /// The shard number (1…count) a sample belongs to when suites are split into `count` shards.
  public static func index(ofSuite suite: String, sampleID: String, count: Int) -> Int {
    Int(stableHash(suite: suite, sampleID: sampleID) % UInt64(max(count, 1))) + 1
  }

  /// A Boolean value that indicates whether a sample (every repeat of it) belongs to this shard.
  public func contains(suite: String, sampleID: String) -> Bool {
    Self.index(ofSuite: suite, sampleID: sampleID, count: count) == index
  }

  /// The number of a suite's samples in this shard (reads the suite's records once, trusting the ledger of an earlier
  /// complete read if given).
  public func sampleCount(of suite: Suite, ledger: SuiteLedger? = nil) throws(CoreError) -> Int {
    var reader = SampleReader(suite: suite, replaying: ledger)
    var count = 0
    while let sample = try reader.next() {
      if contains(suite: suite.name, sampleID: sample.id) { count += 1 }
    }
    return count
  }
}

extension Evaluator {
  /// The parameters JSON a run records: the generation parameters, and the shard when the run evaluates one.
  static func parametersJSON(_ settings: EvaluationSettings) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let parameters = String(decoding: try encoder.encode(settings.parameters), as: UTF8.self)
    guard let shard = settings.shard else { return parameters }
    return RunLineage(shard: shard).applied(to: parameters)
  }

  /// The number of answers a suite needs under some settings: its samples (those of the shard) times the repeats.
  static func answerCount(_ item: PreparedSuite, settings: EvaluationSettings) throws -> Int {
    try (settings.shard.map { try $0.sampleCount(of: item.suite, ledger: item.ledger) } ?? item.sampleCount)
      * settings.repeats
  }
}
