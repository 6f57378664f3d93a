import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Refund delivery by the built binary against a recording gateway on 127.0.0.1 (a real HTTP
/// server that keeps idempotency and the time of every request): fairness, 401, the rate limit.
@Suite(.runsPrograms) struct ConcurrentRefundTests {
    /// One key answered 409 (or 503) for ever while every other is accepted: one `run` delivers
    /// all the others in the same pass, leaves that one pending (exit 75), and the next `dispatch`
    /// does not let it hold up a new refund either.
    @Test(arguments: [409, 503])
    func oneStuckKeyNeverHoldsUpTheOthers(status: Int) async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try RecordingGateway { key, _ in key == "RF.O7.C" ? (status, []) : (201, []) }
        defer { gateway.stop() }
        try ws.pointGateway(at: gateway.url, maxAttempts: 3)
        try RefundDispatchTests.dropCancelledOrders(ws, count: 50)

        let run = try await ws.run(["run"], timeout: .seconds(120))
        #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("Refunds: 49 sent, 0 refused by the gateway, 1 pending"), "\(run.stdout)")
        #expect(run.stdout.contains("3 attempts in this pass failed; last: HTTP \(status)"), "\(run.stdout)")
        #expect(Set(gateway.payments.keys) == Set((1...50).filter { $0 != 7 }.map { "RF.O\($0).C" }))
        #expect(try RefundDispatchTests.attempts(ws, "RF.O7.C") == Array(repeating: "retry:\(status)", count: 3))
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'") == 49)
        #expect(
            try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending' AND next_attempt_at IS NOT NULL") == 1)
        #expect(gateway.mostAtOnceForOneKey == 1)
        #expect(gateway.requests.allSatisfy { $0.key == "RF.O7.C" || $0.status == 201 })

        // Later: the stuck key is tried again, and stays stuck, while a new refund goes through.
        try ws.drop(
            "storefront", "more-orders.csv",
            """
            event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
            S51,order,O51,PENDING_PAYMENT,2026-01-02T10:00:00+05:30,C51,SKU-A,2,49.50
            """)
        try ws.drop(
            "payments", "more-payments.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            P51,order,O51,PAID,2026-01-02T10:05:00+05:30,99.00,PAY-51
            """)
        try ws.drop(
            "storefront", "more-cancels.csv",
            """
            event_id,entity,order_id,status,occurred_at,reason
            X51,order,O51,CANCELLED,2026-01-02T11:00:00+05:30,customer asked
            """)
        #expect(try await ws.waitUntilPendingRefundsAreDue())  // the stuck refund's stored next attempt has come
        let again = try await ws.run(["run"], timeout: .seconds(120))
        #expect(again.status == 75, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("Refunds: 1 sent, 0 refused by the gateway, 1 pending"), "\(again.stdout)")
        #expect(gateway.payments["RF.O51.C"] != nil)
        #expect(try RefundDispatchTests.attempts(ws, "RF.O7.C").count == 6)
    }

    /// 401 for everything: the gateway refuses ordrecon itself. The pass stops after the first
    /// answer (concurrency 1: one request), every refund stays pending, `run` exits 75 and says
    /// why; once the token is right, `dispatch` sends them all, each once.
    @Test func unauthorizedStopsThePassWithExit75() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try RecordingGateway { _, _ in (401, []) }
        defer { gateway.stop() }
        try ws.pointGateway(at: gateway.url, extra: ["concurrency = 1"])
        try RefundDispatchTests.dropCancelledOrders(ws, count: 20)

        let run = try await ws.run(
            ["run"], environment: ["ORDRECON_GATEWAY_TOKEN": "wrong-token"], timeout: .seconds(120))
        #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("Refunds: 0 sent, 0 refused by the gateway, 20 pending"), "\(run.stdout)")
        #expect(run.stdout.contains("the gateway refuses ordrecon"), "\(run.stdout)")
        #expect(run.stderr.contains("the gateway refuses ordrecon itself"), "\(run.stderr)")
        #expect(!run.stdout.contains("wrong-token") && !run.stderr.contains("wrong-token"))
        #expect(gateway.requests.count == 1)
        #expect(gateway.requests.first?.authorization == "Bearer wrong-token")
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == 20)
        #expect(try RefundDispatchTests.attempts(ws, "RF.O1.C") == ["retry:401"])

        gateway.answer { _, _ in (201, []) }
        let dispatch = try await ws.run(
            ["dispatch", "--json"], environment: ["ORDRECON_GATEWAY_TOKEN": "right-token"], timeout: .seconds(120))
        #expect(dispatch.status == 0, "\(dispatch.stdout)\n\(dispatch.stderr)")
        #expect(gateway.payments.count == 20)
        #expect(gateway.requests.dropFirst().allSatisfy { $0.authorization == "Bearer right-token" })
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'") == 20)
        let json = try JSONSerialization.jsonObject(with: Data(dispatch.stdout.utf8)) as? [String: Any]
        #expect((json?["attempts_by_class"] as? [String: Any])?["accepted"] as? Int == 20)
    }

    /// `max_requests_per_second = 20`: the gateway never sees more than 20 requests in any second,
    /// with 16 allowed in flight and an instant gateway that could take hundreds.
    @Test func theRateLimitHoldsAtTheGateway() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try RecordingGateway { _, _ in (201, []) }
        defer { gateway.stop() }
        try ws.pointGateway(at: gateway.url, extra: ["concurrency = 16", "max_requests_per_second = 20"])
        try RefundDispatchTests.dropCancelledOrders(ws, count: 100)

        let run = try await ws.run(["run"], timeout: .seconds(120))
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let requests = gateway.requests
        #expect(requests.count == 100 && gateway.payments.count == 100)
        // ordrecon starts at most 20 in any 1.05 s; the gateway sees them arrive up to a quarter of
        // a second later each on a busy machine: at most 20 in any 0.8 s, and the last one at
        // least 3.5 s after the first (four more windows after the first twenty; 4.2 s when sent).
        let most = requests.mostWithin(seconds: 0.8)
        #expect(most <= 20, "\(most) requests within 0.8 s")
        let span = (requests.map(\.arrival).max() ?? 0) - (requests.map(\.arrival).min() ?? 0)
        #expect(span >= 3.5, "100 requests over \(span) s")
        print(
            "max_requests_per_second = 20: 100 requests over \(String(format: "%.2f", span)) s, at most \(most) in any second"
        )
    }
}
