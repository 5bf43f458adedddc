import Foundation
import OcularCore
import OcularReports
import OcularStore
import Synchronization

/// An answer of the viewer: a status, a content type and a body.
public struct ViewerResponse: Sendable {
  /// The HTTP status code.
  public var status: Int
  /// The `Content-Type` header.
  public var contentType: String
  /// The body.
  public var body: Data

  /// A JSON answer.
  static func json(_ value: JSONValue, status: Int = 200) -> ViewerResponse {
    ViewerResponse(status: status, contentType: "application/json; charset=utf-8", body: Data(value.jsonText().utf8))
  }

  /// An error answer: `{"error": "…"}`.
  static func error(_ error: ViewerAPIError) -> ViewerResponse {
    json(.object(["error": .string(error.message)]), status: error.status)
  }
}

/// The viewer's pages and JSON API over a run store opened read-only.
///
/// Every answer is computed from paged, indexed queries (a sample page, one sample, one image), except a diff, which
/// reads both runs once as `ocular diff` does and is then kept for paging its flips.
public final class ViewerAPI: Sendable {
  /// The store, opened read-only.
  public let store: RunStore
  /// The folder of suites to look in when a run's recorded suite folder is gone.
  public let suitesDirectory: String?
  /// The last diffs computed, newest last, for paging their flips.
  private let diffs = Mutex<[(key: String, diff: RunDiff)]>([])
  /// How many diffs are kept.
  private static let keptDiffs = 4
  /// The most samples a page may list.
  public static let maximumPageSize = 500

  /// Creates the API over a store.
  public init(store: RunStore, suitesDirectory: String?) {
    self.store = store
    self.suitesDirectory = suitesDirectory
  }

