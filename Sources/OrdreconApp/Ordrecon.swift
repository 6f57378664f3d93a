import ArgumentParser
import Foundation
import OrdreconCore

/// The `ordrecon` command and its subcommands (run through ``CommandLineApp``).
struct Ordrecon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordrecon",
        abstract: "Reconciles partner feeds of orders and returns against their state machines.",
        discussion: """
            Exit status of `run`: 0 all done and nothing rejected; 65 at least one event or \
            file rejected (or a refund refused by the gateway); 75 another instance holds the \
            workspace lock, refunds are left pending because the gateway could not take them, or \
            SIGTERM/SIGINT stopped it (75 wins over 65); 78 the configuration is unusable, or the \
            database is refused (written by a newer ordrecon, or missing or empty while archive/ \
            or invoices/ hold files).

            Every command (docs/commands.md has the table): 64 a bad option or argument; 65 data \
            rejected; 66 not found (an id, a file, the database); 69 a service cannot start; 70 \
            an internal error; 73 an output exists or cannot be made; 74 an I/O error; 75 try \
            again later; 78 the configuration or the database is unusable. Never 1. With --json \
            (or --format json) a failure is one JSON object on standard output: \
            {"error":{"code":…,"message":…,"exit_status":…}}.
            """,
        version: BuildInfo.versionText,
        subcommands: [
            RunCommand.self, WatchCommand.self, DispatchCommand.self, OrderCommand.self, ReturnCommand.self,
            RefundsCommand.self, InvoicesCommand.self, InvoiceCommand.self, RejectionsCommand.self, AuditCommand.self,
            ValidateCommand.self, InitCommand.self, GenerateCommand.self, MockGatewayCommand.self,
            ConfigDocsCommand.self,
        ],
        defaultSubcommand: nil)

}

/// Runs `ordrecon` command lines: the executable with the process's invocation, tests with their
/// own (in memory, each with its folder, environment, outputs and stop request).
public enum CommandLineApp {
    /// Parses `arguments` (without the program name) and runs the command under `invocation`,
    /// like ArgumentParser's own `main`, but every failure ends through ``CommandExit``:
    /// documented statuses, never 1.
    /// - Returns: the exit status.
    public static func execute(_ invocation: Invocation, arguments: [String]) async -> Int32 {
        await Invocation.$current.withValue(invocation) {
            let command: any ParsableCommand
            do {
                command = try await Ordrecon.asyncParseAsRoot(arguments)
            } catch {
                return CommandExit.parsingFailed(error, arguments: arguments)
            }
            do {
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    var command = command
                    try command.run()
                }
            } catch {
                return CommandExit.commandFailed(error, command: command)
            }
            return 0
        }
    }

    /// ``execute(_:arguments:)`` on the calling thread, for the commands that do their work
    /// synchronously (all but `watch`, which needs a process of its own: exit 70 here).
    public static func executeBlocking(_ invocation: Invocation, arguments: [String]) -> Int32 {
        Invocation.$current.withValue(invocation) {
            var command: any ParsableCommand
            do {
                command = try Ordrecon.parseAsRoot(arguments)
            } catch {
                return CommandExit.parsingFailed(error, arguments: arguments)
            }
            if command is any AsyncParsableCommand {
                return CommandExit.fail(
                    CommandFailure.internal("\(arguments.first ?? "this command") runs only in a process of its own"),
                    json: false)
            }
            do {
                try command.run()
            } catch {
                return CommandExit.commandFailed(error, command: command)
            }
            return 0
        }
    }
}

/// The exit statuses of every command (sysexits.h values; docs/commands.md has the table per
/// command). 0, 65, 75 and 78 of `run` are fixed by the feed contract. No command exits 1.
enum ExitStatus {
    static let usage = ExitCode(64)  // EX_USAGE: a bad option or argument (ArgumentParser's own)
    static let rejected = ExitCode(65)  // EX_DATAERR: data rejected (events, a file, a refund, a request)
    static let notFound = ExitCode(66)  // EX_NOINPUT: no such order, refund, document, file or database
    static let unavailable = ExitCode(69)  // EX_UNAVAILABLE: a service cannot start (mock-gateway cannot listen)
    static let software = ExitCode(70)  // EX_SOFTWARE: an internal error
    static let cannotCreate = ExitCode(73)  // EX_CANTCREAT: an output cannot be created (exists, or a PDF not written)
    static let ioError = ExitCode(74)  // EX_IOERR
    static let tryAgain = ExitCode(75)  // EX_TEMPFAIL
    static let badConfig = ExitCode(78)  // EX_CONFIG: the configuration or the workspace is unusable; a person must act
}
