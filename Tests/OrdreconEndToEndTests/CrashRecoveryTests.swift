import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` in the middle of runs over a generated workload, then a run to the end: every event
/// has exactly one audit record, nothing is applied twice, and the outcomes are exactly the
/// generator's expected ones.
@Suite(.runsPrograms)
struct CrashRecoveryTests {
    @Test(.longRunning, arguments: StoreBackend.allCases)
    func killNineAtSeveralPointsThenExactlyOnce(store: StoreBackend) async throws {
        // PDFs are left out: writing 8 000 of them was nine tenths of this test's time, and kill -9
        // while writing them is InvoiceDocumentTests' (the invoice records are still checked here).
        // 4 000 orders in four waves (there were 8 000): the kills come at shares of the work, so a
        // smaller workload is killed at the same points of it.
        let config = TestWorkspace.defaultConfig(batchSize: 250)
            .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false")
        #expect(config.contains("batch_size = 250") && config.contains("write_pdfs = false"))
        let ws = try TestWorkspace(config: config, store: store)
        defer { ws.remove() }
        // Runs are killed while processing files and while sending refunds.
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        let expected = try WorkloadGenerator.write(
            WorkloadOptions(orders: 4000, seed: 11, ordersPerWave: 1000), to: ws.root)

        // Each run is killed at a point of its work, not of the clock: once the audit log holds a
        // share of all the records (plus a few, so that the kill lands inside a batch), then once
        // a share of the refunds was attempted. A run that gets to the end by itself ends the loop.
        let total =
            expected.events + expected.rejectedByCode["bad_file", default: 0]
            + expected.rejectedByCode["unsupported_file_type", default: 0]
        let points: [(records: Int, attempts: Int)] =
            [0.1, 0.3, 0.55, 0.8].map { (Int(Double(total) * $0) + 37, 0) }
            + [0.15, 0.5].map { (total, max(1, Int(Double(expected.refunds) * $0))) }
        var kills = 0
        var finished = false
        for point in points where !finished {
            let running = try ws.start(["run", "--quiet"], output: .discarded)
            let killed = await running.signal(SIGKILL) {
                guard ((try? ws.count("SELECT COUNT(*) FROM audit_log")) ?? 0) >= point.records else { return false }
                return ((try? ws.count("SELECT COUNT(*) FROM refund_attempts")) ?? 0) >= point.attempts
            }
            if killed != nil { kills += 1 }
            let exit = await running.waitForExit()
            finished = exit?.signalled == false
        }
        #expect(kills >= 3, "the workload finished before it could be killed three times")
        let last = try await ws.run(["run", "--quiet"])
        #expect(last.status == 65 || last.status == 0, "\(last.stderr)")

        // Exactly one record per event position, none lost.
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM (SELECT file_id, line FROM audit_events WHERE line IS NOT NULL GROUP BY file_id, line HAVING COUNT(*) > 1) AS twice"
            ) == 0)
        let rejectedFiles =
            expected.rejectedByCode["bad_file", default: 0]
            + expected.rejectedByCode["unsupported_file_type", default: 0]
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == expected.events + rejectedFiles)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == expected.applied)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'duplicate'") == expected.duplicate)
        var codes: [String: Int] = [:]
        for row in try ws.query(
            "SELECT reason_code, COUNT(*) FROM audit_log WHERE outcome = 'rejected' GROUP BY reason_code")
        {
            codes[row[0]!] = Int(row[1]!)!
        }
        #expect(codes == expected.rejectedByCode.filter { $0.value > 0 })

        // Side effects exactly once, and never above what was paid.
        #expect(try ws.count("SELECT COUNT(*) FROM invoices") == expected.invoices)
        #expect(
            try ws.count("SELECT COUNT(*) FROM invoices WHERE missing IS NOT NULL") == expected.invoicesIncomplete)
        // One credit note per refunded return, citing its order's invoice, numbered without gaps.
        #expect(
            try ws.count("SELECT COUNT(*) FROM credit_notes")
                == ws.count("SELECT COUNT(*) FROM refunds WHERE kind = 'return'"))
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM credit_notes c JOIN invoices i ON i.number = c.invoice_number AND i.order_id = c.order_id"
            ) == ws.count("SELECT COUNT(*) FROM credit_notes"))
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM (SELECT fy_start FROM credit_notes GROUP BY fy_start HAVING MAX(seq) <> COUNT(*)) AS gaps"
            ) == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM refunds") == expected.refunds)
        #expect(try ws.count("SELECT COALESCE(SUM(amount_paise), 0) FROM refunds") == Int(expected.refundPaiseTotal))
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM (SELECT r.order_id FROM refunds r JOIN orders o USING (order_id) GROUP BY r.order_id HAVING SUM(r.amount_paise) > MAX(o.paid_paise)) AS excess"
            ) == 0)
        #expect(ws.files(in: "outbox/refunds").filter { $0.hasSuffix(".json") }.count == expected.refunds)
        // Every refund reached the gateway and was paid there exactly once, with the recorded body.
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status <> 'sent'") == 0)
        let accepted = try gateway.entries().filter { $0.outcome == "accepted" }
        #expect(accepted.count == expected.refunds)
        #expect(Set(accepted.map(\.key)).count == expected.refunds)
        let bodies = Dictionary(
            uniqueKeysWithValues: try ws.query("SELECT refund_id, body FROM refunds").map { ($0[0]!, $0[1]!) })
        #expect(accepted.allSatisfy { bodies[$0.key] == $0.body })
        var statuses: [String: Int] = [:]
        for row in try ws.query("SELECT status, COUNT(*) FROM orders GROUP BY status") {
            statuses[row[0]!] = Int(row[1]!)!
        }
        #expect(statuses == expected.ordersByStatus.filter { $0.value > 0 })
        var returnStatuses: [String: Int] = [:]
        for row in try ws.query("SELECT status, COUNT(*) FROM returns GROUP BY status") {
            returnStatuses[row[0]!] = Int(row[1]!)!
        }
        #expect(returnStatuses == expected.returnsByStatus.filter { $0.value > 0 })

        // Every file left the inbox and the processing folder exactly once.
        for feed in ["storefront", "payments", "warehouse", "carrier", "returns-desk"] {
            #expect(ws.files(in: "inbox/\(feed)").filter { !$0.hasPrefix(".") }.isEmpty)
            #expect(ws.files(in: "var/processing/\(feed)").isEmpty)
        }
        #expect(try ws.count("SELECT COUNT(*) FROM files WHERE finalized = 0") == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM files") == expected.files)
    }
}
