import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconDaemon

/// The services' graceful shutdown, in process (swift-service-lifecycle's `testGracefulShutdown`),
/// triggered at an exact point of their work: what was in hand is finished or kept, and nothing
/// is lost when they start again.
@Suite struct GracefulShutdownTests {
    /// Shut down while the first batch of a 35-event file is being read: ingestion commits that
    /// batch (10 events) and stops, the file stays claimed; started again it resumes after the
    /// batch and every event is recorded exactly once.
    @Test func ingestionStopsAfterTheBatchInHandAndLosesNothing() async throws {
        let h = try DaemonHarness(logLevel: .debug)
        try h.workspace.drop("shop", "orders.csv", DaemonHarness.newOrders(35))

        let stopped = try await h.run(IngestService(context: h.context()), untilLine: "event applied")
        #expect(stopped)
        #expect(h.logs.count("run stopped on request") == 1)
        #expect(h.logs.count("ingestion stopped") == 1)
        #expect(try h.workspace.count("SELECT COUNT(*) FROM audit_events") == 10)
        // Lines 2…11 (after the header) are in; the next to read is line 12.
        let claimed = try h.workspace.query("SELECT state, finalized, resume_line FROM files")
        #expect(claimed == [["processing", "0", "12"]], "\(claimed)")
        #expect(h.workspace.files(in: "archive/shop").isEmpty)

        let finished = try await h.run(IngestService(context: h.context()), untilLine: "file done")
        #expect(finished)
        #expect(h.logs.count("resuming file claimed by an earlier run") == 1)
        #expect(try h.workspace.count("SELECT COUNT(*) FROM audit_events") == 35)
        #expect(
            try h.workspace.count("SELECT COUNT(DISTINCT event_id) FROM audit_events WHERE outcome = 'applied'") == 35)
        #expect(try h.workspace.query("SELECT state, finalized FROM files") == [["done", "1"]])
        #expect(h.workspace.files(in: "archive/shop").count == 1)
        #expect(h.logs.count("ingestion stopped") == 2)
    }

    /// Shut down while a refund request is in flight: dispatch abandons it, records the attempt
    /// as interrupted and stops; the refund stays pending, and the next start sends the same key
    /// and body, which the gateway accepts.
    @Test func dispatchAbandonsTheRequestInFlightAndTheNextStartSendsTheSameKey() async throws {
        let h = try DaemonHarness()
        try await h.recordOneRefund()

        let holding = ScriptedHTTPClient { _, _ in .hold }
        let stopped = try await h.run(DispatchService(context: h.context { _ in holding })) { shutDown in
            holding.whenStarted { _ in shutDown() }
        }
        #expect(stopped)
        #expect(holding.requests.map(\.key) == ["RF.O1.C"])
        #expect(h.logs.count("1 refund request abandoned on request") == 1)
        #expect(h.logs.count("refund dispatch stopped") == 1)
        #expect(try h.attempts("RF.O1.C") == ["interrupted:aborted"])
        #expect(try h.workspace.query("SELECT status FROM refunds") == [["pending"]])

        let accepting = ScriptedHTTPClient { _, _ in .answer(status: 201) }
        let sent = try await h.run(DispatchService(context: h.context { _ in accepting }), untilLine: "refunds: 1 sent")
        #expect(sent)
        #expect(accepting.requests.map(\.key) == ["RF.O1.C"])
        #expect(accepting.requests.first?.body == holding.requests.first?.body)
        #expect(try h.attempts("RF.O1.C") == ["interrupted:aborted", "sent:201"])
        #expect(try h.workspace.query("SELECT status FROM refunds") == [["sent"]])
        #expect(h.logs.count("refund dispatch stopped") == 2)
    }
}
