import Foundation
import OrdreconTestSupport
import Testing

/// `[store] url` chooses the store of every command: an `sqlite:` path puts the database there,
/// a PostgreSQL URL sends everything to that database, one with a password is refused when the
/// configuration is read, and a PostgreSQL server that cannot be reached stops every command
/// before it touches the workspace (exit 75, try again later; the URL and libpq's reason in the
/// message), while a login the server refuses (a database that does not exist) is exit 78.
@Suite(.runsPrograms)
struct StoreSettingTests {
    static let orders =
        "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\nS1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,SKU-A,2,49.50\n"

    /// Every command that opens the store (`watch` runs as a process: bounded by the timeout).
    static let commands: [[String]] = [
        ["run"], ["dispatch"], ["watch"], ["invoices", "render", "--missing"], ["refunds", "retry", "RF.O1.C"],
        ["validate", "check.csv", "--feed", "storefront"],
        ["order", "O1"], ["return", "R1"], ["audit"], ["rejections"], ["refunds"], ["invoices"],
        ["invoice", "show", "IN/25-26/0000001"],
    ]

    @Test func anUnreachablePostgreSQLServerStopsEveryCommandBeforeAnythingHappens() async throws {
        let url = "postgresql://ordrecon@127.0.0.1:\(TestWorkspace.closedPort)/shop"
        let ws = try TestWorkspace(config: TestWorkspace.withStoreURL(url, in: TestWorkspace.defaultConfig))
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        try Self.orders.write(toFile: ws.root + "/check.csv", atomically: true, encoding: .utf8)
        let before = try WorkspaceSnapshot(ws.root)

        for command in Self.commands {
            let result = try await ws.run(command, timeout: .seconds(60))
            #expect(!result.timedOut, "\(command) kept running")
            #expect(result.status == 75, "\(command): \(result.status)\n\(result.stderr)")
            #expect(
                result.stderr.contains("the database cannot be reached now: cannot connect to PostgreSQL at \(url): "),
                "\(command): \(result.stderr)")
            #expect(result.stderr.contains("Connection refused"), "\(command): libpq's reason: \(result.stderr)")
            #expect(result.stderr.contains("Nothing was changed."), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("Run again later."), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("Restore"), "\(command): no backup to restore: \(result.stderr)")
            // No file claimed, no folder, lock or SQLite database made.
            let after = try WorkspaceSnapshot(ws.root)
            #expect(after == before, "\(command) changed the workspace: \(after.difference(from: before))")
        }
        let json = try await ws.run(["run", "--json"])
        #expect(json.status == 75)
        #expect(
            json.stdout.contains("\"code\" : \"database_busy\"")
                || json.stdout.contains("\"code\":\"database_busy\""), "\(json.stdout)")
        #expect(ws.files(in: "inbox/storefront") == ["orders.csv"])
    }

    @Test func aDatabaseTheServerDoesNotHaveIsForAPersonToFix() async throws {
        let url = "postgresql://ordrecon@127.0.0.1:\(try TestPostgres.port())/no_such_database"
        let ws = try TestWorkspace(config: TestWorkspace.withStoreURL(url, in: TestWorkspace.defaultConfig))
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        let result = try await ws.run(["run"])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("the database cannot be used: cannot connect to PostgreSQL at \(url): "))
        #expect(result.stderr.contains("does not exist"), "\(result.stderr)")
        #expect(result.stderr.contains("PGPASSWORD or ~/.pgpass"), "\(result.stderr)")
        #expect(ws.files(in: "inbox/storefront") == ["orders.csv"])
    }

    @Test func aURLWithAPasswordIsRefusedWhenTheConfigurationIsRead() async throws {
        let port = try TestPostgres.port()
        let url = "postgresql://ordrecon:s3cret@127.0.0.1:\(port)/shop"
        let ws = try TestWorkspace(config: TestWorkspace.withStoreURL(url, in: TestWorkspace.defaultConfig))
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        let before = try WorkspaceSnapshot(ws.root)

        for command in [["run"], ["audit"], ["run", "--json"]] {
            let result = try await ws.run(command)
            #expect(result.status == 78, "\(command): \(result.status)\n\(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(!output.contains("s3cret"), "\(command) shows the password: \(output)")
            #expect(output.contains("store.url"), "\(command): \(output)")
            #expect(output.contains("postgresql://ordrecon:***@127.0.0.1:\(port)/shop"), "\(command): \(output)")
            #expect(output.contains("PGPASSWORD or ~/.pgpass"), "\(command): \(output)")
            let after = try WorkspaceSnapshot(ws.root)
            #expect(after == before, "\(command) changed the workspace: \(after.difference(from: before))")
        }
    }

    @Test func anSQLitePathPutsTheDatabaseThere() async throws {
        // The default file gives [paths] database: the path goes in one place only.
        let line = "database = \"var/ordrecon.sqlite\"\n"
        #expect(TestWorkspace.defaultConfig.contains(line))
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: line, with: "")
        let ws = try TestWorkspace(config: TestWorkspace.withStoreURL("sqlite:var/other.sqlite", in: config))
        defer { ws.remove() }
        let both = try TestWorkspace(
            config: TestWorkspace.withStoreURL("sqlite:var/other.sqlite", in: TestWorkspace.defaultConfig))
        defer { both.remove() }
        let refused = try await both.run(["run"])
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("store.url"), "\(refused.stderr)")
        #expect(refused.stderr.contains("in one place only"), "\(refused.stderr)")
        #expect(both.files(in: "") == ["config"])

        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        let run = try await ws.run(["run", "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.database), "the default database was made")
        let rows = try SQLiteFile.rows(
            "SELECT event_id, outcome FROM audit_log", at: ws.root + "/var/other.sqlite")
        #expect(rows == [["S1", "applied"]])
        // The lock lives beside the database it guards.
        #expect(FileManager.default.fileExists(atPath: ws.root + "/var/ordrecon.lock"))

        let order = try await ws.run(["order", "O1"])
        #expect(order.status == 0, "\(order.stderr)")
        #expect(order.stdout.contains("O1"), "\(order.stdout)")
    }

    @Test func aPostgreSQLURLMakesThatDatabaseTheStore() async throws {
        let ws = try TestWorkspace(store: .postgres)
        defer { ws.remove() }
        let url = try #require(ws.url)
        #expect(try ws.read("config/ordrecon.toml").contains("url = \"\(url.text)\""))
        // Its status is not the point here (the PostgreSQL ledgers are still being written):
        // where the run went is.
        _ = try await ws.run(["run", "--quiet"])
        // Opening the store made ordrecon's tables in that database, and no SQLite file.
        #expect(try ws.rows("SELECT max(version) FROM ordrecon_schema") == [["1"]])
        #expect(try ws.rows("SELECT count(*) FROM run_log WHERE command = 'run'") == [["1"]])
        #expect(!FileManager.default.fileExists(atPath: ws.database))
        // processing/ stays beside [paths] database; no workspace lock file: on a shared store
        // the database's ingest lock decides who ingests.
        #expect(FileManager.default.fileExists(atPath: ws.root + "/var/processing"))
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/var/ordrecon.lock"))
    }

    @Test func anEmptyPostgreSQLDatabaseBesideAnArchiveIsRefused() async throws {
        let ws = try TestWorkspace(store: .postgres)
        defer { ws.remove() }
        let url = try #require(ws.url)
        try FileManager.default.createDirectory(
            atPath: ws.root + "/archive/storefront", withIntermediateDirectories: true)
        try Self.orders.write(toFile: ws.root + "/archive/storefront/orders.csv", atomically: true, encoding: .utf8)
        let before = try WorkspaceSnapshot(ws.root)

        let result = try await ws.run(["run"])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "the database \(url.text) is empty (it holds no ordrecon tables), but the workspace already has history"
            ),
            "\(result.stderr)")
        #expect(!result.stderr.contains("empty database file"), "\(result.stderr)")
        #expect(try WorkspaceSnapshot(ws.root) == before)
        #expect(try ws.rows("SELECT to_regclass('ordrecon_schema') IS NULL") == [["t"]])
    }

    @Test func anEmptyPostgreSQLDatabaseHasNoHistoryYetForTheReviewCommands() async throws {
        let ws = try TestWorkspace(store: .postgres)
        defer { ws.remove() }
        let url = try #require(ws.url)
        for command in [["audit"], ["order", "O1"], ["refunds", "retry", "RF.O1.C"]] {
            let result = try await ws.run(command)
            #expect(result.status == 66, "\(command): \(result.status)\n\(result.stderr)")
            #expect(result.stderr.contains("no database yet at \(url.text)"), "\(command): \(result.stderr)")
        }
        // Reading made nothing.
        #expect(try ws.rows("SELECT to_regclass('ordrecon_schema') IS NULL") == [["t"]])
    }

    @Test func aPostgreSQLDatabaseFromANewerOrdreconIsRefused() async throws {
        let ws = try TestWorkspace(store: .postgres)
        defer { ws.remove() }
        let url = try #require(ws.url)
        try TestPostgres.execute(
            "CREATE TABLE ordrecon_schema (version integer PRIMARY KEY); INSERT INTO ordrecon_schema VALUES (99)",
            in: url)
        let result = try await ws.run(["audit"])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "the database \(url.text) was written by a newer ordrecon: its schema version is 99"),
            "\(result.stderr)")
    }
}
