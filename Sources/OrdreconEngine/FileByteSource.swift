#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OrdreconCore

/// Reads a file through its descriptor, from a given offset.
final class FileByteSource: ByteSource {
    private let fd: Int32
    let path: String
    /// Bytes handed out so far plus the starting offset.
    private(set) var position: Int64

    /// Opens `path` for reading, positioned at `offset`.
    init(path: String, offset: Int64 = 0) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(operation: "open", path: path, errno: errno) }
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
