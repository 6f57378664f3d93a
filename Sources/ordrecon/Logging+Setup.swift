import Foundation
import Logging
import OrdreconCore
import OrdreconLogging

/// Sets up logging to standard error once per process, as `[logging]` says (logfmt by
/// default); `ORDRECON_LOG_LEVEL` and `ORDRECON_LOG_FORMAT` override it.
enum LoggingSetup {
    /// A logger for a command that read the configuration.
    /// - Parameters:
    ///   - quiet: warnings and errors only (unless `ORDRECON_LOG_LEVEL` says otherwise).
    ///   - sink: where lines go instead of standard error (taken by the first call only).
    static func logger(_ config: LoggingConfig, label: String = "ordrecon", quiet: Bool = false, sink: (any LogSink)? = nil) -> Logger {
        var options = options(config)
        if quiet, options.level < .warning { options.level = .warning }
        if let sink {
            StructuredLogging.bootstrap(options, sink: sink)
        } else {
            StructuredLogging.bootstrap(options)
        }
        return Logger(label: label)
    }

    /// A logger for a command without a workspace (the defaults of `[logging]`).
    static func logger(label: String = "ordrecon", quiet: Bool = false) -> Logger {
        logger(LoggingConfig.defaults, label: label, quiet: quiet)
    }

    /// `[logging]` as options of the structured handler.
    static func options(_ config: LoggingConfig) -> LoggingOptions {
        LoggingOptions(
            format: LogFormat(rawValue: config.format) ?? .logfmt, level: Logger.Level(rawValue: config.level) ?? .info)
    }
}
