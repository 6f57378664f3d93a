import ArgumentParser
import OrdreconCore
import OrdreconEngine

extension WorkspaceLock {
    /// Takes the workspace lock for a command that changes the workspace, or fails saying which
    /// process holds it (exit 75, the contract's "try again later"), or that the lock file
    /// cannot be opened (exit 74).
    ///
    /// On a store that several nodes share (PostgreSQL) there is no workspace lock: nodes share
    /// the workspace on purpose. What it guarded is guarded there by the database: the ingest
    /// lock (`run`, and the daemon that leads) and the claim of each refund before it is sent.
    /// - Returns: the lock, held until released; nil on a shared store.
    static func forCommand(_ settings: EngineSettings) throws(CommandFailure) -> WorkspaceLock? {
        if settings.stores.isShared { return nil }
        do {
            return try WorkspaceLock(path: settings.lockFile)
        } catch let held as WorkspaceLock.Held {
            throw CommandFailure.locked("\(held)")
        } catch {
            throw CommandFailure.io("cannot take the workspace lock: \(error)")
        }
    }

    /// For `run` on a shared store: takes the ingest lock on the run's connection, or fails
    /// (exit 75) naming the node that ingests now. Nothing else is checked on SQLite, where the
    /// workspace lock did this.
    static func leadIngest(_ store: any StateStore) throws {
        guard try !store.tryLeadIngest() else { return }
        let holder = (try? store.ingestLeader()) ?? nil
        throw CommandFailure.locked(
            "another node is ingesting from this database\(holder.map { " (\($0))" } ?? ""); try again when it has finished"
        )
    }
}
