import ArgumentParser
import OrdreconEngine

extension WorkspaceLock {
    /// Takes the workspace lock for a command that changes the workspace, or prints which
    /// process holds it and exits 75 (the contract's "try again later").
    static func forCommand(_ settings: EngineSettings) throws -> WorkspaceLock {
        do {
            return try WorkspaceLock(path: settings.lockFile)
        } catch let held as WorkspaceLock.Held {
            printError("ordrecon: \(held)")
            throw ExitStatus.tryAgain
        }
    }
}
