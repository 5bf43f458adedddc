import ArgumentParser
import Foundation
import OcularCore
import OcularModels
import OcularReports
import OcularRunner
import OcularStore

/// Writing to the terminal, and turning errors into one clear line and an exit code.
enum Console {
  /// Writes text to standard output.
  static func print(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Writes a line to standard error, with control characters neutralised: an error message may quote what a
  /// model or adapter sent, and must not repaint the terminal.
  static func note(_ text: String) {
    FileHandle.standardError.write(Data((TextTable.sanitize(text, keepingLineBreaks: true) + "\n").utf8))
  }

  /// A Boolean value that indicates whether standard error is a terminal.
  static var isErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }

  /// Runs a command body, reporting Ocular's errors as `ocular: error: …` and exit code 2 (1 for internal
  /// database failures).
  static func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let error as ExitCode {
      throw error
    } catch let error as StoreError {
      note("ocular: error: \(error)")
      if case .database = error { throw ExitCode.failure }
      throw ExitCode(2)
    } catch let error as CoreError {
      note("ocular: error: \(error)")
      throw ExitCode(2)
    } catch let error as ImportError {
      note("ocular: error: \(error)")
      throw ExitCode(2)
    } catch let error as ModelError {
      note("ocular: error: \(error)")
      throw ExitCode(2)
    } catch let error as RunnerError {
      note("ocular: error: \(error)")
      throw ExitCode(2)
    } catch {
      note("ocular: error: \(error)")
      throw ExitCode.failure
    }
  }
}
