import ArgumentParser
import Foundation
import OcularCore
import OcularModels
import OcularReports
import OcularRunner
import OcularStore

/// `ocular rescore RUN`: score a run's stored responses again with the current scorers, into a new run.
struct Rescore: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-score a run's stored responses with the current scorers into a new run (no model is called).",
    discussion: """
      The new run records the run it re-scores (rescored_from) and copies its model, parameters, requests and \
      responses; its suites must be unchanged (same content hash). --boxed and --box-format score under another \
      profile, and --scoring-profile under another named profile. A judged run is judged again from its stored \
      judge calls (no judge is asked) unless --judge names a judge to ask. Compare the two with: ocular diff RUN \
      NEW_RUN (add --force when the profiles differ: it lists the samples whose score changes).
      """)

  @Argument(help: "The run to re-score.")
  var run: Int64

  @Option(name: .long, help: "Score \\boxed{…} answers with this handling instead of the run's (unwrap or keep).")
  var boxed: BoxedHandling?

  @Option(name: .long, help: "Read boxes and points in this convention instead of the run's (pixel, norm1, norm1000).")
  var boxFormat: BoxFormat?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Score under this profile instead of the run's: vlmevalkit, published, corrected or lmms-eval.",
      valueName: "name"))
  var scoringProfile: String?

  @Option(
    name: .long,
    help: "Ask this LLM judge (any model spec) where a reference calls one, instead of replaying the stored calls.")
  var judge: String?

  @OptionGroup var store: StoreOptions
  @OptionGroup var suites: SuiteFolderOptions
  @OptionGroup var output: OutputOptions

  func run() async throws {
    try await Console.reportingErrors {
      let runStore = try RunStore(existingAt: store.db)
      let profile = try scoringProfile.map { name throws(CoreError) in try ScoringProfile(parsing: name) }
      let original = try runStore.run(id: run)
      let chosen = try SuiteCatalog(root: suites.suitesDir).open(selection: original.suiteNames)
      var options: ScoringOptions?
      if boxed != nil || boxFormat != nil || profile != nil {
        var changed = try JSONDecoder().decode(ScoringOptions.self, from: Data(original.scoringOptionsJSON.utf8))
        if let boxed { changed.boxed = boxed }
        if let boxFormat { changed.boxFormat = boxFormat }
        if let profile { changed.profile = profile }
        options = changed
      }
      let judgeSpec = try judge.map { try AdapterSpec(parsing: $0) }
      let judgeAdapter = try await judgeSpec?.makeAdapter(settings: AdapterSpec.Settings())
      let rescored: RunRecord
      do {
        rescored = try await Rescorer(store: runStore, judge: judgeAdapter, judgeSpec: judgeSpec?.description).rescore(
          run: run, suites: chosen, options: options)
      } catch {
        await judgeAdapter?.close()
        throw error
      }
      await judgeAdapter?.close()
      let reports = RunReports(store: runStore)
      if output.json {
        Console.print(try reports.detailJSON(run: rescored.id, suite: nil) + "\n")
      } else {
        Console.print(try reports.suiteTable(run: rescored.id))
        Console.print(
          "\nRe-scored run \(run) into run \(rescored.id) (\(rescored.scoringProfile)).\n"
            + "Compare them with: ocular diff \(run) \(rescored.id)\(options == nil ? "" : " --force")\n")
      }
    }
  }
}
