import ArgumentParser
import Foundation

/// A command ending in a documented way other than success: its exit status, a stable code
/// that scripts may match (`order_not_found`), and a message for people.
///
/// Commands throw it instead of printing and exiting themselves; ``Ordrecon/main()`` prints it,
/// as `ordrecon: <message>` on standard error, or as a JSON object on standard output when the
/// command was asked for JSON (``JSONReporting``). Every failure a command can end with is one of
/// these, an `ExitCode` thrown after the command printed its own result (`run`'s 65 and 75), or
/// an argument error (64); anything else is reported as an internal error (70), never as 1.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitCode
    var code: String
    var message: String

    init(_ status: ExitCode, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var description: String { message }

    /// 78: the configuration file is missing or unusable.
    static func configuration(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.badConfig, "configuration_unusable", message)
    }

    /// 78: the database must not be used (newer schema, or missing beside a history).
    static func databaseRefused(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.badConfig, "database_refused", "refusing the database: " + message)
    }

    /// 75: another ordrecon holds the workspace lock.
    static func locked(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.tryAgain, "workspace_locked", message)
    }

    /// 75: another connection kept the database busy.
    static func busy(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.tryAgain, "database_busy", message)
    }

    /// 66: a review command found no database (nothing ran in this workspace yet).
    static func noDatabase(_ path: String) -> CommandFailure {
        CommandFailure(ExitStatus.notFound, "no_database", "no database yet at \(path) (run `ordrecon run` first)")
    }

    /// 66: the thing asked for does not exist; `code` is e.g. `order_not_found`.
    static func notFound(_ code: String, _ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.notFound, code, message)
    }

    /// 74: reading or writing the workspace failed.
    static func io(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.ioError, "io_error", message)
    }

    /// 70: something that should not happen (a store error, a library that cannot start).
    static func `internal`(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.software, "internal_error", message)
    }
}

/// How a command line ends when parsing or the command failed: the only place that prints an
/// error and picks the exit status for it. Each function returns the exit status.
enum CommandExit {
    /// Parsing failed (or asked for help or the version): ArgumentParser's own message and
    /// status (64 for a bad argument, 0 for help), as JSON when the arguments asked for JSON;
    /// an error of another kind is reported as internal (70), not 1.
    static func parsingFailed(_ error: any Error, arguments: [String]) -> Int32 {
        let status = Ordrecon.exitCode(for: error)
        if status.rawValue == 1 {  // an error ArgumentParser does not know
            return fail(CommandFailure.internal("internal error: \(error)"), json: JSONErrors.requested(in: arguments))
        }
        if !status.isSuccess, JSONErrors.requested(in: arguments) {
            return fail(CommandFailure(status, "usage", Ordrecon.message(for: error)), json: true)
        }
        return argumentParserExit(error)
    }

    /// The command's `run` threw.
    static func commandFailed(_ error: any Error, command: any ParsableCommand) -> Int32 {
        let json = (command as? any JSONReporting)?.reportsJSON ?? false
        switch error {
        case let failure as CommandFailure:
            return fail(failure, json: json)
        case let exit as ExitCode:
            // The command printed what it had to say (a summary, a message) and chose its status.
            return exit.rawValue == 1 ? ExitStatus.software.rawValue : exit.rawValue
        default:
            // ArgumentParser's own: a help request (HelpCommand throws it), a ValidationError.
            let status = Ordrecon.exitCode(for: error)
            if status.rawValue == 1 {  // an error ArgumentParser does not know either
                return fail(CommandFailure.internal("internal error: \(error)"), json: json)
            }
            if json, !status.isSuccess {
                return fail(CommandFailure(status, "usage", Ordrecon.message(for: error)), json: true)
            }
            if let validation = error as? ValidationError {
                // Thrown by `run()`, after parsing: ArgumentParser would show the top-level usage.
                return usageFailed(validation.message, command: type(of: command))
            }
            return argumentParserExit(error)
        }
    }

    /// What ArgumentParser's `exit(withError:)` prints, without ending the process: the full
    /// message on standard output for a clean end (help, the version), else on standard error.
    static func argumentParserExit(_ error: any Error) -> Int32 {
        let status = Ordrecon.exitCode(for: error)
        let text = Ordrecon.fullMessage(for: error)
        if !text.isEmpty {
            if status.isSuccess { Console.print(text) } else { printError(text) }
        }
        return status.rawValue
    }

    /// A bad argument found by a subcommand's `run()`: its message and that subcommand's
    /// usage, as ArgumentParser prints a parsing error, exit 64.
    static func usageFailed(_ message: String, command: any ParsableCommand.Type) -> Int32 {
        let names = path(to: command, from: Ordrecon.self)?.joined(separator: " ") ?? "ordrecon"
        var text = "Error: \(message)\n"
        let usage = Ordrecon.usageString(for: command)
        if !usage.isEmpty { text += "Usage: " + usage.replacingOccurrences(of: "\n", with: "\n       ") + "\n" }
        text += "  See '\(names) --help' for more information."
        printError(text)
        return ExitStatus.usage.rawValue
    }

    /// The command names from the root to `command`, e.g. `["ordrecon", "invoices", "render"]`.
    static func path(to command: any ParsableCommand.Type, from node: any ParsableCommand.Type) -> [String]? {
        let here = [node.configuration.commandName ?? ""]
        if ObjectIdentifier(node) == ObjectIdentifier(command) { return here }
        for subcommand in node.configuration.subcommands {
            if let rest = path(to: command, from: subcommand) { return here + rest }
        }
        return nil
    }

    /// Prints the failure (`ordrecon: message` on standard error, or the JSON error object on
    /// standard output) and returns its status.
    static func fail(_ failure: CommandFailure, json: Bool) -> Int32 {
        if json {
            Console.print(JSONErrors.text(code: failure.code, message: failure.message, status: failure.status))
        } else {
            printError("ordrecon: " + failure.message)
        }
        return failure.status.rawValue
    }
}
