import Foundation
import OcularCore
import OcularStore
import Testing

@testable import OcularReports

/// A stored sample of a synthetic run.
struct SyntheticSample {
  var id: String
  var score: Double
  var status: SampleStatus
  var answer: String?
  var category: String

  init(_ id: String, _ score: Double, _ status: SampleStatus, _ answer: String?, _ category: String) {
    self.id = id
    self.score = score
    self.status = status
    self.answer = answer
    self.category = category
  }
}

/// A suite of a synthetic run.
struct SyntheticSuite {
  var name: String
  var benchmark: String
  var group: String
  var judge: String
  var hash: String
  var headline: Double?

  init(_ name: String, _ benchmark: String, _ group: String, _ judge: String, _ hash: String, _ headline: Double?) {
    self.name = name
    self.benchmark = benchmark
    self.group = group
    self.judge = judge
    self.hash = hash
    self.headline = headline
  }
}

/// Builds synthetic runs in a store.
struct SyntheticRuns {
  let store: RunStore

  init() throws {
    store = try RunStore()
  }

  /// Creates a run with suites (name, benchmark, group, judge label, content hash, headline).
  @discardableResult
  func run(
    model: String = "model", spec: String? = nil, created: String = "2026-11-25T10:00:00Z",
    profile: String = "vlmevalkit-0.0.20+onethinker; boxed=unwrap", parameters: String = "{\"seed\":0}",
    scoringProfile: ScoringProfile = .default, suites: [SyntheticSuite]
  ) throws -> Int64 {
    let run = try store.createRun(
      RunRecord(
        createdAt: created, finishedAt: created, status: .completed, modelSpec: spec ?? "replay:\(model).jsonl",
        modelName: model, adapterJSON: "{}", parametersJSON: parameters, promptProfile: "paper",
        scoringProfile: profile, scoringOptionsJSON: "{\"boxed\":\"unwrap\"}", repeats: 1, harnessVersion: "0.1.0",
        gitRevision: nil, suiteNames: suites.map(\.name))
    ).id
    for (position, suite) in suites.enumerated() {
      try store.addSuite(
        RunSuiteRecord(
          runID: run, suite: suite.name, benchmark: suite.benchmark,
          title: BenchmarkRegistry.benchmark(id: suite.benchmark)?.title ?? suite.benchmark, group: suite.group,
          metric: "m", headlineMetric: "accuracy", judgeLabel: suite.judge, reference: "r", contentHash: suite.hash,
          sampleCount: 10, isFullData: suite.name != "mmstar", folder: "benchmarks/\(suite.name)",
          scoringProfile: scoringProfile),
        position: position)
      if let headline = suite.headline {
        try store.saveSummary(
          SuiteSummary(
            headline: headline, headlineMetric: "accuracy", values: [], count: 10, unparsedCount: 0, errorCount: 0),
          run: run, suite: suite.name, addingSeconds: 1)
      }
    }
    return run
  }

  /// Stores samples.
  func samples(run: Int64, suite: String, _ rows: [SyntheticSample]) throws {
    try store.save(
      rows.map { row in
        SampleRecord(
          runID: run, key: SampleKey(suite: suite, sampleID: row.id, repeatIndex: 0), status: row.status,
          score: row.score, breakdownJSON: "[[\"category\",\"\(row.category)\"]]",
          requestJSON:
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"path\":\"/img/\(suite)/\(row.id).png\"}]}]}",
          response: row.answer.map { "<answer>\($0)</answer>" }, extracted: row.answer,
          errorReason: row.status == .error ? "no prediction" : nil)
      })
  }
}

@Suite struct RunDiffTests {
  /// Run A's MMStar sample: right on 0–4.
  static func sampleA(_ index: Int) -> SyntheticSample {
    SyntheticSample(String(index), index < 5 ? 1 : 0, .ok, index < 5 ? "A" : "B", index < 6 ? "math" : "science")
  }

  /// Run B's MMStar sample: right on 2–8, an error on 9.
  static func sampleB(_ index: Int) -> SyntheticSample {
    let isRight = (2...8).contains(index)
    let answer: String? = index == 9 ? nil : isRight ? "A" : "C"
    return SyntheticSample(
      String(index), isRight ? 1 : 0, index == 9 ? .error : .ok, answer, index < 6 ? "math" : "science")
  }

