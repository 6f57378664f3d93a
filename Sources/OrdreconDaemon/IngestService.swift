import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconMetrics
import OrdreconStore
import ServiceLifecycle

/// Takes each inbox file as soon as the watcher finds it ready, one at a time, through the same
/// engine as `ordrecon run`; writes the PDFs of new documents while the inbox is quiet.
///
/// The work runs on a thread of its own with its own database connection. On graceful shutdown
/// the engine stops after the batch in hand (committed; the file resumes on the next start).
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
        let failure = FailureBox()
        await withTaskCancellationOrGracefulShutdownHandler {
            await onDedicatedThread(name: "ordrecon-ingest") {
                do {
                    try loop(watch: watch, stop: stop)
                } catch {
                    failure.set(error)
                }
            }
        } onCancelOrGracefulShutdown: {
            stop.raise()
            watch.wake()
        }
        if let error = failure.error {
            context.logger.critical("ingestion stopped: \(error)")
            throw error
        }
    }

    private func loop(watch: InboxWatch, stop: StopSignal) throws {
        let logger = context.logger
        let store = try Store(path: context.configuration.current.paths.database)
        var first = true
        var documentsWaiting = true
        while !stop.isRaised {
            store.endReads()
            let ready = first ? [] : watch.nextReady(timeout: documentsWaiting ? 0 : 1)
            if stop.isRaised { break }
            let configuration = context.configuration.current
            if first || !ready.isEmpty {
                let engine = RunEngine(settings: EngineSettings(configuration), store: store, logger: logger)
                engine.shouldStop = { stop.isRaised }
                engine.repairsRefundFiles = first
                let summary = try engine.run(command: "watch", only: ready.map { ($0.feed, $0.name) })
                context.metrics.record(run: summary)
                if !summary.interrupted { context.metrics.markSuccess(at: SystemClock.now()) }
                if summary.refundsRecorded > 0 { context.refundsRecorded.raise() }
                if summary.invoicesRecorded > 0 || summary.refundsRecorded > 0 { documentsWaiting = true }
                first = false
                continue
            }
            guard documentsWaiting, configuration.writePDFs else {
                documentsWaiting = false
                continue
            }
            // The inbox is quiet: a few documents, then look at the inbox again.
            let issuer = DocumentIssuer(configuration: configuration, store: store, logger: logger, now: SystemClock.now)
            let report = try issuer.renderMissing(limit: 32, shouldStop: { stop.isRaised })
            context.metrics.record(documents: report)
            documentsWaiting = report.rendered + report.failed >= 32
        }
        logger.info("ingestion stopped")
    }
}

/// The first error a worker thread met, handed back to its service.
///
/// `@unchecked Sendable`: written once by the worker and read after it has finished, under `lock`.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?

    func set(_ error: any Error) {
        lock.lock()
        if stored == nil { stored = error }
        lock.unlock()
    }

    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
