public import Foundation
public import Logging

/// How log lines are written: their shape, the least severe level, and whether the call site is
/// included.
public struct LoggingOptions: Sendable, Equatable {
    /// The shape of each line.
    public var format: LogFormat
    /// The least severe level written.
    public var level: Logger.Level
    /// Whether lines carry the call site: `source`, `code.file`, `code.function`, `code.line`.
    public var includeSource: Bool
    /// Whether each line starts with its syslog priority, `<N>` (``JournalStream``), for journald.
    /// ``StructuredLogging/bootstrap(_:sink:metadataProvider:clock:environment:)`` turns it on by
    /// itself when its sink writes to the journal stream.
    public var syslogPriorityPrefix: Bool

    /// Creates options; by default logfmt at `info`, without the call site or a priority prefix.
    public init(
        format: LogFormat = .logfmt, level: Logger.Level = .info, includeSource: Bool = false,
        syslogPriorityPrefix: Bool = false
    ) {
        self.format = format
        self.level = level
        self.includeSource = includeSource
        self.syslogPriorityPrefix = syslogPriorityPrefix
    }
}

extension LoggingOptions {
    /// Overrides ``level``: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`.
    public static let levelVariable = "ORDRECON_LOG_LEVEL"
    /// Overrides ``format``: `logfmt`, `json` or `text`.
    public static let formatVariable = "ORDRECON_LOG_FORMAT"

    /// These options with the environment's overrides applied.
    ///
    /// `ORDRECON_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical) and
    /// `ORDRECON_LOG_FORMAT` (logfmt, json, text) win over the options given, whatever they came
    /// from (flags, configuration file). Both are read case-insensitively, surrounding white
    /// space ignored; an empty value counts as unset, and a value not understood is ignored
    /// (``StructuredLogging`` logs a warning naming it).
    /// - Parameter environment: the process environment, or a stand-in.
    public func overridden(by environment: [String: String]) -> LoggingOptions {
        var result = self
        if let value = Self.environmentValue(Self.levelVariable, in: environment),
            let level = Logger.Level(rawValue: value)
        {
            result.level = level
        }
        if let value = Self.environmentValue(Self.formatVariable, in: environment),
            let format = LogFormat(rawValue: value)
        {
            result.format = format
        }
        return result
    }

    /// A variable set to a value ``overridden(by:)`` ignores.
    struct EnvironmentProblem {
        var name: String
        var value: String
        var expected: String
    }

    /// The variables set to a value ``overridden(by:)`` ignores.
    static func environmentProblems(in environment: [String: String]) -> [EnvironmentProblem] {
        var problems: [EnvironmentProblem] = []
        if let value = environmentValue(levelVariable, in: environment), Logger.Level(rawValue: value) == nil {
            let expected = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(
                EnvironmentProblem(name: levelVariable, value: environment[levelVariable] ?? value, expected: expected))
        }
        if let value = environmentValue(formatVariable, in: environment), LogFormat(rawValue: value) == nil {
            let expected = LogFormat.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(
                EnvironmentProblem(
                    name: formatVariable, value: environment[formatVariable] ?? value, expected: expected))
        }
        return problems
    }

    /// The variable's value, trimmed and lowercased; nil when unset or empty.
    private static func environmentValue(_ name: String, in environment: [String: String]) -> String? {
        guard let raw = environment[name] else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return value.isEmpty ? nil : value
    }
}

/// The process-wide set-up: swift-log bootstrapped once with ``StructuredLogHandler``s whose
/// options can change later (a daemon re-reading its configuration on SIGHUP).
///
/// The environment wins over the options given: `ORDRECON_LOG_LEVEL` (trace, debug, info,
/// notice, warning, error, critical) and `ORDRECON_LOG_FORMAT` (logfmt, json, text), at
/// bootstrap and at every update. A value not understood is ignored and reported as a warning
/// with label `ordrecon.logging`. When the sink's descriptor is the journal stream that
/// `JOURNAL_STREAM` names (a systemd service), lines carry their syslog priority
/// (``LoggingOptions/syslogPriorityPrefix``).
public enum StructuredLogging {
    private static let lock = NSLock()
    /// Set once, with `lock` held.
    nonisolated(unsafe) private static var installed: LogHandlerFactory?

