import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Refunds sent by the built binary to `ordrecon mock-gateway` on 127.0.0.1: what the gateway
/// saw (its journal) and what ordrecon recorded must agree, whatever the gateway does.
@Suite(.runsPrograms) struct RefundDispatchTests {
    /// The default configuration without PDFs: for workloads where only refunds matter (writing
    /// the invoices of hundreds of orders was most of those tests' time).
    static let withoutPDFs = TestWorkspace.defaultConfig.replacingOccurrences(
        of: "write_pdfs = true", with: "write_pdfs = false")

    /// `count` orders of 99.00, paid and cancelled: refunds `RF.O1.C` ... in this order.
    static func dropCancelledOrders(_ ws: TestWorkspace, count: Int) throws {
        var orders = "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"
        var payments = "event_id,entity,order_id,status,occurred_at,amount,payment_ref\n"
        var cancels = "event_id,entity,order_id,status,occurred_at,reason\n"
        for n in 1...count {
            orders += "S\(n),order,O\(n),PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C\(n),SKU-A,2,49.50\n"
            payments += "P\(n),order,O\(n),PAID,2026-01-01T10:05:00+05:30,99.00,PAY-\(n)\n"
            cancels += "X\(n),order,O\(n),CANCELLED,2026-01-01T11:00:00+05:30,customer asked\n"
        }
        try ws.drop("storefront", "orders.csv", orders, order: 1)
        try ws.drop("payments", "payments.csv", payments, order: 2)
        try ws.drop("storefront", "cancels.csv", cancels, order: 3)
    }

    /// Outcome of each attempt of one refund, in order, e.g. `["retry:500", "sent:201"]`.
    static func attempts(_ ws: TestWorkspace, _ refundId: String) throws -> [String] {
        try ws.query(
            "SELECT outcome, COALESCE(CAST(http_status AS TEXT), error_kind) FROM refund_attempts WHERE refund_id = '\(refundId)' ORDER BY attempt"
        )
        .map { "\($0[0]!):\($0[1] ?? "-")" }
    }

