import OcularStore

/// A hand-off between scoring tasks and the one writer: results wait here until the writer takes them all.
///
/// This is group commit: while the writer commits one batch, the results that arrive form the next, so a slow
/// model commits each sample as it completes and a fast one commits many per transaction.
actor WriteQueue {
  private var pending: [SampleRecord] = []
  private var waiter: CheckedContinuation<[SampleRecord]?, Never>?
  private var isClosed = false
  private var failure: (any Error)?

  /// Hands a result to the writer; throws if the writer has failed.
  func push(_ record: SampleRecord) throws {
    if let failure { throw failure }
    if let waiter {
      self.waiter = nil
      waiter.resume(returning: [record])
    } else {
      pending.append(record)
    }
  }

  /// Takes every waiting result, waiting for one if there is none; nil once closed and drained.
  func take() async -> [SampleRecord]? {
    if !pending.isEmpty {
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
    if isClosed { return nil }
    return await withCheckedContinuation { waiter = $0 }
  }

  /// Says no more results will come.
  func close() {
    isClosed = true
    if let waiter {
      self.waiter = nil
      waiter.resume(returning: nil)
    }
  }

  /// Records that the writer failed, so producers stop.
  func fail(_ error: any Error) {
    failure = error
    pending.removeAll()
  }
}
