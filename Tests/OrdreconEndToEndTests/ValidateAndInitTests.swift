import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordrecon validate` (a dry run that changes nothing and judges as `run` does) and, in
/// InitCommandTests.swift, `ordrecon init`.
@Suite(.runsPrograms)
struct ValidateAndInitTests {
    // MARK: Snapshots

    /// Everything `validate` must leave as it was: every path under the workspace (with size
    /// and modification time for files) and the database's content.
    ///
    /// Directory modification times are left out on purpose: any SQLite connection (also
    /// `sqlite3` or `ordrecon order`, read-only) creates and removes `-wal`/`-shm` files beside
    /// the database, which changes the time of the folder that holds it. Those two files are
    /// left out too: a read-only connection (this test's own queries) leaves them behind, and
    /// the next read-write connection to close (`run` or `validate`) removes them. What they
    /// could hold is compared through the database content, read through the WAL.
    struct Snapshot: Equatable, CustomStringConvertible {
        var entries: [String: String] = [:]
        var tables: [String: [String]] = [:]
        var userVersion: String?

        var description: String {
            entries.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
                + "\n"
                + tables.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.count) rows" }.joined(separator: "\n")
        }
    }

    static func snapshot(_ ws: TestWorkspace) throws -> Snapshot {
        var snapshot = Snapshot()
        func walk(_ relative: String) {
            let path = relative.isEmpty ? ws.root : ws.root + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { return }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                snapshot.entries[relative + "/"] = "dir"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    walk(relative.isEmpty ? name : relative + "/" + name)
                }
            } else if relative.hasSuffix(".sqlite-wal") || relative.hasSuffix(".sqlite-shm") {
                return
            } else {
                snapshot.entries[relative] =
                    "size=\(st.st_size) mtime=\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) mode=\(st.st_mode)"
            }
        }
        walk("")
        // The file listing first: the queries below open the database.
        if FileManager.default.fileExists(atPath: ws.database) {
            snapshot.userVersion = try ws.query("PRAGMA user_version").first?.first ?? nil
            for row in try ws.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                let table = row[0]!
                let rows = try ws.query("SELECT * FROM \"\(table)\"").map {
                    $0.map { $0 ?? "NULL" }.joined(separator: "\u{1F}")
                }
                #expect(rows.count == (try ws.count("SELECT COUNT(*) FROM \"\(table)\"")))
                snapshot.tables[table] = rows.sorted()
            }
        }
        return snapshot
    }

    /// What differs between two snapshots, for failure messages.
    static func difference(_ a: Snapshot, _ b: Snapshot) -> String {
        var lines: [String] = []
        for key in Set(a.entries.keys).union(b.entries.keys).sorted() where a.entries[key] != b.entries[key] {
            lines.append("\(key): \(a.entries[key] ?? "absent") -> \(b.entries[key] ?? "absent")")
        }
        for table in Set(a.tables.keys).union(b.tables.keys).sorted() where a.tables[table] != b.tables[table] {
            lines.append("table \(table): \(a.tables[table]?.count ?? -1) -> \(b.tables[table]?.count ?? -1) rows")
        }
        if a.userVersion != b.userVersion {
            lines.append("user_version \(a.userVersion ?? "-") -> \(b.userVersion ?? "-")")
        }
        return lines.joined(separator: "; ")
    }

    /// One event's verdict: line, event id, outcome, reason code, message.
    struct Verdict: Equatable, CustomStringConvertible {
        var line: String?
        var eventId: String?
        var outcome: String
        var code: String?
        var message: String?
        var description: String { "\(line ?? "-") \(eventId ?? "-") \(outcome) \(code ?? "-") \(message ?? "")" }
    }

    /// Runs `validate --json` and parses it.
    static func validateJSON(_ ws: TestWorkspace, _ path: String, feed: String) async throws -> (
        status: Int32, json: [String: Any], stderr: String
    ) {
        let result = try await ws.run(["validate", path, "--feed", feed, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        guard let object else {
            throw TestError("validate --json printed no object: \(result.stdout) \(result.stderr)")
        }
        return (result.status, object, result.stderr)
    }

    static func verdicts(_ json: [String: Any]) -> [Verdict] {
        ((json["events"] as? [[String: Any]]) ?? []).map { e in
            Verdict(
                line: (e["line"] as? Int).map(String.init), eventId: e["event_id"] as? String,
                outcome: e["outcome"] as? String ?? "?", code: e["reason_code"] as? String,
                message: e["message"] as? String)
        }
    }

    static func recorded(_ ws: TestWorkspace, feed: String, file: String) throws -> [Verdict] {
        try ws.query(
            "SELECT line, event_id, outcome, reason_code, message FROM audit_log WHERE feed = '\(feed)' AND file_name = '\(file)' ORDER BY id"
        )
        .map { Verdict(line: $0[0], eventId: $0[1], outcome: $0[2]!, code: $0[3], message: $0[4]) }
    }

    // MARK: validate

    static let orders = """
        event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price,reason
        S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00,
        S2,order,O2,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C2,A,2,70.00,
        """

    static let payments = """
        event_id,entity,order_id,status,occurred_at,amount,payment_ref
        P1,order,O1,PAID,2026-01-01T11:00:00+05:30,70.00,PR1
        """

    /// Applied, rejected and duplicate events; later rows depend on earlier ones of the same file
    /// (O3 is created then cancelled; O1 is cancelled after payment: a refund).
    static let mixed = """
        event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price,reason
        S3,order,O3,PENDING_PAYMENT,2026-01-02T10:00:00+05:30,C3,B,1,15.50,
        S4,order,O3,CANCELLED,2026-01-02T10:30:00+05:30,,,,,changed mind
        S5,order,O1,PENDING_PAYMENT,2026-01-02T10:00:00+05:30,C1,A,1,70.00,
        S6,order,O1,CANCELLED,2026-01-02T12:00:00+05:30,,,,,out of stock
        S7,order,O1,CANCELLED,2026-01-02T12:05:00+05:30,,,,,again
        S8,order,O9,PENDING_PAYMENT,2026-01-02T10:00:00+05:30,,A,1,70.00,
        S9,order,O2,CANCELLED,2026-01-02T10:00:00+05:30,,,,,
        S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00,
        """

    @Test func dryRunOnADatabaseChangesNothingAndGivesRunsVerdicts() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try await ws.startGateway()  // the run sends the refund it records
        defer { gateway.terminate() }
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        try ws.drop("payments", "pay.csv", Self.payments, order: 2)
        #expect(try await ws.run(["run"]).status == 0)
        let path = try ws.drop("storefront", "mixed.csv", Self.mixed, order: 3)
        // Before any read-only query of this test leaves SQLite's -wal/-shm behind: validate,
        // a read-write connection, leaves none either.
        let stateFiles = ws.files(in: "var")
        #expect(try await ws.run(["validate", path, "--feed", "storefront"]).status == 65)
        #expect(ws.files(in: "var") == stateFiles)
        #expect(!stateFiles.contains { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") })

        let before = try Self.snapshot(ws)
        #expect(before.tables["refunds"]?.isEmpty == true)
        let (status, json, stderr) = try await Self.validateJSON(ws, "inbox/storefront/mixed.csv", feed: "storefront")
        let text = try await ws.run(["validate", path, "--feed", "storefront"])
        let after = try Self.snapshot(ws)
        #expect(before == after, "validate changed the workspace: \(Self.difference(before, after))")
        #expect(status == 65, "\(stderr)")
        #expect(text.status == 65)
        #expect(json["state"] as? String == "database")
        #expect(json["changed"] as? Bool == false)
        #expect(json["would_apply_all"] as? Bool == false)
        #expect(text.stdout.contains("against the current state in"))
        #expect(text.stdout.contains("Nothing was changed"))
        #expect(
            text.stdout.contains("order_exists")
                && text.stdout.contains("8 event(s): 3 would be applied, 2 duplicate, 3 rejected"))

        let dry = Self.verdicts(json)
        #expect(
            dry.map(\.outcome) == [
                "applied", "applied", "rejected", "applied", "duplicate", "rejected", "rejected", "duplicate",
            ])
        #expect(dry.map { $0.code ?? "" } == ["", "", "order_exists", "", "", "missing_field", "missing_field", ""])

        // The real run of the same file records exactly these verdicts, and does write the refund.
        #expect(try await ws.run(["run"]).status == 65)
        #expect(try Self.recorded(ws, feed: "storefront", file: "mixed.csv") == dry)
        #expect(ws.files(in: "outbox/refunds") == ["RF.O1.C.json"])
        #expect(ws.files(in: "archive/storefront") == ["mixed.csv", "orders.csv"])
    }

    @Test func dryRunWithoutADatabaseUsesAnEmptyStateAndCreatesNothing() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let path = try ws.drop("storefront", "mixed.csv", Self.mixed, order: 1)
        let outside = NSTemporaryDirectory() + "ordrecon-validate-" + UUID().uuidString + ".csv"
        try Self.orders.write(toFile: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: outside) }

        let before = try Self.snapshot(ws)
        let (status, json, _) = try await Self.validateJSON(ws, path, feed: "storefront")
        let text = try await ws.run(["validate", "inbox/storefront/mixed.csv", "--feed", "storefront"])
        let clean = try await ws.run(["validate", outside, "--feed", "storefront"])
        let after = try Self.snapshot(ws)
        #expect(before == after)
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/var"))
        #expect(status == 65 && text.status == 65)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("2 event(s): 2 would be applied, 0 duplicate, 0 rejected."))
        #expect(json["state"] as? String == "empty")
        #expect(text.stdout.contains("against an empty state"))

        let dry = Self.verdicts(json)
        // O1 does not exist: S5 creates it here, S6 cancels it (unpaid: no refund), S1 is order_exists.
        #expect(
            dry.map(\.outcome) == [
                "applied", "applied", "applied", "applied", "duplicate", "rejected", "rejected", "rejected",
            ])
        #expect(try await ws.run(["run"]).status == 65)
        #expect(try Self.recorded(ws, feed: "storefront", file: "mixed.csv") == dry)
    }

    @Test func allAppliedExitsZeroAndJSONHasCounts() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        #expect(try await ws.run(["run"]).status == 0)
        let path = try ws.drop(
            "payments", "pay.jsonl",
            """
            {"event_id":"P1","entity":"order","order_id":"O1","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":70,"payment_ref":"PR1"}
            {"event_id":"P2","entity":"order","order_id":"O2","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"140.00","payment_ref":"PR2"}
            """, order: 2)
        let (status, json, stderr) = try await Self.validateJSON(ws, path, feed: "payments")
        #expect(status == 0, "\(stderr)")
        #expect(json["would_apply_all"] as? Bool == true)
        #expect(json["file_rejection"] is NSNull)
        let counts = json["counts"] as? [String: Any]
        #expect(counts?["events"] as? Int == 2 && counts?["applied"] as? Int == 2 && counts?["rejected"] as? Int == 0)
        #expect(Self.verdicts(json).map(\.line) == ["1", "2"])
        // The same file for a feed that may not send PAID: every event rejected.
        let (wrongFeed, wrongJSON, _) = try await Self.validateJSON(ws, path, feed: "carrier")
        #expect(wrongFeed == 65)
        #expect(Self.verdicts(wrongJSON).map { $0.code ?? "" } == ["feed_not_allowed", "feed_not_allowed"])
    }

    @Test func wholeFileRejectionsExit65AndMoveNothing() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let broken = try ws.drop("storefront", "broken.json", "[{\"event_id\": \"S1\",", order: 1)
        let noHeader = try ws.drop(
            "storefront", "noheader.csv", "event_id,entity,order_id,status\nS1,order,O1,PAID\n", order: 2)
        let xml = try ws.drop("storefront", "orders.xml", "<orders/>", order: 3)
        let before = try Self.snapshot(ws)
        for (path, code) in [(broken, "bad_file"), (noHeader, "bad_file"), (xml, "unsupported_file_type")] {
            let (status, json, _) = try await Self.validateJSON(ws, path, feed: "storefront")
            #expect(status == 65)
            let rejection = json["file_rejection"] as? [String: Any]
            #expect(rejection?["code"] as? String == code)
            #expect((rejection?["message"] as? String)?.isEmpty == false)
            #expect(Self.verdicts(json).isEmpty)
            let text = try await ws.run(["validate", path, "--feed", "storefront"])
            #expect(text.status == 65)
            #expect(text.stdout.contains("FILE REJECTED: \(code)"))
        }
        #expect(try await ws.run(["validate", noHeader, "--feed", "storefront"]).stdout.contains("occurred_at"))
        #expect(try Self.snapshot(ws) == before)
        // run records the same codes.
        #expect(try await ws.run(["run"]).status == 65)
        #expect(
            try ws.query("SELECT file_name, reason_code FROM audit_log ORDER BY id") == [
                ["broken.json", "bad_file"], ["noheader.csv", "bad_file"], ["orders.xml", "unsupported_file_type"],
            ])
    }

    @Test func unknownFeedMissingFileBadConfigAndLockHeld() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let path = try ws.drop("storefront", "orders.csv", Self.orders)
        let unknownFeed = try await ws.run(["validate", path, "--feed", "nope"])
        #expect(unknownFeed.status == 64)
        #expect(unknownFeed.stderr.contains("nope") && unknownFeed.stderr.contains("storefront"))
        let missing = try await ws.run(["validate", "inbox/storefront/missing.csv", "--feed", "storefront"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("missing.csv"))
        #expect(try await ws.run(["validate", "inbox/storefront", "--feed", "storefront"]).status == 66)

        let badConfig = try TestWorkspace(
            config: TestWorkspace.defaultConfig + "\n[returns]\nwindow_days = \"thirty\"\n")
        defer { badConfig.remove() }
        #expect(try await badConfig.run(["validate", path, "--feed", "storefront"]).status == 78)

        // A run holds the workspace lock: validate waits a few seconds, then 75.
        #expect(try await ws.run(["run"]).status == 0)
        try ws.drop("storefront", "again.csv", Self.orders)
        let fd = open(ws.root + "/var/ordrecon.lock", O_RDWR, 0o644)
        #expect(fd >= 0)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = "pid 4242\n".withCString { pwrite(fd, $0, strlen($0), 0) }
        let started = Date()
        let blocked = try await ws.run(["validate", "inbox/storefront/again.csv", "--feed", "storefront"])
        #expect(blocked.status == 75)
        #expect(blocked.stderr.contains("pid 4242"))
        #expect(Date().timeIntervalSince(started) >= 4)
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        let free = try await ws.run(["validate", "inbox/storefront/again.csv", "--feed", "storefront"])
        #expect(free.status == 65)  // the same events again: duplicate, not all applied
        #expect(free.stdout.contains("2 event(s): 0 would be applied, 2 duplicate, 0 rejected."))
    }

    /// Every file of a generated workload (all feeds, formats and kinds of rejection, refunds,
    /// invoices, returns), one at a time in processing order: validate changes nothing, and the
    /// run that follows records exactly its verdicts.
    @Test(.longRunning) func generatedWorkloadFileByFileMatchesRun() async throws {
        let staging = try TestWorkspace()
        defer { staging.remove() }
        let generated = try await staging.run([
            "generate", "--orders", "40", "--out", staging.root + "/gen", "--seed", "7",
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        var files: [(mtime: Int, feed: String, name: String)] = []
        for feed in staging.files(in: "gen/inbox") {
            for name in staging.files(in: "gen/inbox/" + feed) {
                var st = stat()
                stat(staging.root + "/gen/inbox/" + feed + "/" + name, &st)
                files.append((st.st_mtim.tv_sec, feed, name))
            }
        }
        files.sort { ($0.mtime, $0.feed, $0.name) < ($1.mtime, $1.feed, $1.name) }
        #expect(files.count >= 10)

        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try await ws.startGateway()  // the runs send the refunds they record
        defer { gateway.terminate() }
        var outcomes: Set<String> = []
        for (index, file) in files.enumerated() {
            let content = try Data(
                contentsOf: URL(fileURLWithPath: staging.root + "/gen/inbox/" + file.feed + "/" + file.name))
            let path = try ws.drop(file.feed, file.name, content, order: index)
            let before = try Self.snapshot(ws)
            let (status, json, stderr) = try await Self.validateJSON(ws, path, feed: file.feed)
            let after = try Self.snapshot(ws)
            #expect(
                after == before, "validate of \(file.name) changed the workspace: \(Self.difference(before, after))")
            #expect(json["state"] as? String == (index == 0 ? "empty" : "database"))
            let dry = Self.verdicts(json)
            let run = try await ws.run(["run"])
            #expect([0, 65].contains(run.status), "\(run.stderr)")
            if let rejection = json["file_rejection"] as? [String: Any] {
                #expect(status == 65)
                #expect(
                    try ws.query("SELECT reason_code, message FROM audit_log WHERE file_name = '\(file.name)'")
                        == [[rejection["code"] as? String, rejection["message"] as? String]])
                outcomes.insert("file:" + (rejection["code"] as? String ?? ""))
                continue
            }
            #expect(try Self.recorded(ws, feed: file.feed, file: file.name) == dry, "\(file.feed)/\(file.name)")
            #expect(status == (dry.allSatisfy { $0.outcome == "applied" } ? 0 : 65), "\(stderr)")
            for verdict in dry { outcomes.insert(verdict.outcome + ":" + (verdict.code ?? "")) }
        }
        // The workload exercised applied, duplicate, several rejection codes and refunds.
        #expect(outcomes.contains("applied:") && outcomes.contains("duplicate:"))
        #expect(outcomes.filter { $0.hasPrefix("rejected:") }.count >= 5, "\(outcomes.sorted())")
        #expect(!ws.files(in: "outbox/refunds").isEmpty)
    }
}
