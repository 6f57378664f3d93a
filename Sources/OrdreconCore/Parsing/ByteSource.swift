/// Something that hands out the bytes of a feed file in chunks.
///
/// The core reads through this protocol and never opens files itself; the engine supplies
/// a file-backed source, tests an in-memory one.
public protocol ByteSource {
    /// Copies up to `buffer.count` next bytes into `buffer`.
    /// - Returns: the number of bytes copied; 0 at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A byte source over an array, handing out at most `chunkSize` bytes per read (to test chunk edges).
public struct InMemoryByteSource: ByteSource, Sendable {
    public let bytes: [UInt8]
    public var position: Int
    public let chunkSize: Int

    /// Creates a source over `bytes`, starting at `position`.
    public init(_ bytes: [UInt8], position: Int = 0, chunkSize: Int = 1 << 16) {
        self.bytes = bytes
        self.position = position
        self.chunkSize = max(1, chunkSize)
    }

    /// Creates a source over the UTF-8 of `text`.
    public init(_ text: String, position: Int = 0, chunkSize: Int = 1 << 16) {
        self.init(Array(text.utf8), position: position, chunkSize: chunkSize)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, chunkSize, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
