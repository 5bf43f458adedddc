import ArgumentParser
import Dispatch
import Foundation
import OcularCore
import OcularModels
import OcularReports
import OcularRunner
import OcularStore

/// `ocular eval`: evaluate a model on suites, or resume a run.
struct Eval: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate a model on suites, storing every sample as it completes.",
    discussion: """
      Examples:
        ocular eval --model builtin:baseline --suite all
        ocular eval --model replay:preds.jsonl --suite docvqa,mmstar
        ocular eval --model replay:outputs/Qwen2.5-VL-7B_MMStar.xlsx --suite mmstar
        ocular eval --model "stdio:python3 adapters/vllm_adapter.py --model Qwen/Qwen3-VL-8B-Instruct"
        ocular eval --model openai:http://127.0.0.1:8000/v1#Qwen3-VL-8B-Instruct --concurrency 64
        ocular eval --resume 3
      """)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The model: builtin:oracle, builtin:baseline, replay:FILE.jsonl, replay:FILE.xlsx|.tsv|.csv (a VLMEvalKit "
        + "prediction file; one suite; #MODEL names the model), stdio:COMMAND or openai:URL#MODEL.",
      valueName: "spec"))
  var model: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Suites to evaluate: all, or names (comma-separated or repeated).", valueName: "names"))
  var suite: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp("Continue a killed or interrupted run without redoing answered samples.", valueName: "run"))
  var resume: Int64?

  @Option(name: .long, help: "The prompt profile: paper (think/answer prompt) or dataset (its own prompt alone).")
  var promptProfile: PromptProfile = .paper

  @Option(name: .long, help: "How \\boxed{…} in answers is treated: unwrap (paper protocol) or keep (published code).")
  var boxed: BoxedHandling = .unwrap

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The scoring profile: vlmevalkit (default), published, corrected or lmms-eval (docs/benchmarks.md).",
      valueName: "name"))
  var scoringProfile: String?

  @Option(name: .long, help: "Sampling temperature (paper: 0.1).")
  var temperature: Double = GenerationParameters.paper.temperature!

  @Option(name: .long, help: "Nucleus sampling threshold (paper: 0.001).")
  var topP: Double = GenerationParameters.paper.topP!

  @Option(name: .long, help: "Most new tokens (paper: 8192).")
  var maxTokens: Int = GenerationParameters.paper.maxTokens!

  @Option(name: .long, help: "Sampling seed (paper: 0).")
  var seed: Int = GenerationParameters.paper.seed!

  @Flag(
    inversion: .prefixedNo,
    help: "Ask the model for the generated tokens' log-probabilities (entropy in ocular analyze).")
  var logprobs = true

  @Option(name: .long, help: "Answers per sample, stored as repeats 0…N−1; repeat r is sent seed + r.")
  var repeats: Int = 1

  @Option(name: .long, help: "Most requests in flight (further capped by the adapter).")
  var concurrency: Int = 16

  @Option(
    name: .long,
    help: ArgumentHelp("Evaluate only shard K of N of every suite (merge shards with ocular merge).", valueName: "K/N"))
  var shard: Shard?

  @Option(
    name: .long,
    help: "The model's box/point convention (pixel, norm1, norm1000), overriding what the adapter declares.")
  var boxFormat: BoxFormat?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "An LLM judge (any model spec) sent the reference judge prompt where a reference calls one; without it those benchmarks are scored rule-only.",
      valueName: "spec"))
  var judge: String?

  @Option(
    name: .long,
    help: "Stop the run as failed after this many requests in a row fail for one reason (0: never); resumable.")
  var maxConsecutiveErrors: Int = 20

  @Option(name: .long, help: "Seconds allowed for one request to an external model.")
  var requestTimeout: Int = 600

  @Option(name: .long, help: "The environment variable holding the HTTP API key.")
  var apiKeyEnv: String = "OCULAR_API_KEY"

  @OptionGroup var store: StoreOptions
  @OptionGroup var suites: SuiteFolderOptions
  @OptionGroup var output: OutputOptions

  func validate() throws {
    if model == nil && resume == nil { throw ValidationError("give --model SPEC, or --resume RUN") }
    if model != nil && resume != nil { throw ValidationError("--model and --resume exclude each other") }
    if shard != nil && resume != nil { throw ValidationError("--resume continues the run's own shard; drop --shard") }
    if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    if maxConsecutiveErrors < 0 { throw ValidationError("--max-consecutive-errors must not be negative") }
    if requestTimeout < 1 { throw ValidationError("--request-timeout must be at least 1 second") }
  }

  /// The adapter settings from the command line; a process adapter logs to `logs/` beside the database.
  func adapterSettings() -> AdapterSpec.Settings {
    var settings = AdapterSpec.Settings()
    settings.concurrency = concurrency
    settings.requestTimeout = .seconds(requestTimeout)
    settings.apiKeyVariable = apiKeyEnv
    let folder = (store.db as NSString).deletingLastPathComponent
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    settings.logPath = (folder.isEmpty ? "logs" : folder + "/logs") + "/adapter-\(stamp).log"
    return settings
  }

  func run() async throws {
    try await Console.reportingErrors {
      let catalog = SuiteCatalog(root: suites.suitesDir)
      let runStore: RunStore
      let reporter = ProgressReporter(isTerminal: Console.isErrorTerminal)
      let outcome: EvaluationOutcome
      if let resume {
        runStore = try RunStore(existingAt: store.db)
        let run = try runStore.run(id: resume)
        let storedOptions = try JSONDecoder().decode(ScoringOptions.self, from: Data(run.scoringOptionsJSON.utf8))
        if let scoringProfile, try ScoringProfile(parsing: scoringProfile) != storedOptions.profile {
          throw RunnerError.invalidSetting(
            "run \(resume) is scored under profile \(storedOptions.profile.rawValue); a resumed run keeps its profile "
              + "(re-score it afterwards with: ocular rescore \(resume) --scoring-profile \(scoringProfile))")
        }
        if run.status == .completed, try !runStore.hasErrors(run: resume) {
          throw RunnerError.nothingToResume(run: resume)
        }
        let chosen = try catalog.open(selection: run.suiteNames)
        let adapter = try await AdapterSpec(parsing: run.modelSpec).makeAdapter(settings: adapterSettings())
        let judgeSpec = storedOptions.judge
        let judgeAdapter: (any ModelAdapter)? =
          if let judgeSpec { try await AdapterSpec(parsing: judgeSpec).makeAdapter(settings: adapterSettings()) } else {
            nil
          }
        let evaluator = Evaluator(store: runStore, adapter: adapter, observer: reporter, judge: judgeAdapter)
        outcome = try await reportingFailedRun {
          try await Self.cancellableOnSignal {
            let outcome = try await evaluator.resume(
              run: run, suites: chosen, concurrency: concurrency, maximumConsecutiveErrors: maxConsecutiveErrors)
            await adapter.close()
            await judgeAdapter?.close()
            return outcome
          }
        }
      } else {
        let spec = try AdapterSpec(parsing: model ?? "")
        let profile = try scoringProfile.map { name throws(CoreError) in try ScoringProfile(parsing: name) } ?? .default
        let chosen = try catalog.open(selection: suite)
        // Suites are checked first (bad input fails in seconds, before a model loads), the store is created last
        // (a command that fails leaves none behind).
        let prepared = try Evaluator.check(chosen, observer: reporter)
        let adapter = try await spec.makeAdapter(settings: adapterSettings())
        let judgeSpec = try judge.map { try AdapterSpec(parsing: $0) }
        let judgeAdapter = try await judgeSpec?.makeAdapter(settings: adapterSettings())
        try Evaluator.checkCoverage(of: prepared, adapter: adapter, observer: reporter)
        // Created only once the model answered its start-up check: a model that cannot be reached leaves no store.
        runStore = try RunStore(path: store.db)
        let settings = EvaluationSettings(
          parameters: GenerationParameters(
            temperature: temperature, topP: topP, maxTokens: maxTokens, seed: seed, isAskingForLogprobs: logprobs),
          promptProfile: promptProfile,
          scoringOptions: ScoringOptions(
            boxed: boxed, boxFormat: boxFormat ?? adapter.description.boxFormat, judge: judgeSpec?.description,
            profile: profile),
          repeats: repeats, concurrency: concurrency, shard: shard, maximumConsecutiveErrors: maxConsecutiveErrors)
        let evaluator = Evaluator(store: runStore, adapter: adapter, observer: reporter, judge: judgeAdapter)
        outcome = try await reportingFailedRun {
          try await Self.cancellableOnSignal {
            let outcome = try await evaluator.start(
              prepared: prepared, modelSpec: spec.description, settings: settings)
            await adapter.close()
            await judgeAdapter?.close()
            return outcome
          }
        }
      }
      reporter.finish()
      let reports = RunReports(store: runStore)
      let id = outcome.run.id
      if output.json {
        Console.print(try reports.detailJSON(run: id, suite: nil) + "\n")
      } else {
        Console.print("\n" + (try reports.suiteTable(run: id)))
        let sampleNote =
          try runStore.suites(run: id).contains { !$0.isFullData }
          ? "Suites without imported data used their bundled sample sets.\n" : ""
        Console.print(
          "\n\(sampleNote)Stored as run \(id) in \(store.db).\n"
            + "Look at it with: ocular show \(id)\(store.argument)   |   "
            + "ocular export \(id) --format jsonl\(store.argument)\n")
      }
      if outcome.wasInterrupted {
        Console.note("ocular: interrupted; answered samples are stored. Resume with: \(resumeCommand(id))")
        throw ExitCode(130)
      }
    }
  }

  /// The command that resumes a run, with this invocation's database and suites folder.
  func resumeCommand(_ run: Int64) -> String {
    "ocular eval --resume \(run)\(store.argument)\(suites.argument)"
  }

  /// Runs an evaluation; a run stopped as failed is reported with the command that resumes it.
  func reportingFailedRun(
    _ body: () async throws -> EvaluationOutcome
  ) async throws -> EvaluationOutcome {
    do {
      return try await body()
    } catch let error as RunnerError {
      guard case .modelFailing(let run, _, _) = error else { throw error }
      Console.note("ocular: error: \(error)")
      Console.note("Resume with: \(resumeCommand(run))")
      throw ExitCode(3)
    }
  }

  /// Runs an evaluation that SIGINT or SIGTERM cancels gracefully (a second signal exits at once).
  static func cancellableOnSignal<T: Sendable>(
    _ body: @escaping @Sendable () async throws -> T
  ) async throws -> T {
    let task = Task { try await body() }
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      let state = SignalState()
      source.setEventHandler {
        if state.markSeen() {
          FileHandle.standardError.write(Data("\nocular: stopping after the samples in flight…\n".utf8))
          task.cancel()
        } else {
          Foundation.exit(130)
        }
      }
      source.resume()
      sources.append(source)
    }
    defer { sources.forEach { $0.cancel() } }
    return try await task.value
  }
}

/// Whether a signal was already seen once.
private final class SignalState: @unchecked Sendable {
  private let lock = NSLock()
  private var isSeen = false

  /// Marks the signal seen; returns true the first time.
  func markSeen() -> Bool {
    lock.withLock {
      defer { isSeen = true }
      return !isSeen
    }
  }
}

extension PromptProfile: ExpressibleByArgument {}
extension BoxFormat: ExpressibleByArgument {}
extension BoxedHandling: ExpressibleByArgument {}
