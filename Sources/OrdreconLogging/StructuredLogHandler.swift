public import Foundation
public import Logging

/// A swift-log handler that writes one structured line per log call to a ``LogSink``.
///
/// The line is logfmt, a JSON object or the human text form (``LogFormat``), with the time in
/// UTC from the injected clock, and, for journald, the syslog priority in front
/// (``LoggingOptions/syslogPriorityPrefix``). Metadata comes from three places, later ones winning on the same
/// key: the handler's ``metadata``, the ``metadataProvider``, then the log call's own metadata;
/// an error passed to the call adds `error.message` and `error.type`. The call site (module,
/// file, function, line) is written only when ``LoggingOptions/includeSource`` is set.
///
/// Values of metadata keys that look secret (``SecretKeys/isSecret(_:)``: `gateway.token`,
/// `http.authorization`, `refresh_token`, …) are written as `***`, also inside nested
/// dictionaries. The message is written as given and never searched for secrets: callers must
/// not put tokens, passwords or authorization headers in messages (nor in error descriptions).
///
/// Level and format come from a ``LogHandlerFactory`` that the handler shares with every other
/// handler the factory made, so ``LogHandlerFactory/update(_:)`` (and
/// ``StructuredLogging/update(_:environment:)``) changes loggers that already exist. Setting
/// ``logLevel`` or ``format`` on one handler (one `Logger` value) pins it for that handler only,
/// and later updates no longer change it.
public struct StructuredLogHandler: LogHandler {
    /// The logger's label, written as `label`.
    public let label: String
    /// Metadata written with every line of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Metadata gathered at each log call (task-local context, for example).
    public var metadataProvider: Logger.MetadataProvider?

    private let factory: LogHandlerFactory
    private var levelOverride: Logger.Level?
    private var formatOverride: LogFormat?

    /// Creates a handler with options of its own.
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - options: format, level and whether to write the call site.
    ///   - sink: where lines go; standard error by default.
    ///   - metadataProvider: metadata added at each call; by default the one of `LoggingSystem`.
    ///   - clock: the current time; tests pass a fixed one.
    public init(
        label: String,
        options: LoggingOptions = LoggingOptions(),
        sink: any LogSink = FileDescriptorLogSink.standardError,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            label: label,
            factory: LogHandlerFactory(options: options, sink: sink, clock: clock),
            metadataProvider: metadataProvider
        )
    }

    /// Creates a handler whose level and format follow `factory`.
    public init(label: String, factory: LogHandlerFactory, metadataProvider: Logger.MetadataProvider?) {
        self.label = label
        self.factory = factory
        self.metadataProvider = metadataProvider
    }

    /// The least severe level written: the factory's, unless set on this handler.
    public var logLevel: Logger.Level {
        get { levelOverride ?? factory.options.level }
        set { levelOverride = newValue }
    }

    /// The shape of the lines: the factory's, unless set on this handler.
    public var format: LogFormat {
        get { formatOverride ?? factory.options.format }
        set { formatOverride = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var options = factory.options
        if let levelOverride { options.level = levelOverride }
        if let formatOverride { options.format = formatOverride }
        guard event.level >= options.level else { return }

        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            merged["error.message"] = .string("\(error)")
            merged["error.type"] = .string(String(reflecting: type(of: error)))
        }

        let record = LogRecord(
            milliseconds: Self.milliseconds(factory.clock()),
            level: event.level,
            label: label,
            message: event.message.description,
            source: event.source,
            callSite: options.includeSource
                ? LogRecord.CallSite(file: event.file, function: event.function, line: event.line) : nil,
            metadata: merged
        )
        let line = record.rendered(as: options.format)
        factory.sink.write(line: options.syslogPriorityPrefix ? JournalStream.prefix(for: event.level) + line : line)
    }

    /// Whole milliseconds since the Unix epoch, rounded down.
    ///
    /// `Date` keeps seconds since 2001 as a `Double`, so a whole millisecond since 1970 can come
    /// back a few tens of nanoseconds short; the microsecond added keeps it in its millisecond.
    static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000 + 0.001).rounded(.down)
        guard value.isFinite, value > -9.0e15, value < 9.0e15 else { return 0 }
        return Int64(value)
    }
}
