import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconMetrics
import ServiceLifecycle

/// Takes each inbox file as soon as the watcher finds it ready, one at a time, through the same
/// engine as `ordrecon run`; writes the PDFs of new documents while the inbox is quiet.
///
/// The work runs on a thread of its own with its own database connection. On graceful shutdown
/// the engine stops after the batch in hand (committed; the file resumes on the next start).
/// A pass that fails is logged and tried again after a pause (1 s doubling to 60 s), with the
/// inbox looked at afresh; only a shutdown ends the service.
struct IngestService: Service, CustomStringConvertible {
    let context: DaemonContext
    var description: String { "IngestService" }

    func run() async throws {
        let stop = StopSignal()
        let configuration = context.configuration.current
        let watch = try InboxWatch(
            root: configuration.paths.inbox, feeds: configuration.feeds.map(\.name),
            mode: context.options.poll ? .poll : .inotify, settle: context.options.settleSeconds,
            rescanInterval: context.options.rescanSeconds)
        await withTaskCancellationOrGracefulShutdownHandler {
            await onDedicatedThread(name: "ordrecon-ingest") {
                loop(watch: watch, stop: stop)
            }
        } onCancelOrGracefulShutdown: {
            stop.raise()
            watch.wake()
        }
    }

    /// What the worker carries from one turn to the next.
    private struct Progress {
        /// No pass has succeeded yet, or the last one failed: the next turn makes a pass even with
        /// no file ready (to finish a file it had claimed) and checks the refund files.
        var first = true
        /// Documents may be waiting for their PDFs.
        var documentsWaiting = true
        /// When files left in the processing folder (still being written to, or met with a read
        /// error) are to be tried again, on the monotonic clock; nil when none are.
        var retryUnfinishedAt: Double?
        /// The passes since the last report (one report per period, not per pass).
        var reportPeriod: WatchReportPeriod
    }

    private func loop(watch: InboxWatch, stop: StopSignal) {
        let logger = context.logger
        let clock = context.clock
        var store: (any StateStore)?
        var progress = Progress(reportPeriod: WatchReportPeriod(context.configuration.current.reports))
        var backoff = FailureBackoff()
        while !stop.isRaised {
            do {
                let current = try store ?? context.workerStore(stop: stop, worker: "ingest")
                store = current
                guard try lead(current, watch: watch, progress: &progress) else {
                    clock.wait(seconds: IngestRole.standbyRetrySeconds, signal: stop)
                    continue
                }
                try turn(store: current, watch: watch, stop: stop, progress: &progress)
                if progress.reportPeriod.isDue(at: clock.now) {
                    writeReport(&progress.reportPeriod, store: current)
                }
                backoff.succeeded()
            } catch {
                if stop.isRaised { break }
                // A fresh connection (on PostgreSQL the ingest lock goes with the old one), and every
                // file still in the inbox reported again.
                store?.rollback()
                store = nil
                if context.ingestRole.set(false) { context.metrics.setIngestLeader(false) }
                watch.rediscover()
                progress.first = true
                let wait = backoff.failed()
                logger.error("ingestion pass failed; trying again in \(Int(wait)) s: \(error)")
                clock.wait(seconds: wait, signal: stop)
            }
        }
        // The period so far: what the daemon did since its last report is not left unreported.
        if !progress.reportPeriod.isEmpty {
            do {
                let current = try store ?? context.workerStore(stop: StopSignal(), worker: "ingest")
                writeReport(&progress.reportPeriod, store: current)
            } catch {
                logger.error("could not write the last report: \(error)")
            }
        }
        logger.info("ingestion stopped")
    }

