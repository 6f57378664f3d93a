import CSQLite
import Foundation
import OrdreconCore
@testable import OrdreconStore
import Testing

/// The SQLite wrapper's checks: a binding SQLite refuses throws, and failures that are not
/// SQLite's have their own kinds with the messages they always had.
struct StoreBindAndErrorTests {
    @Test("a parameter index out of range throws instead of running with it unset")
    func bindOutOfRange() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        let statement = try db.statement("SELECT ?1")
        #expect(throws: Never.self) { try statement.bind(1, "fine") }
        let arena = TextArena()
        let errors = [
            thrown { try statement.bind(2, "text") }, thrown { try statement.bind(2, 7 as Int64?) },
            thrown { try statement.bind(2, nil as String?) }, thrown { try statement.bind(2, static: "literal") },
            thrown { try statement.bind(["a", "b"]) }, thrown { try arena.bind(statement, 2, "arena") },
        ]
        for error in errors {
            let error = try #require(error)
            #expect(error.kind == .sqlite)
            #expect(error.code == SQLITE_RANGE)
            #expect(error.message.hasPrefix("cannot bind parameter 2: "), "\(error.message)")
            #expect(error.sql == "SELECT ?1")
        }
    }

    /// What `body` threw, when it was a ``StoreError``.
    private func thrown(_ body: () throws -> Void) -> StoreError? {
        do {
            try body()
            return nil
        } catch {
            return error as? StoreError
        }
    }

    @Test("a text over SQLite's length limit throws SQLITE_TOOBIG, whether SQLite or the arena copies it")
    func bindTooBig() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        _ = sqlite3_limit(db.handle, SQLITE_LIMIT_LENGTH, 16)
        let statement = try db.statement("SELECT ?1")
        let long = String(repeating: "x", count: 40)
        let arena = TextArena()
        #expect(throws: Never.self) { try statement.bind(1, "short") }
        #expect(throws: StoreError.self) { try statement.bind(1, long) }
        #expect(thrown { try arena.bind(statement, 1, long) }?.code == SQLITE_TOOBIG)
        #expect(thrown { try statement.bind(1, long) }?.message.hasPrefix("cannot bind parameter 1: ") == true)
    }

    @Test("non-SQLite failures have their own kind and keep their message")
    func kinds() throws {
        let directory = NSTemporaryDirectory() + "ordrecon-store-errors-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.sqlite"
        let old = try SQLiteDatabase(path: path)
        try old.execute("PRAGMA user_version = 1")
        do throws(StoreError) {
            _ = try Store(readingAt: path)
            Issue.record("an old schema was read")
        } catch {
            #expect(error.kind == .schemaTooOld)
            #expect(!error.isBusy)
            #expect(error.description == "database error 0: database \(path) has schema version 1; run `ordrecon run` once to upgrade it to \(Store.latestSchemaVersion)")
        }
        try old.execute("PRAGMA user_version = 999")
        do throws(StoreError) {
            _ = try Store(path: path)
            Issue.record("a newer schema was opened")
        } catch {
            #expect(error.kind == .schemaTooNew)
            #expect(error.code == StoreError.newerSchema)
            #expect(error.description.hasPrefix("database error -1: the database \(path) has schema version 999, newer than"))
        }
        let busy = StoreError(code: 5, message: "database is locked")
        #expect(busy.kind == .sqlite && busy.isBusy)
        #expect(StoreError(.inconsistentData, message: "x").description == "database error 0: x")
    }
}
