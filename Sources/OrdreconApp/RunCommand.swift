import ArgumentParser
import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconMetrics

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process every ready inbox file once, send pending refunds, then exit.",
        discussion: """
            Files are taken in order of modification time, then feed, then name. Only regular files \
            are read: a link, pipe or folder in the inbox goes to failed/ unopened; a file still \
            being written is read once its writer is done, or left for the next run. Each event gets \
            one audit record (applied, duplicate or rejected). Processed files go to archive/, \
            unreadable ones to failed/ with a .reason file; rejected rows go to \
            outbox/rejections/<feed>/<file>.rejected.csv for review and resubmission. Then every \
            pending refund is sent to the payment gateway (see `ordrecon dispatch`).

            SIGTERM or SIGINT (Ctrl-C): the batch in hand is committed (at most [engine] batch_size \
            events), then the run stops: no further file, PDF or refund is started, and the refund \
            requests in flight are cancelled at once (their attempts are recorded as interrupted and \
            the next run sends them again with the same Idempotency-Key). The summary so far is printed (marked \
            interrupted, with the file cut short and where it resumes), the run is recorded as \
            finished, and the exit status is 75; the next run resumes where this one stopped. A \
            second signal changes nothing; SIGKILL stops at once (also safe, without a summary).

            The database is looked at before anything is created: one written by a newer ordrecon \
            (a higher schema version) is refused, and so is a missing or empty database while \
            archive/ or invoices/ already hold files (a new one would lose that history and restart \
            the invoice numbers). A PostgreSQL database ([store] url) that cannot be reached is \
            refused the same way, with the URL and the server's reason. Nothing is changed then; \
            the message names the cause and the remedy (restore the database from a backup; to \
            start a new history on purpose, move archive/ and invoices/ aside), and the exit \
            status is 78.

            Exit status: 0 nothing rejected and no refund left; 65 at least one event or file \
            rejected, or the gateway refused a refund; 75 another instance holds the workspace lock, \
            the database stayed busy for a minute (another connection held it), refunds are left \
            pending because the gateway could not take them yet, the gateway refused ordrecon itself \
            (401/403), or the run was stopped by SIGTERM/SIGINT (75 wins over 65); 78 the configuration is unusable or the \
            database is refused; 70/74 an internal or I/O error (nothing half-applied: the next run \
            resumes).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "Print the summary as JSON on standard output.")
    var json = false

    @Flag(
        name: .long,
        help: "Log only warnings and errors; print nothing when nothing happened, else a short summary (for cron).")
    var quiet = false

    @Option(
        name: .customLong("metrics-file"),
        help: "Write the run's metrics here for node_exporter's textfile collector (a .prom file, replaced atomically)."
    )
    var metricsFile: String?

    @Option(name: .customLong("progress-seconds"), help: .hidden)
    var progressSeconds: Double?

    func validate() throws {
        if let progressSeconds, !(progressSeconds >= 0) {
            throw ValidationError("--progress-seconds must not be negative, got \(progressSeconds)")
        }
        if let metricsFile, !metricsFile.hasSuffix(".prom") {
            throw ValidationError(
                "--metrics-file must name a .prom file (node_exporter's textfile collector reads only those), got \(metricsFile)"
            )
        }
    }

    func run() throws {
        TerminationSignals.install()
        let configuration = try options.load(catalog: true)
        let settings = configuration.engineSettings
        // On a terminal, log lines go above the live progress line.
        let terminal = quiet ? nil : TerminalLine.standardError()
        defer { terminal?.clear() }
        let logger = LoggingSetup.logger(configuration.logging, quiet: quiet, sink: terminal)
        try DatabaseGate.check(settings)
        do {
            try RunEngine.prepareDirectories(settings)
        } catch {
            throw CommandFailure.io("cannot prepare the workspace: \(error)")
        }
        let lock = try WorkspaceLock.forCommand(settings)
        defer { withExtendedLifetime(lock) {} }

        var summary: RunSummary
        let store: any StateStore
        do {
            store = try settings.stores.open()
            try WorkspaceLock.leadIngest(store)
            let engine = RunEngine(settings: settings, store: store, logger: logger)
            engine.shouldStop = TerminationSignals.stopCheck()
            if !quiet {
                engine.progress = ProgressDisplay.make(terminal: terminal, interval: progressSeconds, logger: logger)
            }
            if configuration.writePDFs {
                engine.documentIssuer = DocumentDelivery.issuer(configuration, store: store, logger: logger)
            }
            engine.refundDispatcher = try RefundDelivery.dispatcher(configuration, store: store, logger: logger)
            summary = try engine.run()
        } catch let failure as CommandFailure {
            writeMetrics(configuration, summary: nil, store: nil, logger: logger)
            throw failure
        } catch let error as FileSystemError {
            writeMetrics(configuration, summary: nil, store: nil, logger: logger)
            throw CommandFailure.io("\(error) (nothing was half-applied; run again once it is fixed)")
        } catch let error as StoreError where error.isBusy {
            // Another connection held the database for longer than a one-shot command waits: a
            // temporary failure, like a held lock; the next run resumes.
            writeMetrics(configuration, summary: nil, store: nil, logger: logger)
            throw CommandFailure.busy("the database stayed busy: \(error) (nothing was half-applied; run again later)")
        } catch {
            writeMetrics(configuration, summary: nil, store: nil, logger: logger)
            try DatabaseGate.refuseNewerSchema(error)
            throw CommandFailure.internal("\(error) (nothing was half-applied; run again once it is fixed)")
        }
        terminal?.clear()
        let stoppedBy = TerminationSignals.received
        if let stoppedBy {
            summary.interrupted = true
            logger.warning(
                "\(stoppedBy): run stopped after committing the work in hand; the next run resumes where it stopped",
                metadata: ["run.id": "\(summary.runId)"])
        }
        let cutShort = summary.interrupted ? Interruption.cutShortFiles(store) : []
        writeMetrics(configuration, summary: summary, store: store, logger: logger)
        let report = summary.refundDelivery ?? DispatchReport()
        if json {
            Console.print(Interruption.json(summary, stoppedBy: stoppedBy, cutShort: cutShort).text(indent: 2))
        } else if quiet {
            if !QuietSummary.isUneventful(summary) {
                Console.print(QuietSummary.text(summary, stoppedBy: stoppedBy, cutShort: cutShort))
            }
        } else {
            Console.print(SummaryTable.render(summary))
            if let documents = summary.documents { Console.print(DocumentDelivery.text(documents)) }
            if summary.interrupted {
                Console.print(Interruption.text(summary, stoppedBy: stoppedBy, cutShort: cutShort))
            } else {
                Console.print(RefundDelivery.text(report))
            }
        }
        if summary.interrupted { throw ExitStatus.tryAgain }
        if let status = RefundDelivery.exitStatus(rejected: summary.hasRejections, report: report) { throw status }
    }

    /// Writes `--metrics-file`: the totals the database holds (so counters grow from run to run;
    /// see `RunTextfile`), the refunds by state, the inbox backlog, this run's end and duration;
    /// the last success time is now, or the previous file's when this run failed (`summary` nil)
    /// or was interrupted.
    private func writeMetrics(
        _ configuration: Configuration, summary: RunSummary?, store: (any StateStore)?, logger: Logger
    ) {
        guard let metricsFile else { return }
        let path = absolute(metricsFile)
        let now = SystemClock.now()
        // A run that failed early may have no connection: the database is read on its own then.
        let reader = store ?? (try? configuration.engineSettings.stores.openForReading())
        var totals: StoreTotals?
        do {
            totals = try reader?.totals(fileBounds: RunTextfile.fileBounds, gatewayBounds: RunTextfile.gatewayBounds)
        } catch {
            logger.error("could not count the totals for the metrics file: \(error)")
        }
        var file = RunTextfile(feeds: configuration.feeds.map(\.name), totals: totals, finishedAt: now)
        file.seconds = summary?.seconds
        file.gatewayUnavailable = summary?.refundDelivery?.gatewayUnavailable ?? false
        if let summary, !summary.interrupted {
            file.lastSuccess = now
        } else {
            file.lastSuccess = PreviousMetrics.lastSuccess(in: path)
        }
        if let counts = try? reader?.refundCounts() { file.refunds = counts }
        if let oldest = try? reader?.oldestPendingRefund() {
            file.oldestPendingRefundAgeSeconds = max(0, Double(now.milliseconds - oldest.milliseconds) / 1000)
        }
        let backlog = InboxBacklog.measure(
            root: configuration.paths.inbox, feeds: configuration.feeds.map(\.name), now: now)
        file.inboxBacklog = backlog.files
        file.inboxOldestAgeSeconds = backlog.oldestAgeSeconds
        do {
            try MetricsTextfile.write(file.exposition(), to: path)
        } catch {
            logger.error("could not write the metrics file: \(error)")
        }
    }
}

/// Reading the previous `--metrics-file`.
enum PreviousMetrics {
    /// `ordrecon_last_success_timestamp_seconds` of the file at `path`, when it has one above 0.
    static func lastSuccess(in path: String) -> Timestamp? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("ordrecon_last_success_timestamp_seconds ") {
            guard let seconds = Double(line.split(separator: " ").last ?? ""), seconds > 0 else { return nil }
            return Timestamp(milliseconds: Int64((seconds * 1000).rounded()))
        }
        return nil
    }
}
