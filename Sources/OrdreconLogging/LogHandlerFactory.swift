public import Foundation
public import Logging
import Synchronization

/// Makes ``StructuredLogHandler``s that share one sink, one clock and one set of options, which
/// can be changed while they live.
///
/// Checked `Sendable`: the only mutable state, the options, lives in a `Mutex`; `sink` and
/// `clock` are `Sendable` constants.
public final class LogHandlerFactory: Sendable {
    /// Where every handler of this factory writes.
    public let sink: any LogSink
    /// The time source of every handler of this factory.
    public let clock: @Sendable () -> Date

    private let current: Mutex<LoggingOptions>

    /// Creates a factory.
    /// - Parameters:
    ///   - options: the initial format, level and call-site choice.
    ///   - sink: where lines go; standard error by default.
    ///   - clock: the current time; tests pass a fixed one.
    public init(
        options: LoggingOptions = LoggingOptions(),
        sink: any LogSink = FileDescriptorLogSink.standardError,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.current = Mutex(options)
        self.sink = sink
        self.clock = clock
    }

    /// The options handlers follow now.
    public var options: LoggingOptions { current.withLock { $0 } }

    /// Changes the options of every handler made by this factory, including those already in
    /// use, from their next log call (except a level or format set on a handler itself).
    public func update(_ options: LoggingOptions) {
        current.withLock { $0 = options }
    }

    /// Makes a handler following this factory's options; the shape `LoggingSystem.bootstrap` takes.
    public func makeHandler(label: String, metadataProvider: Logger.MetadataProvider? = nil) -> StructuredLogHandler {
        StructuredLogHandler(label: label, factory: self, metadataProvider: metadataProvider)
    }
}
