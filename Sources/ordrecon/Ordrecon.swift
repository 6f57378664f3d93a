import ArgumentParser
import OrdreconCore

@main
struct Ordrecon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ordrecon",
        abstract: "Reconciles partner feeds of orders and returns against their state machines.",
        discussion: """
            Exit status of `run`: 0 all done and nothing rejected; 65 at least one event or file \
            rejected (or a refund refused by the gateway); 75 another instance holds the workspace \
            lock, refunds are left pending because the gateway could not take them, or SIGTERM/SIGINT \
            stopped it (75 wins over 65); 78 the configuration is unusable, or the database is \
            refused (written by a newer ordrecon, or missing or empty while archive/ or invoices/ \
            hold files).
            """,
        version: BuildInfo.versionText,
        subcommands: [
            RunCommand.self, WatchCommand.self, DispatchCommand.self, OrderCommand.self, ReturnCommand.self,
            RefundsCommand.self, InvoicesCommand.self, InvoiceCommand.self, RejectionsCommand.self, AuditCommand.self,
            ValidateCommand.self, InitCommand.self, GenerateCommand.self, MockGatewayCommand.self,
        ],
        defaultSubcommand: nil)
}

/// Exit statuses fixed by the feed contract (sysexits.h values).
enum ExitStatus {
    static let rejected = ExitCode(65)      // EX_DATAERR
    static let software = ExitCode(70)      // EX_SOFTWARE: an internal error
    static let ioError = ExitCode(74)       // EX_IOERR
    static let tryAgain = ExitCode(75)      // EX_TEMPFAIL
    static let badConfig = ExitCode(78)     // EX_CONFIG: the configuration or the workspace is unusable; a person must act
}
