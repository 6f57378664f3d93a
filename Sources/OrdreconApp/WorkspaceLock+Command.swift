import ArgumentParser
import OrdreconEngine

extension WorkspaceLock {
    /// Takes the workspace lock for a command that changes the workspace, or fails saying which
    /// process holds it (exit 75, the contract's "try again later"), or that the lock file
    /// cannot be opened (exit 74).
    static func forCommand(_ settings: EngineSettings) throws(CommandFailure) -> WorkspaceLock {
        do {
            return try WorkspaceLock(path: settings.lockFile)
        } catch let held as WorkspaceLock.Held {
            throw CommandFailure.locked("\(held)")
        } catch {
            throw CommandFailure.io("cannot take the workspace lock: \(error)")
        }
    }
}
