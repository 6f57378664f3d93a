import OrdreconLogging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file being written through a 1 MiB buffer; closing it sets its modification time.
final class FileSink {
    let path: String
    private let fd: Int32
    /// Bytes not yet written; renderers append here and call ``flushIfNeeded()``.
    var buffer: [UInt8] = []
    private static let flushSize = 1 << 20

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WorkloadError(description: "cannot create \(path): errno \(errno)") }
        buffer.reserveCapacity(FileSink.flushSize + 64 * 1024)
    }

    @inline(__always)
    func flushIfNeeded() throws {
        if buffer.count >= FileSink.flushSize { try flush() }
    }

    func flush() throws {
        if let failure = DescriptorOutput.writeAll(buffer, to: fd) {
            throw WorkloadError(description: "cannot write \(path): errno \(failure)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left, sets the modification (and access) time to `mtime` seconds, closes.
    func close(mtime: Int64) throws {
        try flush()
        var times = [
            timespec(tv_sec: Int(mtime), tv_nsec: 0),
            timespec(tv_sec: Int(mtime), tv_nsec: 0),
        ]
        let status = futimens(fd, &times)
        let closed = closeFile(fd)
        guard status == 0, closed == 0 else {
            throw WorkloadError(description: "cannot finish \(path): errno \(errno)")
        }
    }
}

/// Renames the closed file at `from` to `to` and sets its modification (and access) time to `mtime` seconds.
func finishFile(from: String, to: String, mtime: Int64) throws {
    guard rename(from, to) == 0 else {
        throw WorkloadError(description: "cannot rename \(from) to \(to): errno \(errno)")
    }
    var times = [
        timespec(tv_sec: Int(mtime), tv_nsec: 0),
        timespec(tv_sec: Int(mtime), tv_nsec: 0),
    ]
    guard utimensat(AT_FDCWD, to, &times, 0) == 0 else {
        throw WorkloadError(description: "cannot set the time of \(to): errno \(errno)")
    }
}

@inline(__always)
private func closeFile(_ fd: Int32) -> Int32 {
    close(fd)
}