  /// Ten MMStar samples: A right on 0–4, B right on 2–8 (improved 5–8, regressed 0–1, unchanged 2–4 and 9).
  func twoRuns(profileB: String = "vlmevalkit-0.0.20+onethinker; boxed=unwrap", hashB: String = "h1")
    throws -> (SyntheticRuns, Int64, Int64)
  {
    let runs = try SyntheticRuns()
    let a = try runs.run(
      model: "base", suites: [SyntheticSuite("mmstar", "mmstar", "general_vqa", "exact_matching", "h1", 50)])
    let b = try runs.run(
      model: "tuned", profile: profileB,
      suites: [SyntheticSuite("mmstar", "mmstar", "general_vqa", "exact_matching", hashB, 70)])
    try runs.samples(run: a, suite: "mmstar", (0..<10).map(Self.sampleA))
    try runs.samples(run: b, suite: "mmstar", (0..<10).map(Self.sampleB))
    return (runs, a, b)
  }

  @Test func countsFlipsAndTestsWithMcNemar() throws {
    let (runs, a, b) = try twoRuns()
    let diff = try RunComparer(store: runs.store).diff(a, b)
    let headline = try #require(diff.rows.first { $0.cell == nil })
    #expect(headline.comparison.count == 10)
    #expect(abs(headline.comparison.meanA - 50) < 1e-9)
    #expect(abs(headline.comparison.meanB - 70) < 1e-9)
    #expect(abs(headline.comparison.delta - 20) < 1e-9)
    #expect(headline.comparison.test == .mcnemarExact)
    // b = 2 (A only), c = 4 (B only): scipy.stats.binomtest(2, 6, 0.5).pvalue = 0.6875.
    #expect(abs(headline.comparison.pValue - 0.6875) < 1e-12)
    #expect(headline.comparison.discordantAOnly == 2)
    #expect(headline.comparison.discordantBOnly == 4)
    #expect((headline.improved, headline.regressed, headline.unchanged) == (4, 2, 4))
    let lower = try #require(headline.comparison.lower)
    let upper = try #require(headline.comparison.upper)
    #expect(lower < 20 && 20 < upper)
    #expect(diff.flips.map(\.key.sampleID) == ["0", "1", "5", "6", "7", "8"])
    #expect(diff.flips[0].a.extracted == "A")
    #expect(diff.flips[0].b.extracted == "C")
    let math = try #require(diff.rows.first { $0.cell?.key == "math" })
    // math: samples 0–5; A right on 0–4, B on 2–5.
    #expect(abs(math.comparison.meanA - 500.0 / 6) < 1e-9)
    #expect(abs(math.comparison.meanB - 400.0 / 6) < 1e-9)
    #expect((math.improved, math.regressed, math.unchanged) == (1, 2, 3))
    let science = try #require(diff.rows.first { $0.cell?.key == "science" })
    #expect((science.improved, science.regressed, science.unchanged) == (3, 0, 1))
  }

