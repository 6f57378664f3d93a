#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on the workspace (flock on a lock file), held for the life of a run or daemon.
public final class WorkspaceLock {
    /// Another process holds the lock.
    public struct Held: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var holder: String?

        public var description: String {
            "another ordrecon instance\(holder.map { " (\($0))" } ?? "") holds the workspace lock \(path); try again when it has finished"
        }
    }

    private let fd: Int32
    public let path: String

    /// Takes the lock without waiting.
    /// - Throws: ``Held`` when another process has it, `FileSystemError` when the file cannot be opened.
    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(operation: "open lock file", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            var holder: String?
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                holder = String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: "\n ")
            }
            close(fd)
            if e == EWOULDBLOCK { throw Held(path: path, holder: holder) }
            throw FileSystemError(operation: "lock", path: path, errno: e)
        }
        self.fd = fd
        self.path = path
        let note = "pid \(getpid())\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
