import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconStore

struct DispatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Send pending refunds to the payment gateway, without touching the inbox (for cron).",
        discussion: """
            Refunds are sent oldest first, each with its refund id as Idempotency-Key and the body \
            stored when it was recorded; every attempt is recorded (`ordrecon refunds show <id>`). \
            408, 409, 425, 429, 5xx and no answer are retried with backoff ([gateway] max_attempts, \
            backoff_initial_ms, backoff_max_ms); a refund that still fails is left pending and the \
            pass ends. Other 4xx answers mark the refund failed: a person must look.

            SIGTERM or SIGINT: no further attempt is started, a wait between attempts ends, and a \
            request in flight is abandoned (recorded as interrupted; it is sent again, with the \
            same Idempotency-Key, by the next run or dispatch); what was done so far is printed and \
            the exit status is 75.

            Exit status: 0 no refund left pending; 65 the gateway refused a refund in this pass; \
            75 refunds are left pending (gateway unreachable or failing), the pass was stopped by \
            SIGTERM/SIGINT, or another instance holds the workspace lock; 78 the configuration is \
            unusable or the database is refused (written by a newer ordrecon, or missing or empty \
            while archive/ or invoices/ hold files: see `ordrecon run --help`).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "Print the result as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Log only warnings and errors.")
    var quiet = false

    func run() throws {
        TerminationSignals.install()
        let configuration = try options.load()
        let settings = configuration.engineSettings
        let logger = LoggingSetup.logger(configuration.logging, quiet: quiet)
        try DatabaseGate.check(settings)
        do {
            try FileManager.default.createDirectory(atPath: settings.stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.io("cannot prepare the workspace: \(error)")
        }
        let lock = try WorkspaceLock.forCommand(settings)
        defer { withExtendedLifetime(lock) {} }

        var report: DispatchReport
        do {
            let store = try Store(path: settings.database)
            let runId = try store.startRun(command: "dispatch", pid: getpid(), at: SystemClock.now())
            report = try RefundDelivery.dispatcher(configuration, store: store, logger: logger)
                .dispatch(runId: runId, shouldStop: TerminationSignals.isRequested)
            if let stoppedBy = TerminationSignals.received {
                report.interrupted = true
                logger.warning("\(stoppedBy): dispatch stopped; pending refunds are sent by the next run or dispatch", metadata: ["run.id": "\(runId)"])
            }
            try store.finishRun(runId, at: SystemClock.now(), summaryJSON: report.json.text())
        } catch let failure as CommandFailure {
            throw failure
        } catch let error as StoreError where error.isBusy {
            throw CommandFailure.busy("the database stayed busy: \(error) (every attempt made so far is recorded; run again later)")
        } catch {
            try DatabaseGate.refuseNewerSchema(error)
            throw CommandFailure.internal("\(error) (every attempt made so far is recorded; run again once it is fixed)")
        }
        print(json ? report.json.text(indent: 2) : RefundDelivery.text(report))
        if let status = RefundDelivery.exitStatus(rejected: false, report: report) { throw status }
    }
}
