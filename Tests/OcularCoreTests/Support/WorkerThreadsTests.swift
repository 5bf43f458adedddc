import Foundation
import Synchronization
import Testing

@testable import OcularCore

/// The reader's checking threads: every worker runs each job once, and each on a thread of its own, so a worker that
/// waits (for the disk, in the reader) does not keep the others from running.
@Suite struct WorkerThreadsTests {
  @Test func everyWorkerRunsEveryJobOnce() {
    let threads = WorkerThreads(count: 5)
    let calls = Mutex([Int](repeating: 0, count: 5))
    for _ in 0..<200 {
      threads.run { worker in calls.withLock { $0[worker] += 1 } }
    }
    #expect(calls.withLock { $0 } == [200, 200, 200, 200, 200])
  }

  /// Eight workers meet at a barrier that opens only when all eight wait at it: a pool that ran fewer at a time (as
  /// many as the cores, like Dispatch's) would leave them waiting until the barrier gives up.
  @Test func workersThatWaitDoNotHoldOthersBack() {
    let count = 8
    let threads = WorkerThreads(count: count)
    let barrier = Barrier()
    let met = Mutex(0)
    for round in 1...3 {
      threads.run { _ in
        if barrier.arriveAndWait(until: count * round) { met.withLock { $0 += 1 } }
      }
    }
    #expect(met.withLock { $0 } == count * 3)
  }

  /// The threads end when their set is released (a reader's, when the reader ends).
  @Test(.timeLimit(.minutes(1))) func releasingTheSetEndsItsThreads() {
    var threads: WorkerThreads? = WorkerThreads(count: 6)
    let ids = Mutex([Int: String]())
    threads?.run { worker in
      // "/proc/thread-self" names the calling thread: "<pid>/task/<tid>".
      let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
      ids.withLock { $0[worker] = link }
    }
    let tasks = ids.withLock { $0 }.values.map { "/proc/" + $0 }
    #expect(Set(tasks).count == 6)
    #expect(tasks.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    threads = nil
    // Released, the set has told its threads to end and seen each leave its loop; the kernel may take a moment more.
    let deadline = Date(timeIntervalSinceNow: 10)
    while tasks.contains(where: { FileManager.default.fileExists(atPath: $0) }) && Date() < deadline {
      usleep(1_000)
    }
    #expect(tasks.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
  }
}

/// Threads wait at it until a number of arrivals, or give up after ten seconds.
private final class Barrier: @unchecked Sendable {
  private let condition = NSCondition()
  private var arrived = 0

  /// Arrives, then waits for `total` arrivals in all; false if they did not come in time.
  func arriveAndWait(until total: Int) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    arrived += 1
    condition.broadcast()
    let deadline = Date(timeIntervalSinceNow: 10)
    while arrived < total && condition.wait(until: deadline) {}
    return arrived >= total
  }
}
