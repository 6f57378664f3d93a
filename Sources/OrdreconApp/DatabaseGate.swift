import ArgumentParser
import OrdreconCore
import OrdreconEngine
import OrdreconStore

/// The database check every command makes before it opens the database or creates anything
/// in the workspace (``DatabaseGuard``), as the command line reports it.
enum DatabaseGate {
    /// Looks at the workspace's database; fails with why it must not be used (exit 78) when so.
    /// - Returns: what the database path holds.
    @discardableResult
    static func check(_ settings: EngineSettings) throws -> DatabaseState {
        do {
            return try DatabaseGuard.check(settings, stores: settings.stores)
        } catch {
            throw CommandFailure.databaseRefused("\(error)")
        }
    }

    /// Fails (exit 78) with the store's message when `error` says the database was written by a newer
    /// ordrecon (found when it was opened, after ``check(_:)`` passed); otherwise nothing.
    static func refuseNewerSchema(_ error: any Error) throws {
        guard let error = error as? StoreError, error.kind == .schemaTooNew else { return }
        throw CommandFailure.databaseRefused("\(error.message). Nothing was changed.")
    }
}

extension EngineSettings {
    /// The workspace's database, as the SQLite store opens it: the one place where the command
    /// line chooses the store behind the engine's ports.
    var stores: SQLiteStoreFactory { SQLiteStoreFactory(path: database) }
}
