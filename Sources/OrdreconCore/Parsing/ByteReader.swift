/// A sliding window over a ``ByteSource``: the parsers' read buffer.
///
/// Bytes before `pos` that a parser still needs (the current row or element) are kept by
/// passing their start to ``refill(dropping:)``; everything before it is dropped, so memory
/// stays bounded by the longest kept run. Copies share their buffer and source: use one copy.
struct ByteReader {
    /// Start of the buffer (valid until the next ``refill(dropping:)``).
    private(set) var base: UnsafeMutableRawPointer
    /// Next unread byte.
    var pos: Int = 0
    /// End of the valid bytes.
    private(set) var end: Int = 0
    /// Absolute file offset of `base[0]`.
    private(set) var bufferOffset: Int64
    private let storage: Storage
    private let source: ByteSourceBox

    init(source: ByteSourceBox, startOffset: Int64) {
        self.storage = Storage(capacity: ParsingLimits.bufferSize)
        self.base = storage.pointer
        self.source = source
        self.bufferOffset = startOffset
    }

    /// The absolute offset of buffer index `index`.
    @inline(__always)
    func offset(of index: Int) -> Int64 { bufferOffset + Int64(index) }

    /// Drops the bytes before `keep` (moving the rest to the front, so every saved index
    /// shifts down by `keep`), then reads more bytes after `end`.
    /// - Returns: false at the end of the input (the shift has still happened).
    mutating func refill(dropping keep: Int) throws -> Bool {
        if keep > 0 {
            let kept = end - keep
            if kept > 0 { base.copyMemory(from: base + keep, byteCount: kept) }
            end = kept
            pos -= keep
            bufferOffset += Int64(keep)
        }
        if end == storage.capacity {
            storage.grow(keeping: end)
            base = storage.pointer
        }
        let count = try source.read(
            into: UnsafeMutableRawBufferPointer(start: base + end, count: storage.capacity - end))
        end += count
        return count > 0
    }

    /// Makes at least `count` bytes available from `pos` when the input has them, dropping
    /// everything before `pos` (so only for callers that keep nothing behind it).
    /// - Returns: false when the input ends first.
    mutating func ensure(_ count: Int) throws -> Bool {
        while end - pos < count {
            if try !refill(dropping: pos) { return false }
        }
        return true
    }

    /// The bytes in `range` (buffer indices), valid until the next refill.
    @inline(__always)
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The buffer's memory, owned by a class so the struct can be copied cheaply.
    private final class Storage {
        var pointer: UnsafeMutableRawPointer
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            self.pointer = .allocate(byteCount: capacity, alignment: 16)
        }

        func grow(keeping count: Int) {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: pointer, byteCount: count)
            pointer.deallocate()
            pointer = bigger
            capacity *= 2
        }

        deinit { pointer.deallocate() }
    }
}

/// A type-erased ``ByteSource`` so the parsing loops need no generic specialization:
/// they are compiled once, in this module, and call the source once per buffer refill.
class ByteSourceBox {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        fatalError("abstract")
    }
}

/// The concrete box around one source.
final class TypedByteSourceBox<Source: ByteSource>: ByteSourceBox {
    var source: Source

    init(_ source: Source) {
        self.source = source
    }

    override func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try source.read(into: buffer)
    }
}

extension UInt8 {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let backslash = UInt8(ascii: "\\")

    /// The byte as it would read in a message: the character if printable ASCII, else hex.
    var described: String {
        if self >= 0x21 && self < 0x7F { return "'\(Character(Unicode.Scalar(self)))'" }
        if self == .space { return "a space" }
        if self == .lf { return "a line break" }
        return "byte 0x" + (self < 16 ? "0" : "") + String(self, radix: 16, uppercase: true)
    }
}

/// Whether `bytes` begin with the UTF-8 byte order mark.
@inline(__always)
func startsWithBOM(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
}
