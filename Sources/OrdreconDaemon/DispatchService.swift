import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconMetrics
import ServiceLifecycle

/// Sends pending refunds beside ingestion, on a thread and a database connection of its own,
/// so that a slow or failing gateway never holds up files. When the gateway keeps failing it
/// waits longer between passes (1 s doubling to 60 s); new refunds wake it at once. An error
/// never ends it; only a shutdown does.
struct DispatchService: Service, CustomStringConvertible {
    let context: DaemonContext
    var description: String { "DispatchService" }

    static let idleSeconds = 1.0
    static let longestWait = 60.0

    func run() async throws {
        let stop = context.dispatchSignal
        await withTaskCancellationOrGracefulShutdownHandler {
            await onDedicatedThread(name: "ordrecon-dispatch") {
                loop(stop: stop)
            }
        } onCancelOrGracefulShutdown: {
            stop.raise()
        }
    }

    /// Passes until stopped. A pass that fails (the database, the gateway's configuration) is
    /// logged and tried again after a pause (1 s doubling to 60 s), on a fresh connection.
    private func loop(stop: StopSignal) {
        let logger = context.logger
        let clock = context.clock
        var store: (any StateStore)?
        var generation = -1
        var dispatcher: RefundDispatcher?
        var wait = Self.idleSeconds
        var backoff = FailureBackoff()
        while !stop.isRaised {
            do {
                let current = try store ?? context.workerStore(stop: stop, worker: "dispatch")
                if store == nil { dispatcher = nil }
                store = current
                current.endReads()
                if generation != context.configuration.generation || dispatcher == nil {
                    generation = context.configuration.generation
                    let gateway = context.configuration.current.gateway
                    dispatcher = RefundDispatcher(
                        store: current, client: try context.makeRefundClient(gateway),
                        options: RefundDispatcher.Options(gateway),
                        token: gateway.effectiveToken(environment: ProcessInfo.processInfo.environment), logger: logger,
                        clock: clock)
                    let metrics = context.metrics
                    dispatcher?.onInFlight = { metrics.setRequestsInFlight($0) }
                }
                let report = try dispatcher!.dispatch(runId: context.runId, shouldStop: { stop.isRaised })
                backoff.succeeded()
                context.metrics.record(dispatch: report)
                context.metrics.setRefunds(try current.refundCounts())
                context.metrics.setOldestPendingRefund(try current.oldestPendingRefund(), now: clock.wallTime)
                context.metrics.setCircuit(dispatcher!.breaker.state.name)
                if report.gatewayUnavailable {
                    wait = min(Self.longestWait, max(Self.idleSeconds, wait * 2))
                    logger.warning(
                        "gateway unavailable; next attempt in \(Int(wait)) s",
                        metadata: ["refunds.pending": "\(report.pendingLeft)"])
                    clock.wait(seconds: wait, signal: stop)
                } else {
                    wait = Self.idleSeconds
                    if let until = try current.earliestRefundWait(), report.pendingLeft > 0 {
                        let seconds = Double(until.milliseconds - clock.wallTime.milliseconds) / 1000
                        clock.wait(
                            seconds: min(Self.longestWait, max(Self.idleSeconds, seconds)), signal: stop,
                            endedByPoke: true)
                    } else {
                        clock.wait(seconds: Self.idleSeconds, signal: stop, endedByPoke: true)
                    }
                }
            } catch {
                if stop.isRaised { break }
                store?.rollback()
                store = nil
                dispatcher = nil
                let pause = backoff.failed()
                logger.error("refund dispatch failed; trying again in \(Int(pause)) s: \(error)")
                clock.wait(seconds: pause, signal: stop)
            }
        }
        logger.info("refund dispatch stopped")
    }
}
