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
    /// Asked between files and after each committed batch; true stops the run there (the file
    /// in hand resumes on the next run). A daemon sets it on SIGTERM.
    public var shouldStop: @Sendable () -> Bool = { false }
    /// Whether a run first checks every pending refund's outbox file (a daemon does it once, at start).
    public var repairsRefundFiles = true

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
    /// - Parameter only: the files to take (`feed`, `name` in the inbox), as a watcher found them
    ///   ready; nil takes every ready file the inbox holds. Files claimed by an interrupted run
    ///   are finished first either way.
    /// - Returns: what was done (`interrupted` when ``shouldStop`` ended it early).
    public func run(command: String = "run", only: [(feed: String, name: String)]? = nil) throws -> RunSummary {
        let started = now()
        try Self.prepareDirectories(settings)
        runId = try store.startRun(command: command, pid: getpid(), at: started)
        summary = RunSummary()
        summary.runId = runId
        logger.info("run started", metadata: ["run.id": "\(runId)"])

        if repairsRefundFiles { try writeMissingRefundFiles() }
        let writer = OutboxWriter(directory: settings.refundOutbox)
        outbox = writer
        do {
            try resumeClaimedFiles()
            var ready = try InboxScanner.scan(root: settings.inbox, feeds: settings.feeds.map(\.name))
            if let only {
                let wanted = Set(only.map { $0.feed + "/" + $0.name })
                ready = ready.filter { wanted.contains($0.feed + "/" + $0.name) }
            }
            if !ready.isEmpty { logger.info("inbox has \(ready.count) ready file(s)", metadata: ["run.id": "\(runId)"]) }
            for file in ready {
                if shouldStop() { throw RunInterrupted(feed: file.feed, file: file.name, line: 1) }
                try claimAndProcess(file)
            }
        } catch let interrupted as RunInterrupted {
            try? writer.finish()
            outbox = nil
            summary.interrupted = true
            summary.seconds = Double(now().milliseconds - started.milliseconds) / 1000
            logger.notice("run stopped on request: \(interrupted)", metadata: ["run.id": "\(runId)"])
            writeReport()
            try store.finishRun(runId, at: now(), summaryJSON: summary.json.text())
            return summary
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
            summary.documents = try documentIssuer.renderMissing(shouldStop: shouldStop)
        }
        if let refundDispatcher {
            summary.refundDelivery = try refundDispatcher.dispatch(runId: runId, shouldStop: shouldStop)
        }
        // Stopped while writing PDFs or sending refunds: the rest is left for the next run.
        if shouldStop() { summary.interrupted = true }
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
