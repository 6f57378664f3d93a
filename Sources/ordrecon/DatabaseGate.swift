import ArgumentParser
import OrdreconEngine
import OrdreconStore

/// The database check every command makes before it opens the database or creates anything
/// in the workspace (``DatabaseGuard``), as the command line reports it.
enum DatabaseGate {
    /// Looks at the workspace's database; prints why it must not be used and exits 78 when so.
    /// - Returns: what the database path holds.
    @discardableResult
    static func check(_ settings: EngineSettings) throws -> DatabaseFile.State {
        do {
            return try DatabaseGuard.check(settings)
        } catch {
            printError("ordrecon: refusing the database: \(error)")
            throw ExitStatus.badConfig
        }
    }

    /// Exit 78 with the store's message when `error` says the database was written by a newer
    /// ordrecon (found when it was opened, after ``check(_:)`` passed); otherwise nothing.
    static func refuseNewerSchema(_ error: any Error) throws {
        guard let error = error as? StoreError, error.code == StoreError.newerSchema else { return }
        printError("ordrecon: refusing the database: \(error.message). Nothing was changed.")
        throw ExitStatus.badConfig
    }
}
