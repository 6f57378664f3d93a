import CSQLite
import Foundation
import OrdreconCore
import Testing

@testable import OrdreconStore

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
            #expect(throws: StoreError.self) { try statement.bind(2, "text") },
            #expect(throws: StoreError.self) { try statement.bind(2, 7 as Int64?) },
            #expect(throws: StoreError.self) { try statement.bind(2, nil as String?) },
            #expect(throws: StoreError.self) { try statement.bind(2, static: "literal") },
            #expect(throws: StoreError.self) { try statement.bind(["a", "b"]) },
            #expect(throws: StoreError.self) { try arena.bind(statement, 2, "arena") },
        ]
        for error in errors {
            let error = try #require(error)
            #expect(error.kind == .backend)
            #expect(error.code == SQLITE_RANGE)
            #expect(error.message.hasPrefix("cannot bind parameter 2: "), "\(error.message)")
            #expect(error.sql == "SELECT ?1")
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
        #expect((#expect(throws: StoreError.self) { try arena.bind(statement, 1, long) })?.code == SQLITE_TOOBIG)
        let copied = #expect(throws: StoreError.self) { try statement.bind(1, long) }
        #expect(copied?.code == SQLITE_TOOBIG && copied?.message.hasPrefix("cannot bind parameter 1: ") == true)
    }

    @Test("non-SQLite failures have their own kind and keep their message")
    func kinds() throws {
        let directory = NSTemporaryDirectory() + "ordrecon-store-errors-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.sqlite"
        let old = try SQLiteDatabase(path: path)
        try old.execute("PRAGMA user_version = 1")
        let tooOld = try #require(#expect(throws: StoreError.self) { try Store(readingAt: path) })
        #expect(tooOld.kind == .schemaTooOld && !tooOld.isBusy)
        #expect(
            tooOld.description
                == "database error 0: database \(path) has schema version 1; run `ordrecon run` once to upgrade it to \(Store.latestSchemaVersion)"
        )
        try old.execute("PRAGMA user_version = 999")
        let tooNew = try #require(#expect(throws: StoreError.self) { try Store(path: path) })
        #expect(tooNew.kind == .schemaTooNew && tooNew.code == StoreError.newerSchema)
        #expect(
            tooNew.description.hasPrefix("database error -1: the database \(path) has schema version 999, newer than"))
        let busy = StoreError(code: 5, message: "database is locked")
        #expect(busy.kind == .busy && busy.isBusy)
        #expect(StoreError(.inconsistentData, message: "x").description == "database error 0: x")
    }
}
