import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A database written by a newer ordrecon, or one that is empty or missing while the workspace
/// already has history, is refused by every command with exit status 78, a message naming the
/// cause and the remedy, and nothing changed: not the database's bytes or time, and no new file
/// (no `-wal`, `-shm`, lock or folder). A fresh workspace still works.
@Suite(.runsPrograms)
struct DatabaseGuardTests {
    static let orders =
        "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\nS1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,SKU-A,2,49.50\n"
    static let payments =
        "event_id,entity,order_id,status,occurred_at,amount,payment_ref\nP1,order,O1,PAID,2026-01-01T10:05:00+05:30,99.00,PAY-1\n"
    static let shipments =
        "event_id,entity,order_id,status,occurred_at\nW1,order,O1,PROCESSING_IN_WAREHOUSE,2026-01-01T11:00:00+05:30\nW2,order,O1,SHIPPED,2026-01-02T11:00:00+05:30\n"

    /// A workspace where order O1 was created, paid and shipped: its files archived, its invoice issued.
    static func workspaceWithHistory() async throws -> TestWorkspace {
        let ws = try TestWorkspace()
        try ws.drop("storefront", "orders.csv", orders, order: 1)
        try ws.drop("payments", "payments.csv", payments, order: 2)
        try ws.drop("warehouse", "shipments.csv", shipments, order: 3)
        let run = try await ws.run(["run", "--quiet"])
        guard run.status == 0 else { throw TestError("first run: \(run.status)\n\(run.stderr)") }
        return ws
    }

    /// Commands that open the database for writing, then the read-only ones.
    static let commands: [[String]] = [
        ["run"], ["dispatch"], ["watch"], ["invoices", "render", "--missing"], ["refunds", "retry", "RF.O1.C"],
        ["validate", "check.csv", "--feed", "storefront"],
        ["order", "O1"], ["return", "R1"], ["audit"], ["rejections"], ["refunds"], ["invoices"],
        ["invoice", "show", "IN/25-26/0000001"],
    ]