  @Test func rendersTablesAndFlippedSamples() throws {
    let (runs, a, b) = try twoRuns()
    let diff = try RunComparer(store: runs.store).diff(a, b)
    let text = diff.text(showingSamples: true)
    #expect(text.contains("McNemar exact"))
    let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("mmstar ") })
    #expect(
      Array(row.split(separator: " ").map(String.init).prefix(5)) == ["mmstar", "10", "50.00", "70.00", "+20.00"])
    #expect(text.contains("By category:"))
    #expect(text.contains("Flipped samples (6; scores in percent):"))
    #expect(
      text.split(separator: "\n").contains { $0.hasPrefix("mmstar  0 ") && $0.contains("A") && $0.hasSuffix("C") })
    #expect(!diff.text(showingSamples: false).contains("Flipped samples ("))
    #expect(diff.text(showingSamples: false).contains("6 samples changed score; list them with --samples."))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(diff.json().utf8)) as? [String: Any])
    #expect((json["flipped"] as? [Any])?.count == 6)
    let rows = try #require(json["rows"] as? [[String: Any]])
    #expect(rows.first?["test"] as? String == "McNemar exact")
    #expect(rows.first?["delta"] as? Double == 20)
  }

  @Test func refusesDifferentScoringProfilesUnlessForced() throws {
    let (runs, a, b) = try twoRuns(profileB: "vlmevalkit-0.0.20+onethinker; boxed=keep")
    #expect(
      throws: ComparisonError.profileMismatch(
        suite: "mmstar", runA: a, profileA: "vlmevalkit-0.0.20; boxed=unwrap, profile=vlmevalkit", runB: b,
        profileB: "vlmevalkit-0.0.20; boxed=keep, profile=vlmevalkit")
    ) {
      try RunComparer(store: runs.store).diff(a, b)
    }
    let forced = try RunComparer(store: runs.store).diff(a, b, settings: DiffSettings(isForced: true))
    #expect(forced.overridden.count == 1)
    #expect(forced.text(showingSamples: false).contains("--force: mmstar: scoring profiles differ"))
  }

  /// The named profile is the suite's typed column, not text inside the run's combined label.
  @Test func refusesDifferentNamedProfilesUnlessForced() throws {
    let runs = try SyntheticRuns()
    let suite = SyntheticSuite("mmstar", "mmstar", "general_vqa", "exact_matching", "h1", 50)
    let a = try runs.run(model: "base", suites: [suite])
    // The run-level label is the same text: only the suite's column differs.
    let b = try runs.run(model: "base", scoringProfile: .lmmsEval, suites: [suite])
    try runs.samples(run: a, suite: "mmstar", (0..<10).map(Self.sampleA))
    try runs.samples(run: b, suite: "mmstar", (0..<10).map(Self.sampleB))
    #expect(
      throws: ComparisonError.profileMismatch(
        suite: "mmstar", runA: a, profileA: "vlmevalkit-0.0.20; boxed=unwrap, profile=vlmevalkit", runB: b,
        profileB: "vlmevalkit-0.0.20; boxed=unwrap, profile=lmms-eval")
    ) {
      try RunComparer(store: runs.store).diff(a, b)
    }
    let forced = try RunComparer(store: runs.store).diff(a, b, settings: DiffSettings(isForced: true))
    #expect(forced.text(showingSamples: false).contains("--force: mmstar: scoring profiles differ"))
  }

  @Test func aSuiteProfileIgnoresOtherFamilies() throws {
    let (runs, a, b) = try twoRuns(profileB: "vlmevalkit-0.0.20; boxed=unwrap")
    #expect(try RunComparer(store: runs.store).diff(a, b).rows.count == 3)
  }

  @Test func refusesDifferentSuiteContentUnlessForced() throws {
    let (runs, a, b) = try twoRuns(hashB: "h2")
    #expect(throws: ComparisonError.contentMismatch(suite: "mmstar", runA: a, hashA: "h1", runB: b, hashB: "h2")) {
      try RunComparer(store: runs.store).diff(a, b)
    }
    #expect(try RunComparer(store: runs.store).diff(a, b, settings: DiffSettings(isForced: true)).overridden.count == 1)
  }

  @Test func refusesRunsWithoutSharedSuites() throws {
    let runs = try SyntheticRuns()
    let a = try runs.run(suites: [SyntheticSuite("mmstar", "mmstar", "general_vqa", "exact_matching", "h", 1)])
    let b = try runs.run(suites: [SyntheticSuite("docvqa", "docvqa", "documents", "none", "h", 1)])
    #expect(throws: ComparisonError.noSharedSuite(runA: a, runB: b)) {
      try RunComparer(store: runs.store).diff(a, b)
    }
  }

  @Test func reportsUnpairedSamplesAndUsesTheBootstrapForGradedScores() throws {
    let runs = try SyntheticRuns()
    let a = try runs.run(suites: [SyntheticSuite("docvqa", "docvqa", "documents", "none", "h", 1)])
    let b = try runs.run(suites: [SyntheticSuite("docvqa", "docvqa", "documents", "none", "h", 1)])
    try runs.samples(
      run: a, suite: "docvqa", (0..<8).map { SyntheticSample(String($0), Double($0) / 10, .ok, "x", "c") })
    try runs.samples(
      run: b, suite: "docvqa", (1..<9).map { SyntheticSample(String($0), Double($0) / 8, .ok, "y", "c") })
    let diff = try RunComparer(store: runs.store).diff(a, b)
    #expect(diff.unpaired == [UnpairedCount(suite: "docvqa", onlyA: 1, onlyB: 1)])
    let headline = try #require(diff.rows.first)
    #expect(headline.comparison.count == 7)
    #expect(headline.comparison.test == .pairedBootstrap)
    #expect(headline.improved == 7)
    #expect(diff.text(showingSamples: false).contains("docvqa: 1 samples only in A, 1 only in B (left out)."))
  }
}
