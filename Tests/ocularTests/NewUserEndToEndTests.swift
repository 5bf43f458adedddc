import Foundation
import Testing

/// What a new user meets first: typos, display names, the wrong folder, a folder for `--db`, environment defaults.
@Suite(.serialized) struct NewUserEndToEndTests {
  @Test func mistypedSuitesAndModelsGetASuggestion() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmbench", "docvqa"])
    let suite = try workspace.run(["eval", "--model", "builtin:oracle", "--suite", "mmbnech", "--suites-dir", suites])
    #expect(suite.status == 2)
    #expect(
      suite.standardError
        == "ocular: error: unknown suite \"mmbnech\" (did you mean \"mmbench\"? available: mmbench, docvqa)\n")
    let policy = try workspace.run(["eval", "--model", "builtin:oracel", "--suites-dir", suites])
    #expect(policy.status == 2)
    #expect(
      policy.standardError.hasPrefix(
        "ocular: error: invalid model spec \"builtin:oracel\" (did you mean \"builtin:oracle\"? "))
    let kind = try workspace.run(["eval", "--model", "openi:http://127.0.0.1:1/v1#m", "--suites-dir", suites])
    #expect(kind.standardError.contains("did you mean \"openai:http://127.0.0.1:1/v1#m\"?"))
    // Nothing was stored by commands that failed.
    #expect(!FileManager.default.fileExists(atPath: workspace.file("results/ocular.sqlite")))
  }

  @Test func displayNamesAndAnyCaseSelectSuites() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa", "refcoco_plus"])
    let result = try workspace.run([
      "eval", "--model", "builtin:oracle", "--suite", "DocVQA,RefCOCO+", "--suites-dir", suites,
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(tableRow(result.standardOutput, "docvqa").count > 3)
    #expect(tableRow(result.standardOutput, "refcoco_plus").count > 3)
  }

  @Test func outsideTheRepositoryTheSuitesFolderIsNamed() throws {
    let workspace = try Workspace()
    let listed = try workspace.run(["suites"])
    #expect(listed.status == 2)
    #expect(
      listed.standardError
        == "ocular: error: benchmarks: no suite folders here; run from the Ocular repository root, or name the "
        + "suites folder with --suites-dir DIR (or OCULAR_SUITES_DIR)\n")
    let evaluated = try workspace.run(["eval", "--model", "builtin:oracle", "--suite", "all"])
    #expect(evaluated.status == 2)
    #expect(evaluated.standardError.contains("--suites-dir DIR"))
    #expect(!FileManager.default.fileExists(atPath: workspace.file("results")))
  }

  @Test func aFolderGivenAsTheDatabaseIsExplained() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    try FileManager.default.createDirectory(atPath: workspace.file("out"), withIntermediateDirectories: true)
    let result = try workspace.run(["eval", "--model", "builtin:oracle", "--suites-dir", suites, "--db", "out"])
    #expect(result.status == 2)
    #expect(
      result.standardError == "ocular: error: out is a folder; --db takes a database file, such as out/ocular.sqlite\n")
  }

  @Test func environmentVariablesSetTheDefaultFolders() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let environment = ["OCULAR_DB": workspace.file("env.sqlite"), "OCULAR_SUITES_DIR": suites]
    let result = try workspace.run(
      ["eval", "--model", "builtin:oracle", "--suite", "docvqa"], environment: environment)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(FileManager.default.fileExists(atPath: workspace.file("env.sqlite")))
    #expect(!FileManager.default.fileExists(atPath: workspace.file("results/ocular.sqlite")))
    let runs = try workspace.run(["runs", "--json"], environment: environment)
    #expect(runs.status == 0)
    #expect(runs.standardOutput.contains("builtin:oracle"))
  }
}
