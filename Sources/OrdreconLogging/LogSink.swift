import Foundation
import Synchronization

/// Where a ``StructuredLogHandler`` puts its lines.
///
/// A sink receives complete lines, one per log call, and must write each one whole: lines
/// written from several threads at once must never interleave.
public protocol LogSink: Sendable {
    /// Writes one line.
    /// - Parameter line: the rendered line, without a trailing newline; it contains no newline.
    func write(line: String)
}

/// Writes each line, with its newline, to a file descriptor with a single `write(2)`.
///
/// One `write(2)` per line keeps lines from different threads (and, up to `PIPE_BUF` bytes
/// on a pipe, from different processes) whole. A lock held around the call also covers the
/// rare partial write (a signal, a very long line), so that within this process the rest of a
/// line always follows its start. Lines that cannot be written (closed descriptor, `EAGAIN`)
/// are dropped: logging never fails the caller.
public struct FileDescriptorLogSink: LogSink {
    /// Standard error (descriptor 2), the default sink.
    public static let standardError = FileDescriptorLogSink(fileDescriptor: 2)

    /// Standard output (descriptor 1).
    public static let standardOutput = FileDescriptorLogSink(fileDescriptor: 1)

    /// The descriptor written to; not owned (never closed) by the sink.
    public let fileDescriptor: Int32
    private let lock: WriteLock

    /// Creates a sink writing to an open descriptor, which the caller keeps open.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        self.lock = WriteLock.forDescriptor(fileDescriptor)
    }

    public func write(line: String) {
        let text = line + "\n"
        let fd = fileDescriptor
        // A line that cannot be written is dropped: logging never fails the caller.
        lock.withLock { _ = DescriptorOutput.writeAll(text, to: fd) }
    }
}

/// One lock per descriptor number, shared by every sink writing to it. Checked `Sendable`: a
/// `Mutex` with nothing in it but the right to write.
private final class WriteLock: Sendable {
    private let lock = Mutex(())

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }

    private static let registry = Mutex<[Int32: WriteLock]>([:])

    /// The lock for `fd`.
    static func forDescriptor(_ fd: Int32) -> WriteLock {
        registry.withLock { registry in
            if let existing = registry[fd] { return existing }
            let created = WriteLock()
            registry[fd] = created
            return created
        }
    }
}

/// Keeps lines in memory, for tests. Checked `Sendable`: the lines live in a `Mutex`.
public final class MemoryLogSink: LogSink, Sendable {
    private let stored = Mutex<[String]>([])

    /// Creates an empty sink.
    public init() {}

    public func write(line: String) {
        stored.withLock { $0.append(line) }
    }

    /// Every line written so far, oldest first, without newlines.
    public var lines: [String] { stored.withLock { $0 } }

    /// Forgets the lines written so far.
    public func removeAll() {
        stored.withLock { $0.removeAll() }
    }
}
