import Foundation
import OrdreconPostgres
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file outcomes, exit codes, the lock, resubmission and duplicate drops, through the binary.
@Suite(.runsPrograms)
struct FileLifecycleTests {
    static let create = """
        event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
        S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00
        """

    @Test(arguments: StoreBackend.allCases) func cleanRunExitsZeroAndIgnoresPartialFiles(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.create)
        for name in [".hidden.csv", "later.csv.part", "later.csv.tmp", "x.PARTIAL", "y.csv.filepart"] {
            try Data("junk".utf8).write(to: URL(fileURLWithPath: ws.root + "/inbox/storefront/" + name))
        }
        let result = try await ws.run(["run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            ws.files(in: "inbox/storefront") == [
                ".hidden.csv", "later.csv.part", "later.csv.tmp", "x.PARTIAL", "y.csv.filepart",
            ])
        #expect(ws.files(in: "archive/storefront") == ["orders.csv"])
        // Nothing new: still 0.
        let again = try await ws.run(["run"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("No ready files"))
    }

    @Test(arguments: StoreBackend.allCases) func unreadableFilesGoToFailedAndDoNotBlockTheRest(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop("storefront", "broken.json", "[{\"event_id\": \"S1\",", order: 1)
        try ws.drop("storefront", "noheader.csv", "event_id,entity,order_id,status\nS1,order,O1,PAID\n", order: 2)
        try ws.drop(
            "storefront", "latin1.csv",
            Data(
                "event_id,entity,order_id,status,occurred_at,reason\nS1,order,O1,CANCELLED,2026-01-01T10:00,caf\u{E9}\n"
                    .utf8
            ).replacingLatin1(), order: 3)
        try ws.drop("storefront", "orders.xml", "<orders/>", order: 4)
        try ws.drop("storefront", "orders.csv", Self.create, order: 5)
        let result = try await ws.run(["run"])
        #expect(result.status == 65)
        #expect(
            ws.files(in: "failed/storefront") == [
                "broken.json", "broken.json.reason", "latin1.csv", "latin1.csv.reason", "noheader.csv",
                "noheader.csv.reason",
                "orders.xml", "orders.xml.reason",
            ])
        #expect(ws.files(in: "archive/storefront") == ["orders.csv"])
        let records = try ws.query(
            "SELECT file_name, outcome, reason_code, line FROM audit_log WHERE event_id IS NULL ORDER BY id")
        #expect(
            records == [
                ["broken.json", "rejected", "bad_file", nil], ["noheader.csv", "rejected", "bad_file", nil],
                ["latin1.csv", "rejected", "bad_file", nil], ["orders.xml", "rejected", "unsupported_file_type", nil],
            ])
        #expect(try ws.read("failed/storefront/noheader.csv.reason").contains("occurred_at"))
        #expect(try ws.read("failed/storefront/latin1.csv.reason").contains("UTF-8"))
        #expect(try ws.query("SELECT status FROM orders") == [["PENDING_PAYMENT"]])
    }

    @Test(arguments: StoreBackend.allCases) func badConfigurationExits78NamingFileAndKey(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(
            config: TestWorkspace.defaultConfig + "\n[returns]\nwindow_days = \"thirty\"\n", store: store)
        defer { ws.remove() }
        let result = try await ws.run(["run"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("ordrecon.toml"))
        let typo = try TestWorkspace(config: "timezone = \"Asia/Kolkata\"\n[returns]\nwindow_dayz = 3\n", store: store)
        defer { typo.remove() }
        let second = try await typo.run(["run"])
        #expect(second.status == 78)
        #expect(second.stderr.contains("window_dayz"))
        let missing = try TestWorkspace(store: store)
        defer { missing.remove() }
        try FileManager.default.removeItem(atPath: missing.root + "/config/ordrecon.toml")
        #expect(try await missing.run(["run"]).status == 78)
    }

    @Test func secondInstanceExits75NamingTheHolder() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.create)
        try FileManager.default.createDirectory(atPath: ws.root + "/var", withIntermediateDirectories: true)
        let fd = open(ws.root + "/var/ordrecon.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = "pid 4242\n".withCString { write(fd, $0, strlen($0)) }
        let blocked = try await ws.run(["run"])
        #expect(blocked.status == 75)
        #expect(blocked.stderr.contains("pid 4242"))
        #expect(ws.files(in: "inbox/storefront") == ["orders.csv"])
        flock(fd, LOCK_UN)
        close(fd)
        #expect(try await ws.run(["run"]).status == 0)
    }

    /// On PostgreSQL the ingest lock, not a lock file, keeps a second ingester out: a `run` while
    /// another session holds it exits 75 naming that session, and takes nothing.
    @Test func aRunWhileAnotherNodeIngestsExits75NamingIt() async throws {
        let ws = try TestWorkspace(store: .postgres)
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.create)
        let other = try PostgresStoreFactory(url: try #require(ws.url)).open()
        #expect(try other.tryLeadIngest())
        let blocked = try await ws.run(["run"])
        #expect(blocked.status == 75, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("another node is ingesting from this database"), "\(blocked.stderr)")
        #expect(
            blocked.stderr.contains("ordrecon \(ProcessInfo.processInfo.hostName)") || blocked.stderr.contains(" pid "))
        #expect(ws.files(in: "inbox/storefront") == ["orders.csv"])
        other.releaseIngestLead()
        #expect(try await ws.run(["run"]).status == 0)
    }

    @Test(arguments: StoreBackend.allCases) func sameContentDroppedAgainIsDuplicateAndArchivedBesideTheFirst(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.create)
        #expect(try await ws.run(["run"]).status == 0)
        // The same event as JSON under the same name stem, and the same CSV again.
        try ws.drop("storefront", "orders.csv", Self.create)
        try ws.drop(
            "storefront", "orders.json",
            """
            [{"event_id":"S1","entity":"order","order_id":"O1","status":"PENDING_PAYMENT","occurred_at":"2026-01-01T04:30:00Z",
              "customer_id":"C1","items":[{"sku":"A","quantity":1,"unit_price":70}]}]
            """)
        #expect(try await ws.run(["run"]).status == 0)
        #expect(ws.files(in: "archive/storefront") == ["orders.2.csv", "orders.csv", "orders.json"])
        #expect(
            try ws.query("SELECT outcome, COUNT(*) FROM audit_log GROUP BY outcome ORDER BY outcome") == [
                ["applied", "1"], ["duplicate", "2"],
            ])
    }

    @Test(arguments: StoreBackend.allCases) func rejectedRowsFixedAndDroppedBackAreAppliedAndOthersStayRejected(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop(
            "payments", "pay.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            P1,order,O1,PAID,2026-01-01T11:00:00+05:30,70.00,PR1
            P2,order,O2,PAID,2026-01-01T11:00:00+05:30,12.345,PR2
            """, order: 1)
        #expect(try await ws.run(["run"]).status == 65)
        let rejected = try ws.read("outbox/rejections/payments/pay.csv.rejected.csv")
        #expect(rejected.contains("P1,order,O1,PAID,") && rejected.contains("unknown_order"))
        // The order arrives; the partner drops the rejection file back unchanged.
        try ws.drop("storefront", "orders.csv", Self.create, order: 2)
        try ws.drop("payments", "pay.csv.rejected.csv", rejected, order: 3)
        #expect(try await ws.run(["run"]).status == 65)  // P2 is still wrong
        let outcomes = try ws.query(
            "SELECT event_id, file_name, outcome, reason_code FROM audit_log WHERE feed = 'payments' ORDER BY id")
        #expect(
            outcomes == [
                ["P1", "pay.csv", "rejected", "unknown_order"], ["P2", "pay.csv", "rejected", "invalid_value"],
                ["P1", "pay.csv.rejected.csv", "applied", nil],
                ["P2", "pay.csv.rejected.csv", "rejected", "invalid_value"],
            ])
        #expect(try ws.query("SELECT status, paid_paise FROM orders WHERE order_id = 'O1'") == [["PAID", "7000"]])
    }

    @Test(arguments: StoreBackend.allCases) func jsonSummaryForMachines(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.create)
        let result = try await ws.run(["run", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let total = json["total"] as! [String: Any]
        #expect(total["events"] as? Int == 1)
        #expect(total["applied"] as? Int == 1)
        #expect((json["files"] as! [[String: Any]]).first?["file"] as? String == "orders.csv")
    }
}

extension Data {
    /// Re-encodes the UTF-8 text as Latin-1 bytes (to make a file that is not UTF-8).
    func replacingLatin1() -> Data {
        let text = String(decoding: self, as: UTF8.self)
        return text.data(using: .isoLatin1)!
    }
}
