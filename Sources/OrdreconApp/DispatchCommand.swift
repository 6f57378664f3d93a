import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconGateway

struct DispatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Send pending refunds to the payment gateway, without touching the inbox (for cron).",
        discussion: """
            Several refunds go at once ([gateway] concurrency, within max_requests_per_second), oldest \
            first, each with its refund id as Idempotency-Key and the body stored when it was \
            recorded; every attempt is recorded before its request goes out (`ordrecon refunds show \
            <id>`). Each refund has its own schedule: after 408, 409, 425, 429, 5xx or no answer it \
            is tried again after the gateway's Retry-After or a backoff with jitter \
            (backoff_initial_ms, backoff_max_ms), at most max_attempts times in one pass, then left \
            pending with its next attempt stored; the others go on meanwhile. Other 4xx answers mark \
            the refund failed: a person must look (`ordrecon refunds retry`); so does \
            give_up_after_hours. 401 or 403 (the gateway refuses ordrecon) stops the pass, and so does \
            the circuit breaker when the whole gateway is in trouble (no connection, TLS, 5xx across \
            several refunds).

            SIGTERM or SIGINT: no further request is started and the requests in flight are cancelled \
            at once (recorded as interrupted; they are sent again, with the same Idempotency-Key, by \
            the next run or dispatch); what was done so far is printed and the exit status is 75.

            Exit status: 0 no refund left pending; 65 the gateway refused a refund (or one was given \
            up) in this pass; 75 refunds are left pending (the gateway could not take them yet), the \
            gateway refused ordrecon (401/403), the pass was stopped by SIGTERM/SIGINT, or another \
            instance holds the workspace lock; 78 the configuration is unusable or the database is \
            refused (written by a newer ordrecon, or missing or empty while archive/ or invoices/ \
            hold files: see `ordrecon run --help`).
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
            let store = try settings.stores.open()
            let runId = try store.startRun(command: "dispatch", pid: getpid(), at: SystemClock.now())
            report = try RefundDelivery.dispatcher(configuration, store: store, logger: logger)
                .dispatch(runId: runId, shouldStop: TerminationSignals.stopCheck())
            if let stoppedBy = TerminationSignals.received {
                report.interrupted = true
                logger.warning(
                    "\(stoppedBy): dispatch stopped; pending refunds are sent by the next run or dispatch",
                    metadata: ["run.id": "\(runId)"])
            }
            try store.finishRun(runId, at: SystemClock.now(), summaryJSON: report.json.text())
        } catch let failure as CommandFailure {
            throw failure
        } catch let error as StoreError where error.isBusy {
            throw CommandFailure.busy(
                "the database stayed busy: \(error) (every attempt made so far is recorded; run again later)")
        } catch {
            try DatabaseGate.refuseNewerSchema(error)
            throw CommandFailure.internal(
                "\(error) (every attempt made so far is recorded; run again once it is fixed)")
        }
        Console.print(json ? report.json.text(indent: 2) : RefundDelivery.text(report))
        if let status = RefundDelivery.exitStatus(rejected: false, report: report) { throw status }
    }
}
