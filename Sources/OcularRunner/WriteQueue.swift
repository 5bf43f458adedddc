import OcularStore

/// A hand-off between scoring tasks and the one writer: results wait here until the writer takes them all.
///
/// This is group commit: while the writer commits one batch, the results that arrive form the next, so a slow
/// model commits each sample as it completes and a fast one commits many per transaction. The queue holds at most
/// ``capacity`` results: beyond that, producers wait for the writer, so memory stays bounded when scoring outruns
/// SQLite.
actor WriteQueue {
  /// The most results that wait at once before producers are held back.
  let capacity: Int
  private var pending: [SampleRecord] = []
  private var waiter: CheckedContinuation<[SampleRecord]?, Never>?
  private var heldProducers: [CheckedContinuation<Void, Never>] = []
  private var isClosed = false
  private var failure: (any Error)?

  /// Creates a queue holding at most `capacity` results.
  init(capacity: Int = 4096) {
    self.capacity = capacity
  }

  /// Hands a result to the writer, waiting while the queue is full; throws if the writer has failed.
  func push(_ record: SampleRecord) async throws {
    while pending.count >= capacity, failure == nil {
      await withCheckedContinuation { heldProducers.append($0) }
    }
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
      let batch = pending
      pending = []
      pending.reserveCapacity(min(batch.count, capacity))
      releaseProducers()
      return batch
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
    releaseProducers()
  }

  private func releaseProducers() {
    let held = heldProducers
    heldProducers.removeAll()
    for producer in held { producer.resume() }
  }
}
