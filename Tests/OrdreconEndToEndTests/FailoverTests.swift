import Foundation
import OrdreconCore
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two `watch` nodes on one PostgreSQL database and one workspace folder: the node that leads
/// ingestion is killed with SIGKILL again and again while files arrive and refunds go out to a
/// gateway that fails 30 % of requests. A standby takes over each time, and at the end the
/// database holds exactly what one uninterrupted run would.
@Suite(.runsPrograms)
struct FailoverTests {
    @Test(.longRunning) func theLeaderKilledTwentyTimesLosesNothingAndDoesNothingTwice() async throws {
        let url = try TestPostgres.newDatabase()
        func rows(_ sql: String) throws -> [[String?]] { try TestPostgres.rows(sql, in: url) }
        func count(_ sql: String) throws -> Int { Int(try rows(sql).first?.first??.description ?? "") ?? -1 }

        // Small batches, so that a kill lands between batches of a file as well as inside one.
        let config = TestWorkspace.withStoreURL(
            url.description,
            in: TestWorkspace.defaultConfig(batchSize: 40)
                .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let gateway = try await ws.startGateway(arguments: ["--fail-rate", "0.3"], maxAttempts: 30)
        defer { gateway.terminate() }
        let options = WorkloadOptions(orders: 900, seed: 23, ordersPerWave: 60)
        let staging = ws.root + "/staging"
        let expected = try WorkloadGenerator.write(options, to: staging)
        let files = try StagedFile.all(in: staging + "/inbox")
        #expect(expected.refunds > 0 && files.count == expected.files)

        var nodes = [try DaemonProcess(ws, ["watch"]), try DaemonProcess(ws, ["watch"])]
        defer { for node in nodes { node.kill() } }

        /// The pid of the node holding the ingest lock, as PostgreSQL names its session.
        func leaderPid() -> pid_t? {
            let name =
                try? rows(
                    """
                    SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1869767779 AND l.objid = 1 AND l.objsubid = 2
                    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """
                ).first?.first ?? nil
            guard let name, let range = name.range(of: " pid ") else { return nil }
            return pid_t(name[range.upperBound...])
        }

        // Files arrive at a partner's pace in processing order while the leader is killed.
        let delivery = Task.detached {
            for (index, file) in files.enumerated() {
                try deliver(file, from: staging, to: ws)
                try await Task.sleep(for: .milliseconds(index % 4 == 0 ? 120 : 20))
            }
        }
        var generator = SystemRandomNumberGenerator()
        var takeovers: [Double] = []
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...1200, using: &generator)))
            let found = await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
                leaderPid() != nil || !nodes.allSatisfy { $0.isRunning }
            }
            let running = nodes.allSatisfy { $0.isRunning }
            #expect(running, "a node stopped\n\(nodes.map { $0.tail(10) }.joined(separator: "\n"))")
            guard running else { break }
            #expect(found, "no node took the ingest lock\n\(nodes.map { $0.tail(10) }.joined(separator: "\n"))")
            guard let pid = leaderPid(), let index = nodes.firstIndex(where: { $0.child.pid == pid }) else { break }
            nodes[index].kill()
            let killedAt = ContinuousClock.now
            // The other node takes over; a new node starts to stand by in the killed one's place.
            nodes[index] = try DaemonProcess(ws, ["watch"])
            let tookOver = await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
                if let next = leaderPid() { return next != pid }
                return false
            }
            #expect(tookOver, "no node took over after the leader was killed")
            let elapsed = ContinuousClock.now - killedAt
            // The new node has started its services (SIGTERM is handled from there on) and found
            // its role: it stands by, or leads when it won the lock.
            let replacement = nodes[index]
            let settled = await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
                replacement.lines.contains {
                    $0.contains("standing by: another node leads ingestion") || $0.contains("now leads ingestion")
                }
            }
            #expect(settled, "the new node never said its role\n\(replacement.tail(10))")
            takeovers.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        try await delivery.value
        #expect(takeovers.count == 20)
        #expect((takeovers.max() ?? 99) < 10, "takeovers took \(takeovers)")

        let done = await eventually(timeout: .seconds(300), every: .milliseconds(200)) {
            (try? count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == files.count
                && (try? count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")) == expected.refunds
        }
        #expect(done, "not done within 300 s\n\(nodes.map { $0.tail(20) }.joined(separator: "\n"))")
        for node in nodes { #expect(await node.stop() == 0, "\(node.tail())") }

        try Self.expectExactlyOnce(in: url, expected: expected, gateway: gateway)
    }

    /// The database drops a live daemon's connections (a server restart, a DBA's
    /// `pg_terminate_backend`, a network cut) ten times while files arrive and refunds go out:
    /// the daemon opens new connections, takes the ingest lock again, resumes the file in hand
    /// from its last committed batch, and nothing is lost or done twice.
    @Test(.longRunning) func aDaemonWhoseConnectionsAreCutLosesNothingAndDoesNothingTwice() async throws {
        let url = try TestPostgres.newDatabase()
        func count(_ sql: String) throws -> Int {
            Int(try TestPostgres.rows(sql, in: url).first?.first??.description ?? "") ?? -1
        }
        let config = TestWorkspace.withStoreURL(
            url.description,
            in: TestWorkspace.defaultConfig(batchSize: 40)
                .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let gateway = try await ws.startGateway(arguments: ["--fail-rate", "0.3"], maxAttempts: 30)
        defer { gateway.terminate() }
        let staging = ws.root + "/staging"
        let expected = try WorkloadGenerator.write(
            WorkloadOptions(orders: 600, seed: 29, ordersPerWave: 60), to: staging)
        let files = try StagedFile.all(in: staging + "/inbox")

        let node = try DaemonProcess(ws, ["watch"])
        defer { node.kill() }
        let delivery = Task.detached {
            for (index, file) in files.enumerated() {
                try deliver(file, from: staging, to: ws)
                try await Task.sleep(for: .milliseconds(index % 4 == 0 ? 120 : 20))
            }
        }
        var cuts = 0
        for _ in 0..<10 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...900)))
            // Every session of this database but the test's own: the daemon's ingest, dispatch
            // and metrics connections alike.
            cuts += try count(
                """
                SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()) AS cut
                """)
        }
        try await delivery.value
        // A cut may find the daemon between connections (waiting out its pause after the last
        // one); most find it connected, and its ingestion notices.
        #expect(cuts >= 5, "the daemon had few connections to cut: \(cuts)")
        #expect(node.lines.contains { $0.contains("ingestion pass failed") }, "\(node.tail(20))")
        let done = await eventually(timeout: .seconds(300), every: .milliseconds(200)) {
            (try? count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == files.count
                && (try? count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")) == expected.refunds
        }
        #expect(node.isRunning, "watch stopped\n\(node.tail(20))")
        #expect(done, "not done within 300 s\n\(node.tail(20))")
        #expect(await node.stop() == 0, "\(node.tail())")
        try Self.expectExactlyOnce(in: url, expected: expected, gateway: gateway)
    }

    /// The database after the workload: one audit record per event, the model's outcomes and
    /// statuses, consecutive document numbers, every refund accepted once with its one body.
    static func expectExactlyOnce(in url: PostgresURL, expected: WorkloadSummary, gateway: MockGatewayProcess)
        throws
    {
        func rows(_ sql: String) throws -> [[String?]] { try TestPostgres.rows(sql, in: url) }
        func count(_ sql: String) throws -> Int { Int(try rows(sql).first?.first??.description ?? "") ?? -1 }
        // One audit record per event, none lost, none twice.
        #expect(
            try count(
                """
                SELECT COUNT(*) FROM (SELECT file_id, line FROM audit_events WHERE line IS NOT NULL
                GROUP BY file_id, line HAVING COUNT(*) > 1) AS twice
                """) == 0)
        let rejectedFiles =
            expected.rejectedByCode["bad_file", default: 0]
            + expected.rejectedByCode["unsupported_file_type", default: 0]
        #expect(try count("SELECT COUNT(*) FROM audit_log") == expected.events + rejectedFiles)
        #expect(try count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == expected.applied)
        #expect(try count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'duplicate'") == expected.duplicate)

        // The model's statuses.
        var statuses: [String: Int] = [:]
        for row in try rows("SELECT status, COUNT(*) FROM orders GROUP BY status") { statuses[row[0]!] = Int(row[1]!)! }
        #expect(statuses == expected.ordersByStatus.filter { $0.value > 0 })
        var returnStatuses: [String: Int] = [:]
        for row in try rows("SELECT status, COUNT(*) FROM returns GROUP BY status") {
            returnStatuses[row[0]!] = Int(row[1]!)!
        }
        #expect(returnStatuses == expected.returnsByStatus.filter { $0.value > 0 })

        // Invoice and credit note numbers consecutive per financial year: no gap, no duplicate.
        #expect(try count("SELECT COUNT(*) FROM invoices") == expected.invoices)
        for table in ["invoices", "credit_notes"] {
            #expect(
                try count(
                    """
                    SELECT COUNT(*) FROM (SELECT fy_start FROM \(table) GROUP BY fy_start
                    HAVING MAX(seq) <> COUNT(*) OR MIN(seq) <> 1 OR COUNT(DISTINCT seq) <> COUNT(*)) AS gaps
                    """) == 0)
        }

        // Every refund accepted exactly once, never sent with two bodies.
        #expect(try count("SELECT COUNT(*) FROM refunds") == expected.refunds)
        let entries = try gateway.entries()
        let bodies = Dictionary(
            uniqueKeysWithValues: try rows("SELECT refund_id, body FROM refunds").map { ($0[0]!, $0[1]!) })
        #expect(entries.allSatisfy { bodies[$0.key] == $0.body }, "a refund went out with another body")
        let accepted = entries.filter { $0.outcome == "accepted" }
        #expect(accepted.count == expected.refunds)
        #expect(Set(accepted.map(\.key)).count == expected.refunds)
        #expect(try count("SELECT COUNT(*) FROM files") == expected.files)
    }
}
