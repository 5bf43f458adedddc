import Foundation

/// A fixed set of threads that run one job at a time, each calling it with its own worker number; they end when the
/// set is released.
///
/// Dispatch's pools keep about as many threads running as there are cores, so a worker that waits for the disk leaves
/// its core idle. These threads are the reader's own: while some wait for a file, the others go on, and reads of a
/// cold page cache overlap.
final class WorkerThreads: Sendable {
  private let crew: Crew

  /// Starts `count` threads (at least one), which wait for a job.
  init(count: Int) {
    let count = max(count, 1)
    let crew = Crew(count: count)
    self.crew = crew
    for worker in 0..<count {
      Thread { crew.work(as: worker) }.start()
    }
  }

  deinit {
    crew.stop()
  }

  /// Runs `job` on every thread at once and returns when all have returned.
  func run(_ job: @escaping @Sendable (Int) -> Void) {
    crew.run(job)
  }

  /// What the threads share; they hold it, not the set, so that releasing the set ends them.
  private final class Crew: @unchecked Sendable {
    // All guarded by `condition`.
    private let condition = NSCondition()
    private let count: Int
    private var job: (@Sendable (Int) -> Void)?
    private var generation = 0
    private var unfinished = 0
    private var isStopping = false
    private var live: Int

    init(count: Int) {
      self.count = count
      self.live = count
    }

    func run(_ job: @escaping @Sendable (Int) -> Void) {
      condition.lock()
      defer { condition.unlock() }
      self.job = job
      unfinished = count
      generation += 1
      condition.broadcast()
      while unfinished > 0 { condition.wait() }
      self.job = nil
    }

    /// Ends the threads and returns once they have ended (between jobs: a job runs to its end first).
    func stop() {
      condition.lock()
      defer { condition.unlock() }
      isStopping = true
      condition.broadcast()
      while live > 0 { condition.wait() }
    }

    func work(as worker: Int) {
      var done = 0
      condition.lock()
      while true {
        while generation == done && !isStopping { condition.wait() }
        if isStopping {
          live -= 1
          condition.broadcast()
          condition.unlock()
          return
        }
        done = generation
        let job = self.job!
        condition.unlock()
        job(worker)
        condition.lock()
        unfinished -= 1
        if unfinished == 0 { condition.broadcast() }
      }
    }
  }
}
