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
    static func logger(
        _ config: LoggingConfig, label: String = "ordrecon", quiet: Bool = false, sink: (any LogSink)? = nil
    ) -> Logger {
        var options = options(config)
        if quiet, options.level < .warning { options.level = .warning }
        let invocation = Invocation.current
        guard invocation.isProcess else {
            // In memory: a logger of this invocation alone, writing to its standard error.
            let sink = InvocationLogSink(output: invocation.output)
            let effective = StructuredLogging.effectiveOptions(options, sink: sink, environment: invocation.environment)
            let factory = LogHandlerFactory(options: effective, sink: sink)
            StructuredLogging.reportProblems(
                in: invocation.environment, to: Logger(label: "ordrecon.logging") { factory.makeHandler(label: $0) })
            return Logger(label: label) { factory.makeHandler(label: $0) }
        }
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

/// Log lines of an in-memory invocation, on its standard error.
private struct InvocationLogSink: LogSink {
    let output: any CommandOutput

    func write(line: String) {
        output.standardError(line + "\n")
    }
}
