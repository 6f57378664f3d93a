/// Why a whole feed file cannot be read (the contract's `bad_file`).
///
/// The message says what is wrong and where (byte offset, line), so a partner can fix the file.
public struct FeedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the file, in words a partner can act on.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Wraps an error thrown by a ``ByteSource`` while reading.
    static func readFailure(_ error: any Error) -> FeedFileError {
        FeedFileError("the file could not be read: \(error)")
    }
}

/// Limits shared by the parsers.
enum ParsingLimits {
    #if ORDRECON_FUZZ_LIMITS
        // The fuzz harnesses (Fuzz/, built by scripts/fuzz.sh) scale the limits down, in the same
        // proportions, so inputs of a few KiB reach the over-long event, buffer growth and depth paths.
        static let maxEventBytes = 1 << 10
        static let maxSourceTextBytes = 64
        static let maxJSONDepth = 64
        static let bufferSize = 256
    #else
        /// The most bytes one event (CSV row or row group, JSON Lines line, JSON array element) may take.
        static let maxEventBytes = 1 << 20
        /// The most bytes of a bad JSON Lines line kept in ``RawEvent/sourceText``.
        static let maxSourceTextBytes = 4096
        /// The deepest JSON nesting accepted.
        static let maxJSONDepth = 1000
        /// The size of the read buffer.
        static let bufferSize = 256 << 10
    #endif
}