  /// Answers a GET request.
  ///
  /// - Parameters:
  ///   - path: The request's path as sent (percent-encoded), without the query.
  ///   - query: The query parameters, decoded.
  public func respond(path: String, query: [String: String]) -> ViewerResponse {
    let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
      String($0).removingPercentEncoding ?? String($0)
    }
    do {
      return try route(segments, query: query)
    } catch {
      return .error(error)
    }
  }

  private func route(_ segments: [String], query: [String: String]) throws(ViewerAPIError) -> ViewerResponse {
    switch segments.count {
    case 0:
      return ViewerResponse(status: 200, contentType: "text/html; charset=utf-8", body: Data(ViewerPage.html.utf8))
    case 1 where segments[0] == "app.js":
      return ViewerResponse(
        status: 200, contentType: "text/javascript; charset=utf-8", body: Data(ViewerPage.script.utf8))
    case 1 where segments[0] == "app.css":
      return ViewerResponse(status: 200, contentType: "text/css; charset=utf-8", body: Data(ViewerPage.style.utf8))
    default:
      break
    }
    guard segments.first == "api" else { throw .notFound("no page at /\(segments.joined(separator: "/"))") }
    let rest = Array(segments.dropFirst())
    switch rest.count {
    case 1 where rest[0] == "runs": return .json(try runs())
    case 1 where rest[0] == "leaderboard": return .json(try leaderboard(query))
    case 1 where rest[0] == "diff": return .json(try diff(query))
    case 2 where rest[0] == "runs": return .json(try run(try Self.runID(rest[1])))
    case 4 where rest[0] == "runs" && rest[2] == "suites":
      return .json(try suite(run: try Self.runID(rest[1]), suite: rest[3]))
    case 5 where rest[0] == "runs" && rest[2] == "suites" && rest[4] == "samples":
      return .json(try samples(run: try Self.runID(rest[1]), suite: rest[3], query: query))
    case 6 where rest[0] == "runs" && rest[2] == "suites" && rest[4] == "samples":
      return .json(try sample(run: try Self.runID(rest[1]), suite: rest[3], id: rest[5], query: query))
    case 5 where rest[0] == "runs" && rest[2] == "suites" && rest[4] == "image":
      let file = try image(run: try Self.runID(rest[1]), suite: rest[3], path: query["path"] ?? "")
      return ViewerResponse(status: 200, contentType: file.contentType, body: file.bytes)
    default:
      throw .notFound("no API at /api/\(rest.joined(separator: "/")) (see docs/viewer.md)")
    }
  }

  // MARK: - Parameters

  private static func runID(_ text: String) throws(ViewerAPIError) -> Int64 {
    guard let id = Int64(text), id > 0 else { throw .badRequest("run id \"\(text)\" is not a positive integer") }
    return id
  }

  private static func integer(_ query: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>)
    throws(ViewerAPIError) -> Int
  {
    guard let text = query[name], !text.isEmpty else { return value }
    guard let number = Int(text), range.contains(number) else {
      throw .badRequest("\(name)=\(text) must be an integer in \(range.lowerBound)…\(range.upperBound)")
    }
    return number
  }

  private static func number(_ query: [String: String], _ name: String) throws(ViewerAPIError) -> Double? {
    guard let text = query[name], !text.isEmpty else { return nil }
    guard let number = Double(text), number.isFinite else { throw .badRequest("\(name)=\(text) is not a number") }
    return number
  }

  private static func flag(_ query: [String: String], _ name: String) -> Bool {
    ["1", "true", "yes"].contains(query[name] ?? "")
  }

  /// Runs a store call, mapping an unknown run to 404 and other failures to 500.
  private func stored<T>(_ body: () throws(StoreError) -> T) throws(ViewerAPIError) -> T {
    do {
      return try body()
    } catch {
      if case .unknownRun = error { throw .notFound(error.description) }
      throw .internalError(error.description)
    }
  }

  // MARK: - Runs and leaderboards

  private static func runObject(_ run: RunRecord) -> JSONValue {
    .object([
      "id": .number(Double(run.id)), "created_at": .string(run.createdAt),
      "finished_at": run.finishedAt.map(JSONValue.string) ?? .null, "status": .string(run.status.rawValue),
      "model_spec": .string(run.modelSpec), "model": .string(run.modelName),
      "prompt_profile": .string(run.promptProfile), "scoring_profile": .string(run.scoringProfile),
      "scoring_options": (try? JSONValue.parse(Data(run.scoringOptionsJSON.utf8))) ?? .null,
      "parameters": (try? JSONValue.parse(Data(run.parametersJSON.utf8))) ?? .null,
      "repeats": .number(Double(run.repeats)), "harness_version": .string(run.harnessVersion),
      "git_revision": run.gitRevision.map(JSONValue.string) ?? .null,
      "suites": .array(run.suiteNames.map(JSONValue.string)),
    ])
  }

  private func leaderboardJSON(_ settings: LeaderboardSettings) throws(ViewerAPIError) -> JSONValue {
    try Self.answering {
      let board = try Leaderboard.build(store: store, settings: settings)
      return try JSONValue.parse(Data(board.json().utf8))
    }
  }

  /// Runs a report, turning an unknown run into 404, runs that cannot be compared into 409, anything else into 500.
  private static func answering<T>(_ body: () throws -> T) throws(ViewerAPIError) -> T {
    do {
      return try body()
    } catch let error as StoreError {
      if case .unknownRun = error { throw .notFound(error.description) }
      throw .internalError(error.description)
    } catch let error as ComparisonError {
      throw .conflict(error.description)
    } catch {
      throw .internalError("\(error)")
    }
  }

  /// Every run (newest first) and the leaderboard's rows for them (the paper's groups, averages and overall).
  func runs() throws(ViewerAPIError) -> JSONValue {
    let runs = try stored { () throws(StoreError) in try store.runs() }
    let board =
      runs.isEmpty
      ? JSONValue.null
      : try leaderboardJSON(LeaderboardSettings(isForced: true, includesStatistics: false))
    return .object(["runs": .array(runs.map(Self.runObject)), "leaderboard": board])
  }

  /// The paper's table for chosen runs (`runs=1,2`, optional `baseline=1`, `statistics=1`).
  func leaderboard(_ query: [String: String]) throws(ViewerAPIError) -> JSONValue {
    var ids: [Int64] = []
    for part in (query["runs"] ?? "").split(separator: ",") {
      ids.append(try Self.runID(String(part)))
    }
    guard !ids.isEmpty else { throw .badRequest("the query needs runs=ID,ID,…") }
    let baseline = try query["baseline"].flatMap { text throws(ViewerAPIError) in
      text.isEmpty ? nil : try Self.runID(text)
    }
    return try leaderboardJSON(
      LeaderboardSettings(
        runs: ids, baseline: baseline, isForced: Self.flag(query, "force"),
        includesStatistics: Self.flag(query, "statistics")))
  }

  /// A run with its suites: headline, counts, and the breakdown cells each suite can be filtered by.
  func run(_ id: Int64) throws(ViewerAPIError) -> JSONValue {
    let run = try stored { () throws(StoreError) in try store.run(id: id) }
    let suites = try stored { () throws(StoreError) in try store.suites(run: id) }
    var suiteValues: [JSONValue] = []
    for suite in suites {
      suiteValues.append(try suiteObject(suite))
    }
    return .object(["run": Self.runObject(run), "suites": .array(suiteValues)])
  }

  private func suiteObject(_ suite: RunSuiteRecord) throws(ViewerAPIError) -> JSONValue {
    let metrics = try stored { () throws(StoreError) in try store.metrics(run: suite.runID, suite: suite.suite) }
    var cells: [String: [String]] = [:]
    for metric in metrics where metric.dimension != "overall" {
      if !(cells[metric.dimension]?.contains(metric.key) ?? false) {
        cells[metric.dimension, default: []].append(metric.key)
      }
    }
    return .object([
      "suite": .string(suite.suite), "benchmark": .string(suite.benchmark), "title": .string(suite.title),
      "group": .string(suite.group), "metric": .string(suite.metric), "headline_metric": .string(suite.headlineMetric),
      "headline": suite.headline.map(JSONValue.number) ?? .null, "samples": .number(Double(suite.sampleCount)),
      "unparsed": suite.unparsedCount.map { .number(Double($0)) } ?? .null,
      "errors": suite.errorCount.map { .number(Double($0)) } ?? .null, "full_data": .bool(suite.isFullData),
      "judge_label": .string(suite.judgeLabel), "reference": .string(suite.reference),
      "scoring_profile": .string(suite.scoringProfile.rawValue),
      "scoring_profile_note": suite.scoringProfileNote.map(JSONValue.string) ?? .null,
      "cells": .object(cells.mapValues { .array($0.sorted().map(JSONValue.string)) }),
    ])
  }

  /// One suite of a run.
  func suite(run id: Int64, suite name: String) throws(ViewerAPIError) -> JSONValue {
    try suiteObject(try suiteRecord(run: id, suite: name))
  }

  private func suiteRecord(run id: Int64, suite name: String) throws(ViewerAPIError) -> RunSuiteRecord {
    let suites = try stored { () throws(StoreError) in try store.suites(run: id) }
    guard let suite = suites.first(where: { $0.suite == name }) else {
      _ = try stored { () throws(StoreError) in try store.run(id: id) }
      throw .notFound("run \(id) has no suite \"\(name)\"")
    }
    return suite
  }

  // MARK: - Samples

  /// A page of a suite's samples: filters `status`, `min`, `max`, `dimension`+`key`, `q`; `sort` (`id`, `score`,
  /// `-score`); `offset`, `limit`.
  func samples(run id: Int64, suite name: String, query: [String: String]) throws(ViewerAPIError) -> JSONValue {
    _ = try suiteRecord(run: id, suite: name)
    var statuses: [SampleStatus] = []
    for part in (query["status"] ?? "").split(separator: ",") {
      guard let status = SampleStatus(rawValue: String(part)) else {
        throw .badRequest("status=\(part) is not one of ok, unparsed, error")
      }
      statuses.append(status)
    }
    var order = SampleOrder.id
    if let text = query["sort"], !text.isEmpty {
      guard let chosen = SampleOrder(rawValue: text) else {
        throw .badRequest("sort=\(text) is not id, score or -score")
      }
      order = chosen
    }
    var cell: BreakdownKey?
    if let dimension = query["dimension"], !dimension.isEmpty {
      guard let key = query["key"], !key.isEmpty else { throw .badRequest("dimension=\(dimension) needs key=…") }
      cell = BreakdownKey(dimension, key)
    }
    let sampleQuery = SampleQuery(
      suite: name, statuses: statuses, minimumScore: try Self.number(query, "min"),
      maximumScore: try Self.number(query, "max"), cell: cell, text: query["q"], order: order,
      offset: try Self.integer(query, "offset", default: 0, range: 0...Int(Int32.max)),
      limit: try Self.integer(query, "limit", default: 50, range: 1...Self.maximumPageSize))
    let page = try stored { () throws(StoreError) in try store.samplePage(run: id, query: sampleQuery) }
    return .object([
      "run": .number(Double(id)), "suite": .string(name), "total": .number(Double(page.total)),
      "total_is_lower_bound": .bool(page.isTotalTruncated),
      "offset": .number(Double(sampleQuery.offset)), "limit": .number(Double(sampleQuery.limit)),
      "samples": .array(
        page.samples.map { listing in
          .object([
            "id": .string(listing.key.sampleID), "repeat": .number(Double(listing.key.repeatIndex)),
            "status": .string(listing.status.rawValue), "score": .number(listing.score),
            "extracted": listing.extractedPrefix.map(JSONValue.string) ?? .null,
            "parsed": listing.parsed.map(JSONValue.string) ?? .null,
            "error": listing.errorReason.map(JSONValue.string) ?? .null,
          ])
        }),
    ])
  }

  /// The suite a run recorded, opened from its recorded folder, or from `--suites-dir` when that folder is gone.
  private func openSuite(_ record: RunSuiteRecord) -> Result<Suite, ViewerAPIError> {
    if FileManager.default.fileExists(
      atPath: (record.folder as NSString).appendingPathComponent(Suite.manifestFileName)),
      let suite = try? Suite(exactFolder: record.folder, isFullData: record.isFullData)
    {
      return .success(suite)
    }
    if let suitesDirectory {
      let folder = (suitesDirectory as NSString).appendingPathComponent(record.suite)
      if let suite = try? Suite.open(folder: folder), suite.name == record.suite {
        return .success(suite)
      }
    }
    return .failure(
      .notFound(
        "the suite folder \(record.folder) recorded by run \(record.runID) is gone; pass --suites-dir with a folder "
          + "holding \(record.suite)/"))
  }

  /// The URL of a file of a run's suite.
  private static func imageURL(run id: Int64, suite: String, relative: String) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&+=#?")
    var pathAllowed = CharacterSet.urlPathAllowed
    pathAllowed.remove(charactersIn: "/?#")
    let suitePart = suite.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? suite
    return "/api/runs/\(id)/suites/\(suitePart)/image?path="
      + (relative.addingPercentEncoding(withAllowedCharacters: allowed) ?? relative)
  }

  /// One sample of a run (`repeat=N`, default the first): prompt as sent, images, gold, answers, score, notes, judge
  /// output and the grounding overlay.
  func sample(run id: Int64, suite name: String, id sampleID: String, query: [String: String]) throws(ViewerAPIError)
    -> JSONValue
  {
    let record = try suiteRecord(run: id, suite: name)
    let runRecord = try stored { () throws(StoreError) in try store.run(id: id) }
    let stored = try stored { () throws(StoreError) in try store.samples(run: id, suite: name, sampleID: sampleID) }
    guard !stored.isEmpty else { throw .notFound("run \(id) has no sample \"\(sampleID)\" in \(name)") }
    let repeatIndex = try Self.integer(query, "repeat", default: stored[0].key.repeatIndex, range: 0...Int(Int32.max))
    guard let sample = stored.first(where: { $0.key.repeatIndex == repeatIndex }) else {
      throw .notFound("sample \"\(sampleID)\" of \(name) in run \(id) has no repeat \(repeatIndex)")
    }
    let options =
      (try? JSONDecoder().decode(ScoringOptions.self, from: Data(runRecord.scoringOptionsJSON.utf8)))
      ?? ScoringOptions()
    let url = { (relative: String) in Self.imageURL(run: id, suite: name, relative: relative) }
    let recordedFolder = SuiteFileGate.realPath(record.folder) ?? record.folder
    func relative(_ absolute: String) -> String? {
      for folder in [record.folder, recordedFolder] where absolute.hasPrefix(folder + "/") {
        return String(absolute.dropFirst(folder.count + 1))
      }
      return nil
    }
    // The prompt as sent, each image given the URL that serves it.
    var prompt: JSONValue = .null
    var parameters: JSONValue = .null
    var images: [JSONValue] = []
    if case .object(let request)? = try? JSONValue.parse(Data(sample.requestJSON.utf8)) {
      parameters = request["params"] ?? .null
      if case .array(let messages)? = request["messages"] {
        prompt = .array(
          messages.map { message -> JSONValue in
            guard case .object(var fields) = message, case .array(let parts)? = fields["content"] else {
              return message
            }
            fields["content"] = .array(
              parts.map { part -> JSONValue in
                guard case .object(var partFields) = part, partFields["type"]?.stringValue == "image",
                  let path = partFields["path"]?.stringValue
                else { return part }
                let shown = relative(path)
                partFields["path"] = .string(shown ?? path)
                partFields["url"] = shown.map { .string(url($0)) } ?? .null
                images.append(.object(["path": .string(shown ?? path), "url": partFields["url"] ?? .null]))
                return .object(partFields)
              })
            return .object(fields)
          })
      }
    }
    // The suite record: gold, the record's fields and the overlay.
    var gold: JSONValue = .null
    var recordValue: JSONValue = .null
    var overlay: JSONValue = .null
    var recordProblem: JSONValue = .null
    switch openSuite(record) {
    case .failure(let error):
      recordProblem = .string(error.message)
    case .success(let suite):
      do {
        if let found = try suite.sample(withID: sampleID) {
          recordValue = .object(found.record)
          let oracle = suite.benchmark.oracleResponse(for: found)
          gold = .string(suite.benchmark.extractor(options: options).extract(oracle).answer)
          let sizes = found.images.map { image -> JSONValue in
            .object(["width": .number(Double(image.width)), "height": .number(Double(image.height))])
          }
          for index in images.indices where index < sizes.count {
            if case .object(var fields) = images[index], case .object(let size) = sizes[index] {
              fields.merge(size) { $1 }
              images[index] = .object(fields)
            }
          }
          overlay =
            SampleOverlay.make(
              benchmark: suite.benchmark, sample: found, parsed: sample.parsed, extracted: sample.extracted,
              options: options, folder: suite.folder
            )?.json(imageURL: url) ?? .null
        } else {
          recordProblem = .string("no record \"\(sampleID)\" in the suite folder \(suite.displayFolder) now")
        }
      } catch {
        recordProblem = .string(error.description)
      }
    }
    func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    return .object([
      "run": .number(Double(id)), "suite": .string(name), "benchmark": .string(record.benchmark),
      "id": .string(sampleID), "repeat": .number(Double(sample.key.repeatIndex)),
      "repeats": .array(stored.map { .number(Double($0.key.repeatIndex)) }), "status": .string(sample.status.rawValue),
      "score": .number(sample.score),
      "measures": .object(sample.measures.mapValues(JSONValue.number)),
      "parsed": text(sample.parsed), "notes": .array(sample.notes.map(JSONValue.string)),
      "breakdown": .array(sample.breakdown.map { .array([.string($0.dimension), .string($0.key)]) }),
      "prompt": prompt, "parameters": parameters, "images": .array(images), "response": text(sample.response),
      "thinking": text(sample.thinking), "extracted": text(sample.extracted),
      "has_answer_tag": .bool(sample.hasAnswerTag), "answer_in_think": .bool(sample.isAnswerInThink),
      "error": text(sample.errorReason),
      "judge_exchanges": .array(sample.judgeExchanges.map(SampleExporter.value(of:))),
      "latency_ms": sample.latencyMilliseconds.map(JSONValue.number) ?? .null,
      "prompt_tokens": sample.promptTokens.map { .number(Double($0)) } ?? .null,
      "completion_tokens": sample.completionTokens.map { .number(Double($0)) } ?? .null,
      "gold": gold, "record": recordValue, "record_problem": recordProblem, "overlay": overlay,
      "box_format": options.boxFormat.map { .string($0.rawValue) } ?? .null,
    ])
  }

  /// An image (or mask) of a run's suite, by its path relative to the suite folder.
  func image(run id: Int64, suite name: String, path: String) throws(ViewerAPIError) -> SuiteFileGate.ImageFile {
    let record = try suiteRecord(run: id, suite: name)
    let suite = try openSuite(record).get()
    guard let gate = SuiteFileGate(folder: suite.folder) else {
      throw .notFound("the suite folder \(suite.displayFolder) is gone")
    }
    return try gate.image(at: path)
  }

  // MARK: - Diffs

  /// Run B against run A (`a`, `b`, `force`): the rows `ocular diff` computes, and a page of the flipped samples
  /// (`flips=improved|regressed|all`, `suite`, `offset`, `limit`).
  func diff(_ query: [String: String]) throws(ViewerAPIError) -> JSONValue {
    guard let textA = query["a"], let textB = query["b"] else { throw .badRequest("the query needs a=RUN&b=RUN") }
    let a = try Self.runID(textA)
    let b = try Self.runID(textB)
    let isForced = Self.flag(query, "force")
    let key = "\(a)-\(b)-\(isForced)"
    let diff: RunDiff
    if let cached = diffs.withLock({ $0.first { $0.key == key }?.diff }) {
      diff = cached
    } else {
      diff = try Self.answering { try RunComparer(store: store).diff(a, b, settings: DiffSettings(isForced: isForced)) }
      diffs.withLock { kept in
        kept.removeAll { $0.key == key }
        kept.append((key, diff))
        if kept.count > Self.keptDiffs { kept.removeFirst() }
      }
    }
    let direction = query["flips"] ?? "all"
    guard ["all", "improved", "regressed"].contains(direction) else {
      throw .badRequest("flips=\(direction) is not all, improved or regressed")
    }
    let suite = query["suite"].flatMap { $0.isEmpty ? nil : $0 }
    let offset = try Self.integer(query, "offset", default: 0, range: 0...Int(Int32.max))
    let limit = try Self.integer(query, "limit", default: 50, range: 1...Self.maximumPageSize)
    func score(_ side: PairedSide) -> Double { side.status == .error ? 0 : side.score }
    let chosen = diff.flips.filter { flip in
      if let suite, flip.key.suite != suite { return false }
      switch direction {
      case "improved": return score(flip.b) > score(flip.a)
      case "regressed": return score(flip.b) < score(flip.a)
      default: return true
      }
    }
    func side(_ side: PairedSide) -> JSONValue {
      .object([
        "status": .string(side.status.rawValue), "score": .number(side.score),
        "extracted": side.extracted.map(JSONValue.string) ?? .null,
        "parsed": side.parsed.map(JSONValue.string) ?? .null,
        "error": side.errorReason.map(JSONValue.string) ?? .null,
      ])
    }
    guard case .object(var object) = (try? JSONValue.parse(Data(diff.json(includingSamples: false).utf8))) ?? .null
    else { throw .internalError("the diff could not be rendered") }
    object["flips_total"] = .number(Double(chosen.count))
    object["flips_offset"] = .number(Double(offset))
    object["flips"] = .array(
      chosen.dropFirst(offset).prefix(limit).map { flip in
        .object([
          "suite": .string(flip.key.suite), "id": .string(flip.key.sampleID),
          "repeat": .number(Double(flip.key.repeatIndex)),
          "direction": .string(score(flip.b) > score(flip.a) ? "improved" : "regressed"), "a": side(flip.a),
          "b": side(flip.b),
        ])
      })
    return .object(object)
  }
}
