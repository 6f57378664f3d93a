import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

/// One write transaction may hold the events of several files (the run's open batch). How often
/// it commits changes how the database is written, never what: the same workload gives the same
/// records, states, documents and refunds, and the same files archived and failed, whether every
/// event is committed on its own, a batch ends inside files, or one batch holds many files.
@Suite struct BatchAcrossFilesTests {
    /// Everything a run leaves that a person or a partner sees, with ids, times and run numbers
    /// left out (they differ between runs by nature).
    func outcome(of ws: TestWorkspace) throws -> [String] {
        let queries = [
            """
            SELECT feed, file_name, line, event_id, entity, entity_id, status, outcome, reason_code, message
            FROM audit_log ORDER BY id
            """,
            "SELECT * FROM orders ORDER BY order_id",
            "SELECT * FROM returns ORDER BY return_id",
            "SELECT number, order_id, total_paise FROM invoices ORDER BY number",
            "SELECT number, return_id, invoice_number, total_paise FROM credit_notes ORDER BY number",
            "SELECT refund_id, kind, order_id, return_id, amount_paise, body, status FROM refunds ORDER BY refund_id",
            "SELECT feed, name, state, finalized, events, applied, duplicate, rejected, final_name FROM files ORDER BY id",
        ]
        var lines: [String] = []
        for query in queries {
            for row in try ws.query(query) { lines.append(row.map { $0 ?? "NULL" }.joined(separator: "|")) }
        }
        for folder in ["archive", "failed", "outbox/rejections", "outbox/refunds"] {
            for feed in ["", "/storefront", "/payments", "/warehouse", "/carrier", "/returns-desk"] {
                lines += ws.files(in: folder + feed).map { "\(folder)\(feed)/\($0)" }
            }
        }
        return lines
    }

    @Test(.longRunning, arguments: StoreBackend.allCases) func theBatchSizeChangesHowNotWhatIsWritten(
        store: StoreBackend
    ) async throws {
        var results: [Int: [String]] = [:]
        for batchSize in [1, 7, 5000] {
            let config = TestWorkspace.defaultConfig(batchSize: batchSize)
                .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false")
            #expect(config.contains("batch_size = \(batchSize)") && config.contains("write_pdfs = false"))
            let ws = try TestWorkspace(config: config, store: store)
            defer { ws.remove() }
            // Small waves: many files of a few dozen events, with every kind of fault, bad files
            // among them (each commits the batch before it and is failed on its own).
            let expected = try WorkloadGenerator.write(
                WorkloadOptions(orders: 400, seed: 5, ordersPerWave: 100), to: ws.root)
            let result = try await ws.run(["run", "--quiet", "--json"])
            #expect(result.status == 65 || result.status == 75, "\(result.stderr)")
            let applied = try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'")
            #expect(applied == expected.applied)
            #expect(ws.files(in: "var/processing/storefront").isEmpty)
            results[batchSize] = try outcome(of: ws)
        }
        let one = try #require(results[1])
        #expect(one.count > 2000)
        #expect(results[7] == one)
        #expect(results[5000] == one)
    }
}