    @Test func aDatabaseFromANewerOrdreconIsRefusedByEveryCommandAndNothingChanges() async throws {
        let ws = try await Self.workspaceWithHistory()
        defer { ws.remove() }
        try Self.orders.write(toFile: ws.root + "/check.csv", atomically: true, encoding: .utf8)
        try SQLiteFile.execute("PRAGMA user_version = 99", at: ws.database)
        let before = try WorkspaceSnapshot(ws.root)
        #expect(before.entries[ws.database] != nil && before.entries[ws.database + "-wal"] == nil)

        for command in Self.commands {
            let result = try await Self.runBounded(ws, command)
            #expect(result.status == 78, "\(command): \(result.status)\n\(result.stderr)")
            #expect(
                result.stderr.contains("was written by a newer ordrecon: its schema version is 99"),
                "\(command): \(result.stderr)")
            #expect(result.stderr.contains("restore the database from a backup"), "\(command): \(result.stderr)")
            let after = try WorkspaceSnapshot(ws.root)
            #expect(after == before, "\(command) changed the workspace: \(after.difference(from: before))")
        }
    }

    @Test func anEmptyDatabaseWhileTheArchiveHoldsFilesIsRefusedAndNothingChanges() async throws {
        let ws = try await Self.workspaceWithHistory()
        defer { ws.remove() }
        #expect(truncate(ws.database, 0) == 0)
        try FileManager.default.removeItem(atPath: ws.root + "/invoices")  // only the archive tells
        let before = try WorkspaceSnapshot(ws.root)

        for command in Self.commands.prefix(5) + [["order", "O1"]] {
            let result = try await Self.runBounded(ws, command)
            #expect(result.status == 78, "\(command): \(result.status)\n\(result.stderr)")
            #expect(
                result.stderr.contains(
                    "ordrecon.sqlite is empty (0 bytes), but the workspace already has history (\(ws.root)/archive/"),
                "\(command): \(result.stderr)")
            #expect(result.stderr.contains("start the invoice numbers at 1 again"), "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains(
                    "Restore the database from a backup. To start a new history on purpose, move the folders"),
                "\(command): \(result.stderr)")
            let after = try WorkspaceSnapshot(ws.root)
            #expect(after == before, "\(command) changed the workspace: \(after.difference(from: before))")
        }
    }

    @Test func aMissingDatabaseWhileInvoicesHoldFilesIsRefusedUntilTheyAreMovedAside() async throws {
        let ws = try await Self.workspaceWithHistory()
        defer { ws.remove() }
        #expect(ws.files(in: "invoices/2025-26") == ["IN-25-26-0000001.pdf"])
        try FileManager.default.removeItem(atPath: ws.database)
        try FileManager.default.removeItem(atPath: ws.root + "/archive")  // only the invoices tell
        try FileManager.default.removeItem(atPath: ws.root + "/var")
        let before = try WorkspaceSnapshot(ws.root)

        for command in Self.commands.prefix(5) + [["order", "O1"]] {
            let result = try await Self.runBounded(ws, command)
            #expect(result.status == 78, "\(command): \(result.status)\n\(result.stderr)")
            #expect(
                result.stderr.contains(
                    "ordrecon.sqlite is missing, but the workspace already has history (\(ws.root)/invoices/2025-26/IN-25-26-0000001.pdf)"
                ), "\(command): \(result.stderr)")
            let after = try WorkspaceSnapshot(ws.root)
            #expect(after == before, "\(command) changed the workspace: \(after.difference(from: before))")
        }
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/var"))

        // The remedy for starting over on purpose: the old invoices moved aside, a new history begins.
        try FileManager.default.moveItem(atPath: ws.root + "/invoices", toPath: ws.root + "/invoices.old")
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        try ws.drop("payments", "payments.csv", Self.payments, order: 2)
        try ws.drop("warehouse", "shipments.csv", Self.shipments, order: 3)
        let run = try await ws.run(["run", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(ws.files(in: "invoices/2025-26") == ["IN-25-26-0000001.pdf"])
    }

    @Test func aFreshWorkspaceWorksAndHiddenFilesAreNotHistory() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let initialized = try await ws.run(["init", "fresh"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let config = ["--config", ws.root + "/fresh/config/ordrecon.toml"]
        let empty = try await ws.run(["run"] + config)
        #expect(empty.status == 0, "\(empty.stdout)\n\(empty.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.root + "/fresh/var/ordrecon.sqlite"))

        // A checkout of a workspace keeps its empty folders with a .gitkeep: not history.
        for folder in ["invoices", "archive/storefront"] {
            try FileManager.default.createDirectory(atPath: ws.root + "/" + folder, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: ws.root + "/" + folder + "/.gitkeep", contents: nil)
        }
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        let first = try await ws.run(["run"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == 1)
        #expect(ws.files(in: "archive/storefront") == [".gitkeep", "orders.csv"])
    }

    /// Runs `ordrecon` and waits at most 60 s (a `watch` that was not refused would run on: it
    /// is killed, and the status is -1).
    static func runBounded(_ ws: TestWorkspace, _ arguments: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let result = try await ws.run(arguments, timeout: .seconds(60))
        return (result.timedOut ? -1 : result.status, result.stdout, result.stderr)
    }
}

/// Every entry under a folder, with its type, size, modification time (ns) and, for files,
/// its bytes: two snapshots are equal when nothing was created, removed or changed.
struct WorkspaceSnapshot: Equatable {
    var entries: [String: String] = [:]
    var contents: [String: Data] = [:]

    init(_ root: String) throws {
        try add(root)
    }

    private mutating func add(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw TestError("lstat \(path): errno \(errno)") }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        entries[path] = "mode \(info.st_mode) size \(info.st_size) mtime \(mtime)"
        if info.st_mode & S_IFMT == S_IFREG { contents[path] = FileManager.default.contents(atPath: path) }
        guard info.st_mode & S_IFMT == S_IFDIR else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: path) { try add(path + "/" + name) }
    }

    /// The paths that differ, for a failure message.
    func difference(from other: WorkspaceSnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).sorted()
            .filter { entries[$0] != other.entries[$0] || contents[$0] != other.contents[$0] }
            .map { "\($0): \(other.entries[$0] ?? "absent") -> \(entries[$0] ?? "absent")" }
    }
}
