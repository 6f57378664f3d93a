import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconMetrics
import OrdreconStore
import ServiceLifecycle

/// Sends pending refunds beside ingestion, on a thread and a database connection of its own,
/// so that a slow or failing gateway never holds up files. When the gateway keeps failing it
/// waits longer between passes (1 s doubling to 60 s); new refunds wake it at once.
struct DispatchService: Service, CustomStringConvertible {
    let context: DaemonContext
    var description: String { "DispatchService" }

    static let idleSeconds = 1.0
    static let longestWait = 60.0

    func run() async throws {
        let stop = StopSignal()
        let failure = FailureBox()
        await withTaskCancellationOrGracefulShutdownHandler {
            await onDedicatedThread(name: "ordrecon-dispatch") {
                do {
                    try loop(stop: stop)
                } catch {
                    failure.set(error)
                }
            }
        } onCancelOrGracefulShutdown: {
            stop.raise()
        }
        if let error = failure.error {
            context.logger.critical("refund dispatch stopped: \(error)")
            throw error
        }
    }

    private func loop(stop: StopSignal) throws {
        let logger = context.logger
        let store = try Store(path: context.configuration.current.paths.database)
        var generation = -1
        var dispatcher: RefundDispatcher?
        var wait = Self.idleSeconds
        while !stop.isRaised {
            store.endReads()
            if generation != context.configuration.generation || dispatcher == nil {
                generation = context.configuration.generation
                dispatcher = try RefundDispatcher(
                    gateway: context.configuration.current.gateway, environment: ProcessInfo.processInfo.environment,
                    store: store, logger: logger, now: SystemClock.now,
                    sleep: { milliseconds in stop.wait(seconds: Double(milliseconds) / 1000) })
            }
            let report = try dispatcher!.dispatch(runId: context.runId, shouldStop: { stop.isRaised })
            context.metrics.record(dispatch: report)
            context.metrics.setRefunds(try store.refundCounts())
            if report.gatewayUnavailable {
                wait = min(Self.longestWait, max(Self.idleSeconds, wait * 2))
                logger.warning("gateway unavailable; next attempt in \(Int(wait)) s", metadata: ["refunds.pending": "\(report.pendingLeft)"])
                stop.wait(seconds: wait)
            } else {
                wait = Self.idleSeconds
                if let until = try store.earliestRefundWait(), report.pendingLeft > 0 {
                    let seconds = Double(until.milliseconds - SystemClock.now().milliseconds) / 1000
                    context.refundsRecorded.wait(seconds: min(Self.longestWait, max(Self.idleSeconds, seconds)), stop: stop)
                } else {
                    context.refundsRecorded.wait(seconds: Self.idleSeconds, stop: stop)
                }
            }
        }
        logger.info("refund dispatch stopped")
    }
}
