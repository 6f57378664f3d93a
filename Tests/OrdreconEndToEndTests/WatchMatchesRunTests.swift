import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordrecon watch` gives exactly what `ordrecon run` gives on the same files (contract §6): files
/// waiting at the start and files arriving while it works are taken in the contract's order.
@Suite(.runsPrograms)
struct WatchMatchesRunTests {
    /// One workspace gets a generated workload and `ordrecon run`; another gets 40 % of the same
    /// files before `watch` starts and the rest renamed in one by one in processing order
    /// (`.part`, then rename, mtime as generated). Both send refunds to a mock gateway. Then the
    /// files (in the order taken), the audit records, order and return statuses, invoice and
    /// credit note numbers and the refunds must be the same.
    @Test(.longRunning, arguments: ["inotify", "poll"])
    func watchGivesWhatRunGives(mode: String) async throws {
        let options = WorkloadOptions(orders: 600, seed: 41, ordersPerWave: 50)
        let config = TestWorkspace.defaultConfig.replacingOccurrences(
            of: "write_pdfs = true", with: "write_pdfs = false")

        let reference = try TestWorkspace(config: config)
        defer { reference.remove() }
        let referenceGateway = try await reference.startGateway()
        defer { referenceGateway.terminate() }
        let expected = try WorkloadGenerator.write(options, to: reference.root)
        #expect(expected.refunds > 0 && expected.badFiles > 0)
        let ran = try await reference.run(["run", "--quiet"])
        #expect(ran.status == 65, "\(ran.stderr)")
        #expect(try reference.count("SELECT COUNT(*) FROM refunds WHERE status <> 'sent'") == 0)

        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        let staging = ws.root + "/staging"
        _ = try WorkloadGenerator.write(options, to: staging)
        let files = try StagedFile.all(in: staging + "/inbox")
        #expect(files.count == expected.files)
        let waiting = files.count * 2 / 5
        for file in files.prefix(waiting) { try deliver(file, from: staging, to: ws) }

        let daemon = try DaemonProcess(ws, ["watch"] + (mode == "poll" ? ["--poll"] : []))
        defer { daemon.kill() }
        for (index, file) in files.dropFirst(waiting).enumerated() {
            try deliver(file, from: staging, to: ws)
            // A partner's pace: files arrive while the daemon works, not all at once.
            try? await Task.sleep(for: .milliseconds(5 * (index % 3)))
        }
        let done = await eventually(timeout: .seconds(300), every: .milliseconds(100)) {
            !daemon.isRunning
                || ((try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == files.count
                    && (try? ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")) == expected.refunds)
        }
        #expect(daemon.isRunning, "watch exited by itself\n\(daemon.tail())")
        #expect(done, "not done within 300 s\n\(daemon.tail())")
        #expect(await daemon.stop() == 0, "\(daemon.tail())")

        let takenOrder = files.map { [$0.feed, $0.name] }
        #expect(try ws.query("SELECT feed, name FROM files ORDER BY id").map { $0.compactMap { $0 } } == takenOrder)
        for (what, sql) in Self.comparisons {
            let mine = try ws.query(sql)
            let theirs = try reference.query(sql)
            #expect(mine.count == theirs.count, "\(what): \(mine.count) rows from watch, \(theirs.count) from run")
            #expect(mine == theirs, "\(what) differ from run's, first at \(firstDifference(rows: mine, theirs))")
        }
        // Every refund accepted by the gateway exactly once, with its recorded body.
        let accepted = try gateway.entries().filter { $0.outcome == "accepted" }
        #expect(accepted.count == expected.refunds)
        #expect(Set(accepted.map(\.key)).count == expected.refunds)
        print(
            "watch (\(mode)) vs run: \(files.count) files (\(waiting) waiting at the start), \(expected.events) events, \(expected.refunds) refunds compared"
        )
    }

    /// What is compared between the two workspaces: nothing that depends on run ids or times.
    static let comparisons: [(String, String)] = [
        (
            "audit records",
            """
            SELECT feed, file_name, line, event_id, entity, entity_id, outcome, reason_code, message
            FROM audit_log ORDER BY id
            """
        ),
        ("order statuses", "SELECT order_id, status, paid_paise FROM orders ORDER BY order_id"),
        ("return statuses", "SELECT return_id, order_id, status FROM returns ORDER BY return_id"),
        ("invoices", "SELECT order_id, number, total_paise FROM invoices ORDER BY order_id"),
        ("credit notes", "SELECT return_id, number, invoice_number, total_paise FROM credit_notes ORDER BY return_id"),
        (
            "refunds",
            "SELECT refund_id, kind, order_id, return_id, amount_paise, status, body FROM refunds ORDER BY refund_id"
        ),
        (
            "files",
            "SELECT feed, name, state, events, applied, duplicate, rejected, failure_code, final_name FROM files ORDER BY id"
        ),
    ]
}
