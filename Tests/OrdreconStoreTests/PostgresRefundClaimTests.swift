import Foundation
import OrdreconCore
import OrdreconTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several nodes sending refunds from one PostgreSQL database: each is a connection of its own
/// (a store), as each ordrecon node has. The refunds are written straight into the database, so
/// that only the claiming of attempts is under test here.
@Suite struct PostgresRefundClaimTests {
    func t(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: ms) }

    /// `RF.0001` … as pending refunds (the paid-amount trigger is off: there is no order history).
    static func ids(_ count: Int) -> [String] { (1...count).map { "RF." + String(format: "%04d", $0) } }

    func seeded(_ count: Int) throws -> TestDatabase {
        let database = try StoreBackend.postgres.newDatabase()
        _ = try database.open()  // makes the schema
        try database.execute(
            """
            ALTER TABLE refunds DISABLE TRIGGER refunds_never_exceed_paid;
            INSERT INTO refunds (refund_id, kind, order_id, amount_paise, payment_ref, body, audit_id, created_at)
            SELECT 'RF.' || lpad(n::text, 4, '0'), 'cancellation', 'O' || n, 100 * n, 'P' || n,
                   '{"refund_id":"RF.' || lpad(n::text, 4, '0') || '"}', n, 1000 + n
            FROM generate_series(1, \(count)) AS n;
            """)
        return database
    }

    func finish(
        _ store: any StateStore, _ refundId: String, attempt: Int, at ms: Int64, _ end: RefundAttemptEnd
    ) throws {
        try store.finishRefundAttempt(
            refundId, attempt: attempt, at: t(ms), durationMilliseconds: 1, httpStatus: 503, transport: nil,
            message: nil, end: end)
    }

    /// Runs `body(node)` for nodes 0 and 1 on two threads at once; the errors they threw.
    func onTwoNodes(_ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
        let errors = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        for node in 0..<2 {
            let thread = Thread {
                do { try body(node) } catch { errors.withLock { $0.append("node \(node): \(error)") } }
                done.signal()
            }
            thread.start()
        }
        done.wait()
        done.wait()
        return errors.withLock { $0 }
    }

    @Test func twoNodesBeginningTheSameRefundsAtOnceBeginEachExactlyOnce() throws {
        let database = try seeded(20)
        let ids = Self.ids(20)
        let rounds = 40
        // begun[round][node]: the attempt numbers a node got in that round.
        let begun = Mutex<[[[String: Int]]]>(Array(repeating: [[:], [:]], count: rounds))
        let arrived = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let errors = onTwoNodes { node in
            // Both nodes meet here before each step (a two-party barrier); a node that failed
            // never comes, and the other gives up instead of waiting for ever.
            func meet() throws {
                arrived[node].signal()
                guard arrived[1 - node].wait(timeout: .now() + 30) == .success else {
                    throw TestError("node \(1 - node) stopped")
                }
            }
            let store = try database.open()
            var random = SystemRandomNumberGenerator()
            for round in 0..<rounds {
                try meet()
                // At once, or one a little after the other (then after its commit, or during it).
                usleep(UInt32.random(in: 0...40_000, using: &random))
                let numbers = try store.beginRefundAttempts(
                    ids.shuffled(using: &random), runId: Int64(node), at: t(Int64(round)))
                begun.withLock { $0[round][node] = numbers }
                try meet()
                try store.finishRefundAttempts(
                    numbers.map { id, attempt in
                        RefundAttemptFinish(
                            refundId: id, attempt: attempt, at: t(Int64(round)), durationMilliseconds: 1,
                            httpStatus: 503, transport: nil, message: "HTTP 503",
                            end: .retry(reason: "HTTP 503", notBefore: nil))
                    })
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        let results = begun.withLock { $0 }
        for (round, nodes) in results.enumerated() {
            let (first, second) = (Set(nodes[0].keys), Set(nodes[1].keys))
            #expect(
                first.isDisjoint(with: second), "round \(round): begun on both nodes: \(first.intersection(second))")
            #expect(
                first.union(second) == Set(ids),
                "round \(round): not begun: \(Set(ids).subtracting(first.union(second)))")
            #expect(nodes[0].values.allSatisfy { $0 == round + 1 } && nodes[1].values.allSatisfy { $0 == round + 1 })
        }
        // Nobody's attempt was cut short, nothing is left in flight, and every attempt was counted.
        #expect(
            try database.rows("SELECT outcome, COUNT(*) FROM refund_attempts GROUP BY outcome")
                == [["retry", "\(20 * rounds)"]])
        #expect(try database.rows("SELECT DISTINCT attempts FROM refunds") == [["\(rounds)"]])
    }

    @Test func aRefundIsNeverInFlightOnTwoNodesAndASentOneNeverGoesAgain() throws {
        let database = try seeded(30)
        let ids = Self.ids(30)
        /// Which node has which refund in flight, and the refunds whose acceptance is committed.
        struct Board {
            var inFlight: [String: Int] = [:]
            var sent: Set<String> = []
            var problems: [String] = []
        }
        let board = Mutex(Board())
        let errors = onTwoNodes { node in
            let store = try database.open()
            var random = SystemRandomNumberGenerator()
            var mine: [String: Int] = [:]
            for step in 0..<400 {
                let now = t(Int64(step))
                let due = try store.dueRefunds(at: now, limit: 30).map(\.refundId).filter { mine[$0] == nil }
                let numbers = try store.beginRefundAttempts(
                    Array(due.shuffled(using: &random).prefix(4)), runId: Int64(node), at: now)
                board.withLock { board in
                    for id in numbers.keys {
                        if let other = board.inFlight[id] {
                            board.problems.append("\(id) begun while in flight on \(other)")
                        }
                        if board.sent.contains(id) { board.problems.append("\(id) begun after it was sent") }
                        board.inFlight[id] = node
                    }
                }
                mine.merge(numbers) { _, new in new }
                // Some answers come: accepted now and then, else "try again".
                for (id, attempt) in mine where Bool.random(using: &random) {
                    mine[id] = nil
                    board.withLock { $0.inFlight[id] = nil }
                    let accepted = Int.random(in: 0..<4, using: &random) == 0
                    try finish(
                        store, id, attempt: attempt, at: Int64(step),
                        accepted ? .sent(gatewayRefundId: "gw.\(id)") : .retry(reason: "HTTP 503", notBefore: nil))
                    if accepted { board.withLock { _ = $0.sent.insert(id) } }
                }
                if board.withLock({ $0.sent.count }) == ids.count { break }
            }
            for (id, attempt) in mine {
                board.withLock { $0.inFlight[id] = nil }
                try finish(store, id, attempt: attempt, at: 10_000, .retry(reason: "HTTP 503", notBefore: nil))
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        let result = board.withLock { $0 }
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.sent.count > 0)
        // One accepted attempt per sent refund, its last; none cut short; the counts agree.
        #expect(
            try database.rows(
                """
                SELECT r.refund_id FROM refunds r WHERE r.status = 'sent' AND (
                    (SELECT COUNT(*) FROM refund_attempts a WHERE a.refund_id = r.refund_id AND a.outcome = 'sent') <> 1
                    OR (SELECT outcome FROM refund_attempts a WHERE a.refund_id = r.refund_id ORDER BY attempt DESC LIMIT 1) <> 'sent')
                """
            ).isEmpty)
        #expect(try database.rows("SELECT COUNT(*) FROM refunds WHERE status = 'sent'") == [["\(result.sent.count)"]])
        #expect(
            try database.rows("SELECT * FROM refund_attempts WHERE outcome IN ('interrupted', 'in_flight')").isEmpty)
        #expect(
            try database.rows(
                "SELECT refund_id FROM refunds r WHERE attempts <> (SELECT COUNT(*) FROM refund_attempts a WHERE a.refund_id = r.refund_id)"
            ).isEmpty)
    }
}
