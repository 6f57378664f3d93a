/// A streaming UTF-8 check: feed the bytes in chunks of any size, then ask ``finish()``.
///
/// Rejects what Unicode calls ill-formed: stray continuation bytes, truncated sequences,
/// overlong forms, UTF-16 surrogates (U+D800–U+DFFF) and code points above U+10FFFF.
/// A sequence split across two chunks is handled.
public struct UTF8Validator: Sendable {
    /// Continuation bytes the current sequence still needs.
    private var needed = 0
    /// Allowed range of the next continuation byte (narrower right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// Offset of the lead byte of the current sequence.
    private var sequenceStart: Int64 = 0
    /// Where the first ill-formed sequence starts, once one was seen.
    private var invalidAt: Int64?

    /// How many bytes were fed so far.
    public private(set) var bytesFed: Int64 = 0

    public init() {}

    /// The byte offset (from the first byte fed) where the first ill-formed sequence starts.
    ///
    /// A sequence that is still incomplete at the end of the bytes fed so far counts as ill-formed
    /// here (it is, if no more bytes come); ``feed(_:)`` itself does not fail for it.
    public var firstInvalidOffset: Int64? {
        invalidAt ?? (needed > 0 ? sequenceStart : nil)
    }

    /// Checks the next bytes.
    /// - Returns: false once the input so far is not valid UTF-8 (then and for every later call).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if invalidAt != nil { return false }
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var i = 0
        while i < count {
            if needed == 0 {
                // ASCII fast path, 8 bytes at a time.
                while i &+ 8 <= count,
                    base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    i &+= 8
                }
                guard i < count else { break }
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                if byte < 0x80 {
                    i &+= 1
                    continue
                }
                sequenceStart = bytesFed + Int64(i)
                switch byte {
                case 0xC2...0xDF: start(1, 0x80, 0xBF)
                case 0xE0: start(2, 0xA0, 0xBF)  // no overlong 3-byte forms
                case 0xED: start(2, 0x80, 0x9F)  // no surrogates
                case 0xE1...0xEF: start(2, 0x80, 0xBF)
                case 0xF0: start(3, 0x90, 0xBF)  // no overlong 4-byte forms
                case 0xF1...0xF3: start(3, 0x80, 0xBF)
                case 0xF4: start(3, 0x80, 0x8F)  // nothing above U+10FFFF
                default:
                    invalidAt = sequenceStart
                    return false
                }
                i &+= 1
            } else {
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                guard byte >= lower && byte <= upper else {
                    invalidAt = sequenceStart
                    return false
                }
                lower = 0x80
                upper = 0xBF
                needed -= 1
                i &+= 1
            }
        }
        bytesFed += Int64(count)
        return true
    }

    /// Whether all bytes fed form valid UTF-8 (no sequence left incomplete at the end).
    public func finish() -> Bool {
        invalidAt == nil && needed == 0
    }

    /// Checks one complete byte string.
    /// - Returns: the offset of the first ill-formed sequence, or nil when `bytes` are valid UTF-8.
    public static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        var validator = UTF8Validator()
        _ = validator.feed(bytes)
        return validator.firstInvalidOffset.map { Int($0) }
    }

    @inline(__always)
    private mutating func start(_ count: Int, _ low: UInt8, _ high: UInt8) {
        needed = count
        lower = low
        upper = high
    }
}