    /// Whether this node may ingest now: always on a store only one machine uses; on a shared one
    /// (PostgreSQL) while this connection holds the ingest lock. A standby that takes the lock
    /// starts like a daemon that just started: the files the last leader claimed are resumed
    /// from their last committed batch, and the whole inbox is looked at again.
    private func lead(_ store: any StateStore, watch: InboxWatch, progress: inout Progress) throws -> Bool {
        let leads = try store.tryLeadIngest()
        let role = context.ingestRole
        if role.set(leads) {
            context.metrics.setIngestLeader(leads)
            if leads {
                if context.stores.isShared {
                    context.logger.notice("this node now leads ingestion (it holds the ingest lock)")
                }
                progress.first = true
                watch.rediscover()
            } else {
                let holder = (try? store.ingestLeader()) ?? nil
                context.logger.notice(
                    "standing by: another node leads ingestion\(holder.map { " (\($0))" } ?? ""); refunds are still sent from here"
                )
            }
        }
        return leads
    }

    private func writeReport(_ period: inout WatchReportPeriod, store: any StateStore) {
        let configuration = context.configuration.current
        period.write(
            store: store, outbox: configuration.paths.outbox, keepDays: configuration.reports.keepDays,
            now: context.clock.wallTime, zone: configuration.timeZone, logger: context.logger)
    }

    /// One turn: a pass over the files found ready (always on the first turn), or, while the inbox
    /// is quiet, a few PDFs.
    private func turn(store: any StateStore, watch: InboxWatch, stop: StopSignal, progress: inout Progress) throws {
        let logger = context.logger
        store.endReads()
        // A wait for the kernel's word on the inbox (inotify), at most a second of real time; the
        // clock's deadlines (files to try again, the report) are looked at between such waits.
        let ready = watch.nextReady(timeout: progress.first || progress.documentsWaiting ? 0 : 1)
        if stop.isRaised { return }
        let configuration = context.configuration.current
        let retryDue = progress.retryUnfinishedAt.map { context.clock.now >= $0 } ?? false
        if progress.first || !ready.isEmpty || retryDue {
            var settings = EngineSettings(configuration)
            settings.settleSeconds = context.options.settleSeconds  // --settle-ms wins, as for the watcher
            let engine = RunEngine(settings: settings, store: store, logger: logger)
            engine.shouldStop = { stop.isRaised }
            engine.repairsRefundFiles = progress.first
            engine.truncatesWAL = false
            engine.writesReport = false
            // These first, then whatever the watcher finds ready while the pass goes on.
            var found = ready
            let summary = try engine.run(command: "watch") {
                let files = found.isEmpty ? watch.nextReady(timeout: 0) : found
                found = []
                return files.map { ($0.feed, $0.name) }
            }
            context.metrics.record(run: summary)
            progress.reportPeriod.add(summary, at: context.clock.now)
            if !summary.interrupted { context.metrics.markSuccess(at: context.clock.wallTime) }
            if summary.refundsRecorded > 0 { context.dispatchSignal.poke() }
            if summary.invoicesRecorded > 0 || summary.refundsRecorded > 0 { progress.documentsWaiting = true }
            progress.first = false
            progress.retryUnfinishedAt = Self.retryTime(
                for: summary, settle: context.options.settleSeconds, now: context.clock.now)
            return
        }
        guard progress.documentsWaiting, configuration.writePDFs else {
            progress.documentsWaiting = false
            return
        }
        // The inbox is quiet: a few documents, then look at the inbox again.
        let clock = context.clock
        let issuer = DocumentIssuer(configuration: configuration, store: store, logger: logger, now: { clock.wallTime })
        let report = try issuer.renderMissing(limit: 32, shouldStop: { stop.isRaised })
        context.metrics.record(documents: report)
        progress.documentsWaiting = report.rendered + report.failed >= 32
    }

    /// When a pass is due for the files a pass left in the processing folder: a file still being
    /// written to after the settle time once more that time has passed, one met with a read error
    /// after 30 s; nil when the pass left none. Times are the clock's (`now`: when the pass ended).
    static func retryTime(for summary: RunSummary, settle: Double, now: Double) -> Double? {
        let causes = Set(summary.unfinished.map(\.cause))
        if causes.contains(.stillBeingWritten) { return now + max(1, settle) }
        if causes.contains(.readError) { return now + 30 }
        return nil
    }
}
