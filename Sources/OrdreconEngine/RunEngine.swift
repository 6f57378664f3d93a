public import Logging
public import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// One pass over the workspace: finish what an interrupted run left, then process every ready
/// inbox file once, in order. The caller holds the workspace lock.
public final class RunEngine {
    let settings: EngineSettings
    let store: any StateStore
    let logger: Logger
    let now: @Sendable () -> Timestamp
    let judge: Judge
    var runId: Int64 = 0
    var summary = RunSummary()
    /// The open write transaction over the files in hand (see ``OpenBatch``).
    var batch = OpenBatch()
    /// Writes refund files beside the event work, while a run is in progress.
    var outbox: OutboxWriter?
    /// Writes the PDFs of new invoices and credit notes after the files; nil: none are written.
    public var documentIssuer: DocumentIssuer?
    /// Sends pending refunds after the files; nil: the run records refunds but sends none.
    public var refundDispatcher: RefundDispatcher?
    /// Asked between files and after each committed batch; true stops the run there (the file
    /// in hand resumes on the next run). A daemon sets it on SIGTERM.
    public var shouldStop: @Sendable () -> Bool = { false }
    /// Told how far the run is (files, events, PDFs, refunds); nil: nobody watches.
    public var progress: RunProgress?
    /// Whether a run first checks every pending refund's outbox file (a daemon does it once, at start).
    public var repairsRefundFiles = true
    /// Whether the run ends with a checkpoint that also empties the WAL. It waits for readers while
    /// holding the write lock, so a daemon, whose other connections write too, turns it off (its
    /// passes end with a passive checkpoint instead).
    public var truncatesWAL = true
    /// Whether the run writes its own report. A daemon turns it off: it writes one report per
    /// period for all its passes (``WatchReportPeriod``).
    public var writesReport = true

    /// Creates an engine over an open store.
    /// - Parameter now: the clock (injected so tests can fix time).
    public init(
        settings: EngineSettings, store: any StateStore, logger: Logger,
        now: @escaping @Sendable () -> Timestamp = SystemClock.now
    ) {
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
            for root in [
                settings.inbox, settings.archive, settings.failed, settings.processing, settings.rejectionOutbox,
            ] {
                try FileSystem.makeDirectories(root + "/" + feed.name)
            }
        }
        for path in [settings.refundOutbox, settings.invoices, settings.stateDirectory] {
            try FileSystem.makeDirectories(path)
        }
    }

    /// Runs once: the files, then the missing PDFs and the pending refunds (when an issuer and a
    /// dispatcher are set).
    /// - Parameter ready: where the files come from. nil takes every ready file the inbox holds
    ///   (`run`). A watcher's reports (`watch`) are asked for before the first file and again
    ///   before each next one, so that a file found ready meanwhile is taken in its place in
    ///   processing order (mtime, feed, name) and never after a newer one. Files claimed by an
    ///   interrupted run are finished first either way.
    /// - Returns: what was done (`interrupted` when ``shouldStop`` ended it early).
    public func run(command: String = "run", ready: ReadyFiles? = nil) throws -> RunSummary {
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
            var queue = PassQueue(root: settings.inbox, feeds: settings.feeds.map(\.name), ready: ready)
            var counted = false
            while let file = try queue.next(logger: logger, runId: runId) {
                if !counted, let progress {
                    counted = true
                    let upcoming = queue.upcoming
                    progress.addFiles(1 + upcoming.files, bytes: file.info.size + upcoming.bytes)
                }
                if shouldStop() { throw RunInterrupted(feed: file.feed, file: file.name, line: 1) }
                try claimAndProcess(file)
                progress?.fileDone(size: file.info.size)
            }
            try commitBatch()
            reportUnusableFolders(queue.unusableFolders)
        } catch let interrupted as RunInterrupted {
            // The batch in hand is kept: committed, and its files archived.
            do { try commitBatch() } catch {
                abandonBatch()
                try? writer.finish()
                outbox = nil
                throw error
            }
            try? writer.finish()
            outbox = nil
            summary.interrupted = true
            summary.seconds = Double(now().milliseconds - started.milliseconds) / 1000
            logger.notice("run stopped on request: \(interrupted)", metadata: ["run.id": "\(runId)"])
            writeReport()
            try store.finishRun(runId, at: now(), summaryJSON: summary.json.text())
            return summary
        } catch {
            abandonBatch()
            try? writer.finish()
            outbox = nil
            throw error
        }
        outbox = nil
        try writer.finish()
        // The files' time; the dispatch reports its own.
        summary.seconds = Double(now().milliseconds - started.milliseconds) / 1000
        if !summary.files.isEmpty {
            logger.info(
                "files done: \(summary.files.count) file(s), \(summary.events) events: \(summary.applied) applied, \(summary.duplicate) duplicate, \(summary.rejected) rejected",
                metadata: ["run.id": "\(runId)"])
        }
        if let documentIssuer {
            if let progress { progress.startPDFs(total: try store.documentsWithoutPDFCount()) }
            documentIssuer.progress = progress
            defer { documentIssuer.progress = nil }
            summary.documents = try documentIssuer.renderMissing(shouldStop: shouldStop)
        }
        if let refundDispatcher {
            if let progress {
                progress.startRefunds(total: try store.refundCounts()[.pending] ?? 0)
                refundDispatcher.onProgress = { report in
                    progress.refunds(sent: report.sent, handled: report.sent + report.failed)
                }
            }
            defer { refundDispatcher.onProgress = nil }
            summary.refundDelivery = try refundDispatcher.dispatch(runId: runId, shouldStop: shouldStop)
        }
        // Stopped while writing PDFs or sending refunds: the rest is left for the next run.
        if shouldStop() { summary.interrupted = true }
        writeReport()
        try store.finishRun(runId, at: now(), summaryJSON: summary.json.text())
        store.checkpoint(truncate: truncatesWAL)
        return summary
    }
}

extension RunEngine {
    /// Feed folders that cannot be read as such (a symbolic link is not followed): in the log and
    /// the summary on every run, so that a person sees why a feed is quiet.
    func reportUnusableFolders(_ folders: [String]) {
        for folder in folders {
            let message = "\(folder) is not a directory (a symbolic link is not followed); its feed is not read"
            logger.error("\(message)", metadata: ["run.id": "\(runId)"])
            summary.unfinished.append(
                UnfinishedFile(
                    feed: FileSystem.fileName(of: folder), name: "", cause: .unusableFolder, message: message))
        }
    }
}