    /// What the gateway accepted must be exactly the recorded refunds, each once, with its body;
    /// every request for a key carried the same body; no order got back more than it paid.
    static func expectPaidExactlyOnce(
        _ ws: TestWorkspace, _ gateway: MockGatewayProcess, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let entries = try gateway.entries()
        let recorded = Dictionary(
            uniqueKeysWithValues: try ws.query("SELECT refund_id, body FROM refunds").map { ($0[0]!, $0[1]!) })
        let accepted = entries.filter { $0.outcome == "accepted" }
        #expect(
            accepted.count == recorded.count, "accepted \(accepted.count) times for \(recorded.count) refunds",
            sourceLocation: sourceLocation)
        #expect(Set(accepted.map(\.key)) == Set(recorded.keys), sourceLocation: sourceLocation)
        for (key, requests) in Dictionary(grouping: entries.filter { !$0.body.isEmpty }, by: \.key) {
            #expect(
                Set(requests.map(\.body)) == [recorded[key] ?? "?"], "key \(key) was sent with another body",
                sourceLocation: sourceLocation)
        }
        #expect(
            try ws.count("SELECT COUNT(*) FROM refunds WHERE status <> 'sent'") == 0, sourceLocation: sourceLocation)
        #expect(
            try ws.count(
                """
                SELECT COUNT(*) FROM (SELECT r.order_id FROM refunds r JOIN orders o USING (order_id)
                GROUP BY r.order_id HAVING SUM(r.amount_paise) > MAX(o.paid_paise)) AS excess
                """) == 0, sourceLocation: sourceLocation)
    }

    @Test(arguments: StoreBackend.allCases) func eachRefundIsSentOnceWithItsStoredBodyAndTheTokenNeverShows(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        try Self.dropCancelledOrders(ws, count: 3)
        let secret = "tok-" + UUID().uuidString
        let run = try await ws.run(
            ["run"], environment: ["ORDRECON_GATEWAY_TOKEN": secret, "ORDRECON_LOG_LEVEL": "trace"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("Refunds: 3 sent, 0 refused by the gateway, 0 pending"))
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))

        try Self.expectPaidExactlyOnce(ws, gateway)
        let entries = try gateway.entries()
        // Started oldest first, all three at once (concurrency 8): they may arrive in any order.
        #expect(entries.map(\.key).sorted() == ["RF.O1.C", "RF.O2.C", "RF.O3.C"])
        for entry in entries {
            #expect(try ws.read("outbox/refunds/\(entry.key).json") == entry.body + "\n")
            let body = try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any]
            #expect(body?["refund_id"] as? String == entry.key)
            #expect((body?["amount"] as? NSNumber)?.intValue == 9900)
            #expect(body?["currency"] as? String == "INR")
        }
        #expect(
            try ws.query("SELECT gateway_refund_id, attempts FROM refunds ORDER BY refund_id").map { $0[1]! } == [
                "1", "1", "1",
            ])
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE gateway_refund_id LIKE 'gw_%'") == 3)

        let list = try await ws.run(["refunds", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        #expect(json?["count"] as? Int == 3)
        #expect((json?["refunds"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "sent" } == true)
        let order =
            try JSONSerialization.jsonObject(with: Data(try await ws.run(["order", "O2", "--json"]).stdout.utf8))
            as? [String: Any]
        #expect((order?["refunds"] as? [[String: Any]])?.first?["status"] as? String == "sent")

        // Nothing more to send: a second run makes no request.
        #expect(try await ws.run(["run"]).status == 0)
        #expect(try gateway.entries().count == 3)
    }

    @Test(arguments: StoreBackend.allCases) func fiveHundredThenSuccess(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway(script: #"[{"status":500,"message":"database unavailable"}]"#)
        defer { gateway.terminate() }
        try Self.dropCancelledOrders(ws, count: 1)
        let run = try await ws.run(["run"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(try Self.attempts(ws, "RF.O1.C") == ["retry:500", "sent:201"])
        #expect(
            try ws.query("SELECT message FROM refund_attempts WHERE attempt = 1").first?.first
                == "HTTP 500: database unavailable")
        try Self.expectPaidExactlyOnce(ws, gateway)
    }

    @Test(arguments: StoreBackend.allCases) func timeoutsLeaveTheRefundPendingAndTheSameKeyIsPaidOnce(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        // The gateway takes the refund but answers too late, twice.
        let slow = try await ws.startGateway(
            arguments: ["--delay-ms", "1500"], maxAttempts: 2, timeoutMilliseconds: 300)
        try Self.dropCancelledOrders(ws, count: 1)
        let run = try await ws.run(["run"])
        #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("1 pending"))
        #expect(try Self.attempts(ws, "RF.O1.C") == ["retry:timeout", "retry:timeout"])
        #expect(try ws.query("SELECT status FROM refunds").first?.first == "pending")
        await slow.stop()

        // The same gateway (same memory), now quick: the next dispatch gets the first answer again.
        let quick = try await MockGatewayProcess(journal: slow.journal)
        defer { quick.terminate() }
        try ws.pointGateway(at: quick.baseURL)
        let dispatch = try await ws.run(["dispatch"])
        #expect(dispatch.status == 0, "\(dispatch.stdout)\n\(dispatch.stderr)")
        #expect(try Self.attempts(ws, "RF.O1.C") == ["retry:timeout", "retry:timeout", "sent:201"])
        let outcomes = try quick.entries().map(\.outcome)
        // The second request came while the gateway still worked on the first: 409 (never seen by
        // ordrecon, which had given up waiting); the third got the first answer again.
        #expect(outcomes.first == "accepted" && outcomes.last == "replayed" && outcomes.count == 3, "\(outcomes)")
        #expect(outcomes.dropFirst().allSatisfy { $0 == "replayed" || $0 == "conflict" }, "\(outcomes)")
        try Self.expectPaidExactlyOnce(ws, quick)
        #expect(try ws.count("SELECT COUNT(*) FROM runs WHERE command = 'dispatch'") == 1)
    }

    @Test(arguments: StoreBackend.allCases) func aRefusedConnectionLeavesRefundsPendingWithExit75(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        // A port nothing listens on: bind one, then close it.
        let closedPort = TestWorkspace.closedPort
        try ws.pointGateway(at: "http://127.0.0.1:\(closedPort)", maxAttempts: 3)
        try Self.dropCancelledOrders(ws, count: 2)
        let run = try await ws.run(["run"])
        #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("0 sent, 0 refused by the gateway, 2 pending"))
        #expect(
            run.stdout.contains(
                "gateway unavailable: the circuit breaker opened after gateway-wide trouble: connectionFailed"),
            "\(run.stdout)")
        // Refused connections are trouble of the whole gateway: three in a row (over both
        // refunds, sent at once) open the circuit breaker and the pass stops; the other refund's
        // request may have been in flight already then.
        let attempts = try Self.attempts(ws, "RF.O1.C") + Self.attempts(ws, "RF.O2.C")
        #expect((3...4).contains(attempts.count) && Set(attempts) == ["retry:connectionFailed"], "\(attempts)")
        // The files were processed all the same.
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == 6)
        // The run report and the runs table say so too.
        #expect(
            try ws.read("outbox/reports/1.html").contains(
                "2 refund(s) left pending: the circuit breaker opened after gateway-wide trouble: connectionFailed"))
        let report =
            try JSONSerialization.jsonObject(with: Data(try ws.read("outbox/reports/1.json").utf8)) as? [String: Any]
        #expect((report?["refund_delivery"] as? [String: Any])?["pending"] as? Int == 2)
        #expect(
            try ws.query("SELECT summary_json FROM runs WHERE id = 1").first?.first??.contains(
                #""gateway_unavailable":true"#) == true)

        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        #expect(try await ws.waitUntilPendingRefundsAreDue())  // their stored next attempts have come
        let dispatch = try await ws.run(["dispatch", "--json"])
        #expect(dispatch.status == 0, "\(dispatch.stdout)\n\(dispatch.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(dispatch.stdout.utf8)) as? [String: Any]
        #expect(json?["sent"] as? Int == 2 && json?["pending"] as? Int == 0)
        try Self.expectPaidExactlyOnce(ws, gateway)
    }

    @Test(arguments: StoreBackend.allCases) func aFourHundredFailsAtOnceAndRetryQueuesItWithTheSameKey(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway(
            script: #"[{"status":400,"message":"payment PAY-1 was not captured","key":"RF.O1.C"}]"#)
        defer { gateway.terminate() }
        try Self.dropCancelledOrders(ws, count: 2)
        let run = try await ws.run(["run"])
        #expect(run.status == 65, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("1 sent, 1 refused by the gateway, 0 pending"))
        #expect(try Self.attempts(ws, "RF.O1.C") == ["failed:400"])  // not retried
        #expect(
            try ws.query("SELECT status, last_error FROM refunds WHERE refund_id = 'RF.O1.C'").first
                == ["failed", "HTTP 400: payment PAY-1 was not captured"])
        let failed = try await ws.run(["refunds", "--status", "failed"])
        #expect(failed.stdout.contains("RF.O1.C") && failed.stdout.contains("payment PAY-1 was not captured"))
        #expect(!failed.stdout.contains("RF.O2.C"))

        // A run without new files does not send a failed refund again.
        #expect(try await ws.run(["run"]).status == 0)
        #expect(try Self.attempts(ws, "RF.O1.C").count == 1)

        let retry = try await ws.run(["refunds", "retry", "RF.O1.C"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try await ws.run(["dispatch"]).status == 0)
        #expect(try Self.attempts(ws, "RF.O1.C") == ["failed:400", "sent:201"])
        let show = try await ws.run(["refunds", "show", "RF.O1.C"])
        #expect(show.stdout.contains("sent") && show.stdout.contains("queued again"))
        try Self.expectPaidExactlyOnce(ws, gateway)

        let again = try await ws.run(["refunds", "retry", "RF.O1.C"])
        #expect(again.status == 65 && again.stderr.contains("already accepted"))
        #expect(try await ws.run(["refunds", "retry", "RF.NOPE"]).status == 66)
    }

    @Test(arguments: StoreBackend.allCases) func tooManyRequestsHonoursRetryAfter(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        // backoff_max_ms 2000: a Retry-After of 1 s is waited for within the run.
        let gateway = try await ws.startGateway(script: #"[{"status":429,"retry_after":"1"}]"#, backoffMax: 2000)
        defer { gateway.terminate() }
        try Self.dropCancelledOrders(ws, count: 1)
        let run = try await ws.run(["run"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(try Self.attempts(ws, "RF.O1.C") == ["retry:429", "sent:201"])
        let started = try ws.query("SELECT started_at FROM refund_attempts ORDER BY attempt").map { Int($0[0]!)! }
        try #require(started.count == 2)
        #expect(started[1] - started[0] >= 1000, "waited \(started[1] - started[0]) ms, Retry-After said 1 s")
        try Self.expectPaidExactlyOnce(ws, gateway)
    }

    @Test(arguments: StoreBackend.allCases) func aRetryAfterLongerThanTheBackoffLeavesTheRefundForALaterRun(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway(script: #"[{"status":503,"retry_after":"120"}]"#)
        defer { gateway.terminate() }
        try Self.dropCancelledOrders(ws, count: 1)
        let run = try await ws.run(["run"])
        #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("asked to wait 120 s"))
        let row = try ws.query("SELECT next_attempt_at - last_attempt_at FROM refunds").first?.first.flatMap {
            $0.flatMap { Int($0) }
        }
        #expect((119_000...121_000).contains(row ?? 0))
        // Not due yet: a dispatch now sends nothing and still says 75.
        #expect(try await ws.run(["dispatch"]).status == 75)
        #expect(try Self.attempts(ws, "RF.O1.C") == ["retry:503"])
    }

    @Test(arguments: StoreBackend.allCases) func aGatewayFailingThirtyPercentPaysEveryRefundExactlyOnce(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(config: Self.withoutPDFs, store: store)
        defer { ws.remove() }
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 400, seed: 21), to: ws.root)
        #expect(expected.refunds >= 40)
        // One attempt per refund and pass: requests go out at once and reach the mock in any order,
        // so which of them its seeded failures hit varies; with one attempt each, the chance that
        // none of the 40-odd refunds fails in the first run is 0.7^40, about 1 in 600,000 (with
        // three attempts it was about 1 in 4, and the test failed on CI).
        let gateway = try await ws.startGateway(
            arguments: ["--fail-rate", "0.3", "--drop-connection-rate", "0.1", "--seed", "5"], maxAttempts: 1)
        defer { gateway.terminate() }
        var statuses: [Int32] = []
        for _ in 0..<40 {
            let run = try await ws.run(["run", "--quiet"])
            statuses.append(run.status)
            if run.status != 75 { break }
            #expect(try await ws.waitUntilPendingRefundsAreDue())  // so that the next run sends them all
        }
        // The first run processes the files (rejected rows: 65, or 75 if refunds were left), the last leaves nothing.
        #expect([65, 75].contains(statuses.first ?? 0) && statuses.last == 0, "statuses: \(statuses)")
        #expect(
            statuses.count > 1, "with 30% failures and one attempt per pass some run should have left refunds pending")
        #expect(try ws.count("SELECT COUNT(*) FROM refunds") == expected.refunds)
        try Self.expectPaidExactlyOnce(ws, gateway)
        let entries = try gateway.entries()
        #expect(entries.contains { $0.outcome == "injected_failure" } && entries.contains { $0.outcome == "replayed" })
    }

    /// `kill -9` at random points while refunds go out concurrently (16 in flight) to a gateway
    /// that fails 30 % of requests and cuts 10 % of its answers after paying: afterwards every
    /// refund was accepted exactly once, and every request for a key carried the same body.
    @Test(arguments: StoreBackend.allCases) func killNineDuringConcurrentDispatchNeverPaysTwice(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(config: Self.withoutPDFs, store: store)
        defer { ws.remove() }
        // Files first, with the gateway down: every refund is pending.
        try ws.pointGateway(at: "http://127.0.0.1:\(TestWorkspace.closedPort)", maxAttempts: 1)
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 1200, seed: 8), to: ws.root)
        #expect(try await ws.run(["run", "--quiet"]).status == 75)
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == expected.refunds)
        #expect(expected.refunds >= 150)
        #expect(try await ws.waitUntilPendingRefundsAreDue())  // their stored next attempts have come

        let gateway = try await ws.startGateway(
            arguments: ["--fail-rate", "0.3", "--drop-connection-rate", "0.1", "--delay-ms", "30", "--seed", "3"],
            backoffMax: 100, extra: ["concurrency = 16"])
        defer { gateway.terminate() }
        var random = SystemRandomNumberGenerator()
        var kills = 0
        var rounds = 0
        let inFlight = Peak()
        while kills < 4, rounds < 12 {
            rounds += 1
            let running = try ws.start(["dispatch", "--quiet"], output: .discarded)
            // A random point of the pass: once 1 to 40 more attempts were recorded since its start
            // (with up to 16 in flight, so some are always cut short).
            let attempts = try ws.count("SELECT COUNT(*) FROM refund_attempts")
            let more = Int.random(in: 1...40, using: &random)
            let killed = await running.signal(SIGKILL) {
                inFlight.see((try? ws.count("SELECT COUNT(*) FROM refund_attempts WHERE outcome = 'in_flight'")) ?? 0)
                return ((try? ws.count("SELECT COUNT(*) FROM refund_attempts")) ?? 0) >= attempts + more
            }
            if killed != nil { kills += 1 }
            await running.waitForExit()
        }
        #expect(kills >= 3, "\(kills) kills in \(rounds) rounds")
        let seenInFlight = inFlight.value
        #expect(seenInFlight > 1, "attempts recorded in flight at once: \(seenInFlight)")
        var statuses: [Int32] = []
        for _ in 0..<20 {
            let last = try await ws.run(["dispatch", "--quiet"], timeout: .seconds(120))
            statuses.append(last.status)
            if last.status != 75 { break }
            #expect(try await ws.waitUntilPendingRefundsAreDue())
        }
        #expect(statuses.last == 0, "dispatch statuses after the kills: \(statuses)")
        #expect(try ws.count("SELECT COUNT(*) FROM refund_attempts WHERE outcome = 'interrupted'") > 0)
        try Self.expectPaidExactlyOnce(ws, gateway)
        let entries = try gateway.entries()
        #expect(entries.contains { $0.outcome == "injected_failure" } && entries.contains { $0.outcome == "replayed" })
        print(
            "kill -9 \(kills) times during concurrent dispatch (up to \(seenInFlight) attempts recorded in flight): \(expected.refunds) refunds, "
                + "\(entries.count) requests, then \(statuses.count) dispatches")
    }
}

/// The largest value seen, from any thread.
final class Peak: Sendable {
    private let largest = Atomic<Int>(0)
    var value: Int { largest.load(ordering: .relaxed) }
    func see(_ value: Int) { largest.max(value, ordering: .relaxed) }
}
