import Foundation
import GRDB
import OcularCore

/// The order of a page of samples.
public enum SampleOrder: String, Sendable, Hashable, CaseIterable {
  /// By sample id, then repeat (the index's order).
  case id
  /// Lowest score first, then by id.
  case scoreAscending = "score"
  /// Highest score first, then by id.
  case scoreDescending = "-score"
}

/// Which samples of a run's suite to list, and which page of them.
public struct SampleQuery: Sendable, Hashable {
  /// The suite.
  public var suite: String
  /// Only samples of these statuses (every status when empty).
  public var statuses: [SampleStatus]
  /// Only samples scoring at least this.
  public var minimumScore: Double?
  /// Only samples scoring at most this.
  public var maximumScore: Double?
  /// Only samples counted in this breakdown cell (`category` = `chart`, `split` = `val`).
  public var cell: BreakdownKey?
  /// Only samples whose prompt, response or extracted answer contains this text (ASCII letters in any case).
  public var text: String?
  /// The order.
  public var order: SampleOrder
  /// Samples skipped before the page.
  public var offset: Int
  /// The most samples on the page.
  public var limit: Int
  /// The most matching samples a filtered query counts (an unfiltered count reads only the index and is exact).
  public var countLimit: Int

  /// Creates a query; by default the first 50 samples of a suite in id order.
  public init(
    suite: String, statuses: [SampleStatus] = [], minimumScore: Double? = nil, maximumScore: Double? = nil,
    cell: BreakdownKey? = nil, text: String? = nil, order: SampleOrder = .id, offset: Int = 0, limit: Int = 50,
    countLimit: Int = 10_000
  ) {
    self.suite = suite
    self.statuses = statuses
    self.minimumScore = minimumScore
    self.maximumScore = maximumScore
    self.cell = cell
    self.text = text
    self.order = order
    self.offset = offset
    self.limit = limit
    self.countLimit = countLimit
  }
}

/// One line of a page of samples: what a list shows, without the prompt or the full response.
public struct SampleListing: Sendable, Hashable {
  /// Which sample and repeat.
  public var key: SampleKey
  /// ok, unparsed or error.
  public var status: SampleStatus
  /// The primary score (0 for errors).
  public var score: Double
  /// The start of the extracted answer (at most 200 characters).
  public var extractedPrefix: String?
  /// What the scorer read from the answer.
  public var parsed: String?
  /// The reason of an error.
  public var errorReason: String?
}

/// A page of samples and how many match the query in all.
public struct SamplePage: Sendable, Hashable {
  /// The samples on the page, in the query's order.
  public var samples: [SampleListing]
  /// The samples matching the query, over every page; at most the query's ``SampleQuery/countLimit`` when it filters.
  public var total: Int
  /// A Boolean value that indicates whether more samples match than ``total`` says (a filtered count stops at
  /// the query's count limit, so that a filter never reads a whole run just to count).
  public var isTotalTruncated: Bool
}

extension RunStore {
  /// A page of a run's samples of one suite, filtered and sorted; the query walks the samples index and stops at the
  /// page's end, so nothing reads a whole run into memory.
  public func samplePage(run id: Int64, query: SampleQuery) throws(StoreError) -> SamplePage {
    var conditions = ["run_id = ?", "suite = ?"]
    var arguments: [any DatabaseValueConvertible] = [id, query.suite]
    if !query.statuses.isEmpty {
      conditions.append("status IN (" + query.statuses.map { _ in "?" }.joined(separator: ",") + ")")
      arguments += query.statuses.map(\.rawValue)
    }
    if let minimum = query.minimumScore {
      conditions.append("score >= ?")
      arguments.append(minimum)
    }
    if let maximum = query.maximumScore {
      conditions.append("score <= ?")
      arguments.append(maximum)
    }
    if let cell = query.cell {
      // The stored breakdown is a JSON array of [dimension, key] pairs, written without spaces.
      let pair = String(decoding: (try? JSONEncoder().encode(cell)) ?? Data(), as: UTF8.self)
      conditions.append("instr(breakdown_json, ?) > 0")
      arguments.append(pair)
    }
    if let text = query.text, !text.isEmpty {
      let pattern = "%" + Self.likeEscaped(text) + "%"
      conditions.append(
        "(CAST(response AS TEXT) LIKE ? ESCAPE '\\' OR CAST(extracted AS TEXT) LIKE ? ESCAPE '\\' "
          + "OR request_json LIKE ? ESCAPE '\\')")
      arguments += [pattern, pattern, pattern]
    }
    let isFiltered = conditions.count > 2
    let filter = conditions.joined(separator: " AND ")
    let order: String
    switch query.order {
    case .id: order = "sample_id, repeat"
    case .scoreAscending: order = "score, sample_id, repeat"
    case .scoreDescending: order = "score DESC, sample_id, repeat"
    }
    let limit = max(0, min(query.limit, 1000))
    let offset = max(0, query.offset)
    do {
      return try writerForTesting.read { db in
        let rows = try Row.fetchAll(
          db,
          sql: """
            SELECT sample_id, repeat, status, score, substr(CAST(extracted AS TEXT), 1, 200), parsed, error
            FROM samples WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?
            """,
          arguments: StatementArguments(arguments + [limit, offset]))
        let listings = rows.map { row in
          SampleListing(
            key: SampleKey(suite: query.suite, sampleID: row[0], repeatIndex: row[1]),
            status: SampleStatus(rawValue: row[2]) ?? .error, score: row[3], extractedPrefix: Self.text(row[4]),
            parsed: Self.text(row[5]), errorReason: row[6])
        }
        // Unfiltered, the count reads only the index; filtered, it stops at the query's count limit.
        let countSQL =
          isFiltered
          ? "SELECT COUNT(*) FROM (SELECT 1 FROM samples WHERE \(filter) LIMIT \(query.countLimit + 1))"
          : "SELECT COUNT(*) FROM samples WHERE \(filter)"
        let count = try Int.fetchOne(db, sql: countSQL, arguments: StatementArguments(arguments)) ?? 0
        return SamplePage(
          samples: listings, total: isFiltered ? min(count, query.countLimit) : count,
          isTotalTruncated: isFiltered && count > query.countLimit)
      }
    } catch {
      throw .database(path: path, message: Self.message(error))
    }
  }

  /// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
  static func likeEscaped(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}
