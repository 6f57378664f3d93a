import Foundation
import OrdreconStore
import OrdreconTestSupport
import Testing

/// The questions a reviewer asks the audit log (by order, file, event id, reason code, time)
/// are index searches, never scans of the audit table; and the views show readable times.
@Suite
struct QueryPlanTests {
    /// A database at the latest schema, in a temporary folder removed afterwards.
    final class Database {
        let directory = NSTemporaryDirectory() + "ordrecon-plan-" + UUID().uuidString
        var path: String { directory + "/test.sqlite" }

        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = try Store(path: path)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// The detail lines of `EXPLAIN QUERY PLAN sql`.
        func plan(_ sql: String) throws -> [String] {
            try SQLiteFile.rows("EXPLAIN QUERY PLAN " + sql, at: path).compactMap { $0.last ?? nil }
        }
    }

    @Test(
        arguments: [
            ("SELECT * FROM audit_log WHERE order_id = 'O1'", "audit_by_order"),
            ("SELECT * FROM audit_log WHERE return_id = 'R1'", "audit_by_return"),
            ("SELECT * FROM audit_log WHERE file_name = 'orders-1.csv'", "audit_by_file"),
            ("SELECT * FROM audit_log WHERE event_id = 'E-17'", "audit_by_event_id"),
            ("SELECT * FROM audit_log WHERE reason_code = 'unknown_order'", "audit_rejected_by_code"),
            (
                "SELECT * FROM audit_log WHERE recorded_at_ms >= 1796601600000 ORDER BY recorded_at_ms",
                "audit_by_recorded_at"
            ),
            (
                "SELECT * FROM audit_log WHERE recorded_at_ms BETWEEN unixepoch('2026-12-01') * 1000 AND unixepoch('2026-12-08') * 1000",
                "audit_by_recorded_at"
            ),
            // As `audit --since/--until` and `rejections --since` ask (on the table).
            (
                "SELECT a.id FROM audit_events a JOIN files f ON f.id = a.file_id WHERE a.recorded_at >= 1796601600000 AND a.recorded_at < 1796688000000",
                "audit_by_recorded_at"
            ),
            ("SELECT * FROM audit_log WHERE feed = 'payments' AND event_id = 'E-17'", "audit_by_event_id"),
            ("SELECT * FROM audit_log WHERE file_id = 3 AND outcome = 'rejected'", "audit_by_file"),
            ("SELECT * FROM transition_history WHERE order_id = 'O1'", "audit_by_order"),
        ] as [(String, String?)])
    func reviewerQueriesSearchAnIndex(sql: String, index: String?) throws {
        let plan = try Database().plan(sql)
        // The audit table is `a` in the views; a scan of it reads every event ever recorded.
        #expect(!plan.contains { $0.hasPrefix("SCAN a") }, "\(sql): \(plan)")
        if let index {
            #expect(
                plan.contains {
                    $0.hasPrefix("SEARCH a USING INDEX \(index) ")
                        || $0.hasPrefix("SEARCH a USING COVERING INDEX \(index) ")
                }, "\(sql): \(plan)")
        }
    }

    /// `run --metrics-file` counts rejections by feed and code on every run: from the partial
    /// index of rejected records alone, never the whole audit table.
    @Test func theMetricsCountReadsOnlyRejectedRecords() throws {
        let plan = try Database().plan(
            "SELECT feed, reason_code, COUNT(*) FROM audit_events WHERE reason_code IS NOT NULL GROUP BY feed, reason_code"
        )
        #expect(plan.contains { $0.contains("USING COVERING INDEX audit_rejected_by_code") }, "\(plan)")
    }

    /// `invoices --incomplete`, the run report and the gauge read the incomplete invoices through
    /// their partial index (a scan of that index holds only the incomplete ones), never every
    /// invoice; each one's order and audit row by key.
    @Test func incompleteInvoicesAreReadThroughTheirIndex() throws {
        let database = try Database()
        let count = try database.plan("SELECT COUNT(*) FROM invoices WHERE missing IS NOT NULL")
        #expect(count == ["SCAN invoices USING INDEX invoices_incomplete"], "\(count)")
        let list = try database.plan(
            """
            SELECT i.number, h.customer_id FROM invoices i JOIN order_headers h USING (order_id)
            WHERE i.missing IS NOT NULL AND (SELECT a.run_id FROM audit_events a WHERE a.id = i.audit_id) BETWEEN 1 AND 2
            ORDER BY i.number LIMIT 200
            """)
        #expect(list.contains("SCAN i USING INDEX invoices_incomplete"), "\(list)")
        #expect(list.filter { $0.hasPrefix("SCAN") } == ["SCAN i USING INDEX invoices_incomplete"], "\(list)")
        #expect(list.contains { $0.hasPrefix("SEARCH h USING PRIMARY KEY") }, "\(list)")
    }

    @Test func anOrderAndItsRefundCheckAreLookups() throws {
        let database = try Database()
        let order = try database.plan("SELECT status, paid_paise FROM orders WHERE order_id = 'O1'")
        #expect(!order.contains { $0.hasPrefix("SCAN") }, "\(order)")
        let returns = try database.plan("SELECT * FROM returns WHERE order_id = 'O1'")
        #expect(!returns.contains { $0.hasPrefix("SCAN") }, "\(returns)")
    }

    @Test func viewsShowTimesAsISO8601UTC() throws {
        let database = try Database()
        // 2026-12-07T08:30:00.250Z in ms.
        let ms = 1_796_632_200_250
        try SQLiteFile.execute(
            """
            INSERT INTO runs (id, started_at, finished_at, pid, command) VALUES (1, \(ms), NULL, 1, 'run');
            INSERT INTO files (id, feed, name, format, size, mtime_ns, state, first_run_id, last_run_id, started_at, finished_at)
                VALUES (1, 'storefront', 'a.csv', 'csv', 10, 0, 'done', 1, 1, \(ms), \(ms + 1000));
            INSERT INTO order_headers (order_id, customer_id, total_paise, created_at) VALUES ('O1', 'C1', 12345, \(ms));
            INSERT INTO audit_events (run_id, file_id, feed, line, event_id, entity, order_id, status, occurred_at, outcome, recorded_at)
                VALUES (1, 1, 'storefront', 2, 'E1', 'order', 'O1', 'PENDING_PAYMENT', \(ms), 'applied', \(ms));
            INSERT INTO return_headers (return_id, order_id, requested_at) VALUES ('R1', 'O1', \(ms));
            """, at: database.path)
        let stamp = "2026-12-07T08:30:00.250Z"
        #expect(
            try SQLiteFile.rows(
                "SELECT created_at, last_transition_at, delivered_at, created_at_ms, status FROM orders",
                at: database.path)
                == [[stamp, stamp, nil, "\(ms)", "PENDING_PAYMENT"]])
        #expect(
            try SQLiteFile.rows("SELECT requested_at, requested_at_ms FROM returns", at: database.path) == [
                [stamp, "\(ms)"]
            ])
        #expect(
            try SQLiteFile.rows("SELECT occurred_at, occurred_at_ms FROM transition_history", at: database.path) == [
                [stamp, "\(ms)"]
            ])
        #expect(
            try SQLiteFile.rows("SELECT started_at, finished_at FROM file_log", at: database.path) == [
                [stamp, "2026-12-07T08:30:01.250Z"]
            ])
        #expect(
            try SQLiteFile.rows("SELECT started_at, finished_at FROM run_log", at: database.path) == [[stamp, nil]])
        #expect(
            try SQLiteFile.rows("SELECT recorded_at, recorded_at_ms, occurred_at FROM audit_log", at: database.path)
                == [[stamp, "\(ms)", stamp]])
        #expect(
            try SQLiteFile.rows(
                "SELECT recorded_at FROM audit_log WHERE recorded_at >= '2026-12-07' AND recorded_at < '2026-12-08'",
                at: database.path) == [[stamp]])
        #expect(
            try SQLiteFile.rows(
                "SELECT recorded_at FROM audit_log WHERE recorded_at < '2026-12-07T08:30:00.250Z'", at: database.path
            ).isEmpty)
        for view in ["refund_log", "refund_attempt_log", "document_log"] {
            #expect(try SQLiteFile.rows("SELECT * FROM \(view)", at: database.path).isEmpty)
        }
    }
}