    /// Calls `LoggingSystem.bootstrap` the first time; later calls only update the options.
    ///
    /// Must be the only bootstrap of swift-log in the process (a second `LoggingSystem.bootstrap`
    /// from elsewhere crashes). The `sink`, `metadataProvider` and `clock` of calls after the
    /// first are ignored.
    /// - Parameters:
    ///   - options: format, level and call-site choice, before the environment's overrides.
    ///   - sink: where lines go; standard error by default.
    ///   - metadataProvider: the process-wide metadata provider, if any.
    ///   - clock: the current time.
    ///   - environment: where `ORDRECON_LOG_LEVEL` and `ORDRECON_LOG_FORMAT` are read.
    /// - Returns: the options in effect.
    @discardableResult
    public static func bootstrap(
        _ options: LoggingOptions,
        sink: any LogSink = FileDescriptorLogSink.standardError,
        metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> Date = { Date() },
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> LoggingOptions {
        lock.lock()
        let effective = effectiveOptions(options, sink: installed?.sink ?? sink, environment: environment)
        if let factory = installed {
            factory.update(effective)
        } else {
            let factory = LogHandlerFactory(options: effective, sink: sink, clock: clock)
            installed = factory
            LoggingSystem.bootstrap(
                { label, provider in factory.makeHandler(label: label, metadataProvider: provider) },
                metadataProvider: metadataProvider
            )
        }
        lock.unlock()
        reportProblems(in: environment)
        return effective
    }

    /// `options` as they apply with `sink` in `environment`: `ORDRECON_LOG_LEVEL` and
    /// `ORDRECON_LOG_FORMAT` win, and the syslog priority prefix is on when the sink writes to
    /// the descriptor that `JOURNAL_STREAM` names.
    public static func effectiveOptions(
        _ options: LoggingOptions, sink: any LogSink, environment: [String: String]
    ) -> LoggingOptions {
        var effective = options.overridden(by: environment)
        if let descriptor = (sink as? FileDescriptorLogSink)?.fileDescriptor,
            JournalStream.isConnected(fileDescriptor: descriptor, environment: environment)
        {
            effective.syslogPriorityPrefix = true
        }
        return effective
    }

    /// Changes the format and level of every logger, including existing ones (bootstrapping
    /// first, with the default sink, if that was not done yet).
    /// - Parameters:
    ///   - options: the new options, before the environment's overrides.
    ///   - environment: where `ORDRECON_LOG_LEVEL` and `ORDRECON_LOG_FORMAT` are read.
    /// - Returns: the options in effect.
    @discardableResult
    public static func update(
        _ options: LoggingOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> LoggingOptions {
        bootstrap(options, environment: environment)
    }

    /// The options in effect, or nil before ``bootstrap(_:sink:metadataProvider:clock:environment:)``.
    public static var currentOptions: LoggingOptions? {
        lock.lock()
        defer { lock.unlock() }
        return installed?.options
    }

    private static func reportProblems(in environment: [String: String]) {
        reportProblems(in: environment, to: Logger(label: "ordrecon.logging"))
    }

    /// Warns on `logger` about each `ORDRECON_LOG_*` variable of `environment` whose value is
    /// ignored (``bootstrap(_:sink:metadataProvider:clock:environment:)`` does it itself).
    public static func reportProblems(in environment: [String: String], to logger: Logger) {
        let problems = LoggingOptions.environmentProblems(in: environment)
        guard !problems.isEmpty else { return }
        for problem in problems {
            logger.warning(
                "ignored an environment variable whose value is not understood",
                metadata: [
                    "env.name": .string(problem.name),
                    "env.value": .string(problem.value),
                    "env.expected": .string(problem.expected),
                ]
            )
        }
    }
}
