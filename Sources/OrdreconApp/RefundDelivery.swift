import ArgumentParser
import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconGateway

/// Wiring of the refund dispatcher for `run` and `dispatch`: the libcurl sender from
/// `[gateway]`, the token from the environment or the config, the system clock.
enum RefundDelivery {
    /// A dispatcher over `store`, or a failure (exit 70) when libcurl cannot start. Its waits
    /// end early on SIGTERM or SIGINT, which the caller passes as `shouldStop` to `dispatch`.
    static func dispatcher(_ configuration: Configuration, store: any RefundLedger, logger: Logger)
        throws(CommandFailure) -> RefundDispatcher
    {
        do {
            let gateway = configuration.gateway
            return RefundDispatcher(
                store: store, client: try CurlMultiClient(gateway: gateway), options: RefundDispatcher.Options(gateway),
                token: gateway.effectiveToken(environment: Invocation.current.environment), logger: logger)
        } catch {
            throw CommandFailure.internal("cannot set up the HTTP client: \(error)")
        }
    }

    /// The exit status a run or dispatch ends with, after its report was printed.
    /// 75 when refunds are left pending (the gateway could not take them yet), the gateway refused
    /// ordrecon itself (401/403) or the pass was stopped (wins over 65); 65 when events or files
    /// were rejected or the gateway refused a refund in this pass (or it was given up).
    static func exitStatus(rejected: Bool, report: DispatchReport) -> ExitCode? {
        if report.pendingLeft > 0 || report.interrupted || report.refusedAccess { return ExitStatus.tryAgain }
        if rejected || report.failed > 0 { return ExitStatus.rejected }
        return nil
    }

    /// The lines printed after the run summary.
    static func text(_ report: DispatchReport) -> String {
        var out = report.line.prefix(1).uppercased() + report.line.dropFirst()
        if report.failed > 0 {
            out +=
                "\nRefused refunds need a person: `ordrecon refunds --status failed`, then `ordrecon refunds retry <refund_id>`."
        }
        if report.pendingLeft > 0 {
            out += "\nPending refunds are sent by the next `ordrecon run` or `ordrecon dispatch` (same key, same body)."
        }
        return out
    }
}
