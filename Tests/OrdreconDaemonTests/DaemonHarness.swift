import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconMetrics
import OrdreconStore
import OrdreconTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization

@testable import OrdreconDaemon

/// The daemon's services in process, over a real workspace in a temporary folder (removed at the
/// end) and a real SQLite file: a feed `shop` taking new, paid and cancelled orders, batches of
/// 10 events, no PDFs, a watch report every minute; a ``TestClock`` that waits until the test
/// moves it, and the lines logged kept in a ``LogRecorder``.
final class DaemonHarness: Sendable {
    let workspace: TestWorkspace
    let configuration: Configuration
    let logs: LogRecorder
    let clock = TestClock()
    let runId: Int64

    /// - Parameters:
    ///   - logLevel: `.debug` logs each event applied (a point inside a batch).
    ///   - openStore: whether to make the database now (and record the daemon's run in it).
    init(logLevel: Logger.Level = .info, openStore: Bool = true) throws {
        let text =
            TestWorkspace.defaultConfig(batchSize: 10)
            .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false")
            .replacingOccurrences(of: "watch_every_minutes = 60", with: "watch_every_minutes = 1")
            + "\n[feeds.shop]\nallow = [\"order:PENDING_PAYMENT\", \"order:PAID\", \"order:CANCELLED\"]\n"
        workspace = try TestWorkspace(config: text)
        configuration = try Configuration.load(
            tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: workspace.root)
        logs = LogRecorder(level: logLevel)
        try RunEngine.prepareDirectories(EngineSettings(configuration))
        if openStore {
            let store = try Store(path: configuration.paths.database)
            runId = try store.startRun(command: "watch", pid: getpid(), at: clock.wallTime)
        } else {
            runId = 1
        }
    }

    deinit { workspace.remove() }

    /// What the services share; refunds go through `makeRefundClient` (by default a sender that
    /// accepts every refund).
    func context(makeRefundClient: (@Sendable (GatewayConfig) throws -> any ConcurrentHTTPClient)? = nil)
        -> DaemonContext
    {
        DaemonContext(
            configuration: ConfigurationBox(configuration),
            options: DaemonOptions(poll: false, settleSeconds: 0.2, rescanSeconds: 30, metricsPort: nil),
            logger: logs.logger, metrics: OrdreconMetrics(feeds: configuration.feeds.map(\.name)),
            stores: SQLiteStoreFactory(path: configuration.paths.database), runId: runId, clock: clock,
            makeRefundClient: makeRefundClient ?? { _ in ScriptedHTTPClient { _, _ in .answer(status: 201) } })
    }

    /// Runs `service` until `arm` calls the shutdown it is given (from any thread: the service
    /// is told at once), then until the service has ended. When the shutdown was not called
    /// within `timeout`, shuts the service down anyway.
    /// - Returns: whether `arm`'s shutdown was called.
    func run(
        _ service: some Service, within timeout: Duration = .seconds(60),
        stoppingWhen arm: (@escaping @Sendable () -> Void) -> Void
    ) async throws -> Bool {
        try await testGracefulShutdown { trigger in
            let fired = Flag()
            let changes = Changes()
            arm {
                fired.set()
                trigger.triggerGracefulShutdown()
                changes.changed()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                group.addTask {
                    if !(await changes.until(within: timeout) { fired.isSet }) { trigger.triggerGracefulShutdown() }
                }
                try await group.waitForAll()
            }
            return fired.isSet
        }
    }

    /// Runs `service` until the `occurrence`-th log line containing `text`, shut down from the
    /// thread that wrote it (so nothing more happens before the service hears of it).
    func run(_ service: some Service, untilLine text: String, occurrence: Int = 1) async throws -> Bool {
        try await run(service) { shutDown in logs.on(text, occurrence: occurrence, shutDown) }
    }

    /// `count` orders `O1`… waiting for payment, as one CSV file.
    static func newOrders(_ count: Int, from first: Int = 1) -> String {
        "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"
            + (first..<first + count).map {
                "S\($0),order,O\($0),PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C\($0),SKU-A,1,99.00\n"
            }.joined()
    }

    /// Drops three files into `inbox/shop` that leave one paid and cancelled order, `O1`, with
    /// a pending refund `RF.O1.C`, and has ingestion take them.
    func recordOneRefund() async throws {
        try workspace.drop("shop", "a-orders.csv", Self.newOrders(1), order: 1)
        try workspace.drop(
            "shop", "b-paid.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            P1,order,O1,PAID,2026-01-01T10:05:00+05:30,99.00,PAY-1

            """, order: 2)
        try workspace.drop(
            "shop", "c-cancelled.csv",
            """
            event_id,entity,order_id,status,occurred_at,reason
            X1,order,O1,CANCELLED,2026-01-01T11:00:00+05:30,asked

            """, order: 3)
        let done = try await run(IngestService(context: context()), untilLine: "file done", occurrence: 3)
        guard done, try workspace.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == 1 else {
            throw TestError("the refund was not recorded: \(logs.lines.suffix(10))")
        }
    }

    /// Each attempt of a refund as `outcome:http status or error kind`.
    func attempts(_ refundId: String) throws -> [String] {
        try workspace.query(
            "SELECT outcome, COALESCE(http_status, error_kind, '-') FROM refund_attempts WHERE refund_id = '\(refundId)' ORDER BY attempt"
        )
        .map { "\($0[0] ?? ""):\($0[1] ?? "")" }
    }
}

/// A flag set once, read from any thread.
final class Flag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}
