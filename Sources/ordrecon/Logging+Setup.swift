import Foundation
import Logging

/// Sets up logging to standard error once; the level comes from `ORDRECON_LOG_LEVEL`
/// (trace, debug, info, notice, warning, error, critical), default `info`.
enum LoggingSetup {
    nonisolated(unsafe) private static var done = false

    static func logger(label: String = "ordrecon", quiet: Bool = false) -> Logger {
        if !done {
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                let level = ProcessInfo.processInfo.environment["ORDRECON_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
                handler.logLevel = level ?? (quiet ? .warning : .info)
                return handler
            }
        }
        return Logger(label: label)
    }
}
