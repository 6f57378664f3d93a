import OrdreconCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file through its descriptor, from a given offset.
final class FileByteSource: ByteSource {
    private let fd: Int32
    let path: String
    /// Bytes handed out so far plus the starting offset.
    private(set) var position: Int64

    /// Opens `path` for reading, positioned at `offset`.
    ///
    /// Only a regular file is opened: a symbolic link is not followed (`O_NOFOLLOW`), and a FIFO
    /// or device is never waited on (`O_NONBLOCK`, then checked with `fstat` and closed), so
    /// nothing a partner links or swaps in can make ordrecon read outside the workspace or hang.
    init(path: String, offset: Int64 = 0) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            throw FileSystemError(
                operation: e == ELOOP ? "open (a symbolic link, not followed)" : "open", path: path, errno: e)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileSystemError(operation: "open (not a regular file)", path: path, errno: EINVAL)
        }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) < 0 {
            let e = errno
            close(fd)
            throw FileSystemError(operation: "seek in", path: path, errno: e)
        }
        self.fd = fd
        self.path = path
        self.position = offset
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
    }

    /// The file's size now (it may have grown since it was opened, if a writer still has it).
    var currentSize: Int64? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }

    /// The file's modification time now, in nanoseconds since the epoch.
    var currentModificationTime: Int64? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }

    /// Whether another process may still write to the file: asked through a read lease, which
    /// the kernel grants only while nobody has the file open for writing. Nil when leases cannot
    /// tell (the file belongs to another user and ordrecon lacks CAP_LEASE, or the file system
    /// has no leases, as NFS).
    var hasWriters: Bool? {
        let setLease: Int32 = 1024  // F_SETLEASE (a GNU extension the Glibc module leaves out)
        if fcntl(fd, setLease, Int32(F_RDLCK)) == 0 {
            _ = fcntl(fd, setLease, Int32(F_UNLCK))
            return false
        }
        return errno == EAGAIN ? true : nil
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                position += Int64(n)
                return n
            }
            if errno != EINTR { throw FileSystemError(operation: "read", path: path, errno: errno) }
        }
    }
}

/// A value-type handle over a shared ``FileByteSource`` (the parsers take sources by value).
struct FileSource: ByteSource {
    let file: FileByteSource

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try file.read(into: buffer)
    }
}
