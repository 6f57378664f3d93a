import ArgumentParser
import OrdreconCore
import OrdreconEngine
import OrdreconPostgres
import OrdreconStore

/// The database check every command makes before it opens the database or creates anything
/// in the workspace (``DatabaseGuard``), as the command line reports it.
enum DatabaseGate {
    /// Looks at the workspace's database; fails with why it must not be used (exit 78) when so,
    /// or (exit 75, try again later) when its server cannot be reached now.
    /// - Returns: what the database holds.
    @discardableResult
    static func check(_ settings: EngineSettings) throws -> DatabaseState {
        do {
            return try DatabaseGuard.check(settings, stores: settings.stores)
        } catch  where error.isTemporary {
            throw CommandFailure.busy("\(error)")
        } catch {
            throw CommandFailure.databaseRefused("\(error)")
        }
    }

    /// ``check(_:)`` for a command that works on what earlier runs recorded (the review
    /// commands, `invoices render`, `refunds retry`): fails with 66 when nothing ran yet, that is
    /// when there is no SQLite file, or a PostgreSQL database holds no ordrecon tables yet.
    static func checkHistory(_ settings: EngineSettings) throws {
        let state = try check(settings)
        if state == .missing || (settings.postgres != nil && state == .empty) {
            throw CommandFailure.noDatabase(settings.store.description)
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
    /// The workspace's store as `[store] url` names it (the SQLite file, or the PostgreSQL
    /// database): the one place where the command line chooses the store behind the engine's ports.
    var stores: any StateStoreFactory {
        switch store {
        case .sqlite(let path): SQLiteStoreFactory(path: path)
        case .postgres(let url): PostgresStoreFactory(url: url)
        }
    }
}
