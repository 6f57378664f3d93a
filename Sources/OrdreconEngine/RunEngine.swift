#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import OrdreconCore
public import OrdreconGateway
public import OrdreconStore

/// One pass over the workspace: finish what an interrupted run left, then process every ready
/// inbox file once, in order. The caller holds the workspace lock.
public final class RunEngine {
    let settings: EngineSettings
    let store: Store
    let logger: Logger
    let now: @Sendable () -> Timestamp
    let judge: Judge
    var runId: Int64 = 0
    var summary = RunSummary()
    /// Writes refund files beside the event work, while a run is in progress.
    var outbox: OutboxWriter?
    /// Writes the PDFs of new invoices and credit notes after the files; nil: none are written.
    public var documentIssuer: DocumentIssuer?
    /// Sends pending refunds after the files; nil: the run records refunds but sends none.
    public var refundDispatcher: RefundDispatcher?

    /// Creates an engine over an open store.
    /// - Parameter now: the clock (injected so tests can fix time).
    public init(settings: EngineSettings, store: Store, logger: Logger, now: @escaping @Sendable () -> Timestamp = SystemClock.now) {
        self.settings = settings
        self.store = store
        self.logger = logger
        self.now = now
        self.judge = Judge(
            zone: settings.zone, returnWindowDays: settings.returnWindowDays,
            defaultGSTRateBasisPoints: settings.defaultGSTRateBasisPoints)
    }

    /// Makes the workspace's folders (inbox, archive and failed per feed, outbox, invoices, state).
    public static func prepareDirectories(_ settings: EngineSettings) throws {
        for feed in settings.feeds {
            for root in [settings.inbox, settings.archive, settings.failed, settings.processing, settings.rejectionOutbox] {
                try FileSystem.makeDirectories(root + "/" + feed.name)
            }
        }
        for path in [settings.refundOutbox, settings.invoices, settings.stateDirectory] {
            try FileSystem.makeDirectories(path)
        }
    }

    /// Runs once: the files, then the missing PDFs and the pending refunds (when an issuer and a
    /// dispatcher are set).
    /// - Returns: what was done.
    public func run(command: String = "run") throws -> RunSummary {
        let started = now()
        try Self.prepareDirectories(settings)
        runId = try store.startRun(command: command, pid: getpid(), at: started)
        summary = RunSummary()
        summary.runId = runId
        logger.info("run started", metadata: ["run.id": "\(runId)"])

        try writeMissingRefundFiles()
        let writer = OutboxWriter(directory: settings.refundOutbox)
        outbox = writer
        do {
            try resumeClaimedFiles()
            let ready = try InboxScanner.scan(root: settings.inbox, feeds: settings.feeds.map(\.name))
            if !ready.isEmpty { logger.info("inbox has \(ready.count) ready file(s)", metadata: ["run.id": "\(runId)"]) }
            for file in ready {
                try claimAndProcess(file)
            }
        } catch {
            try? writer.finish()
            outbox = nil
            throw error
        }
        outbox = nil
        try writer.finish()
        // The files' time; the dispatch reports its own.
        summary.seconds = Double(now().milliseconds - started.milliseconds) / 1000
        if let documentIssuer {
            summary.documents = try documentIssuer.renderMissing()
        }
        if let refundDispatcher {
            summary.refundDelivery = try refundDispatcher.dispatch(runId: runId)
        }
        writeReport()
        try store.finishRun(runId, at: now(), summaryJSON: summary.json.text())
        store.checkpoint()
        return summary
    }
}

/// The system's wall clock.
public enum SystemClock {
    @Sendable public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// A monotonic clock in seconds, for measuring durations.
    public static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
