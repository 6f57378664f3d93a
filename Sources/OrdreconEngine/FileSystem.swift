#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file system failure, naming the operation and the path.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Int32

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// What `stat` tells about a file.
struct FileInfo: Sendable, Hashable {
    var size: Int64
    var mtimeNanoseconds: Int64
    var inode: Int64
    var isRegularFile: Bool
    var isDirectory: Bool
}

/// Thin, throwing wrappers over the POSIX calls the engine needs.
enum FileSystem {
    static func info(_ path: String) -> FileInfo? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let type = st.st_mode & S_IFMT
        return FileInfo(
            size: Int64(st.st_size), mtimeNanoseconds: mtime, inode: Int64(bitPattern: UInt64(st.st_ino)),
            isRegularFile: type == S_IFREG, isDirectory: type == S_IFDIR)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Creates a directory and its parents (like `mkdir -p`).
    static func makeDirectories(_ path: String) throws(FileSystemError) {
        if info(path)?.isDirectory == true { return }
        let parent = parentDirectory(of: path)
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw FileSystemError(operation: "create directory", path: path, errno: errno)
        }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Names in a directory (without `.` and `..`).
    static func list(_ directory: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(directory) else {
            throw FileSystemError(operation: "read directory", path: directory, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Renames, replacing nothing: fails with EEXIST when `destination` exists.
    /// Falls back to copy-then-delete across file systems.
    static func moveNoReplace(_ source: String, to destination: String) throws(FileSystemError) {
        if link(source, destination) == 0 {
            unlink(source)
            return
        }
        let linkError = errno
        if linkError == EEXIST { throw FileSystemError(operation: "move to", path: destination, errno: EEXIST) }
        if linkError == EXDEV || linkError == EPERM || linkError == ENOTSUP {
            let temporary = parentDirectory(of: destination) + "/.ordrecon-copy-" + fileName(of: destination)
            try copy(source, to: temporary)
            if link(temporary, destination) != 0 {
                let e = errno
                unlink(temporary)
                throw FileSystemError(operation: "move to", path: destination, errno: e)
            }
            unlink(temporary)
            unlink(source)
            return
        }
        throw FileSystemError(operation: "move to", path: destination, errno: linkError)
    }

    /// Copies a file's bytes and modification time, then syncs the copy.
    static func copy(_ source: String, to destination: String) throws(FileSystemError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileSystemError(operation: "open", path: source, errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw FileSystemError(operation: "create", path: destination, errno: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 { throw FileSystemError(operation: "read", path: source, errno: errno) }
            if count == 0 { break }
            try writeAll(output, buffer, count: count, path: destination)
        }
        fsync(output)
        var st = stat()
        if fstat(input, &st) == 0 {
            var times = [st.st_atim, st.st_mtim]
            futimens(output, &times)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int, path: String) throws(FileSystemError) {
        var written = 0
        while written < count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(operation: "write", path: path, errno: errno)
            }
            written += n
        }
    }

    /// The file's bytes, or nil when it cannot be read.
    static func bytes(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: buffer[..<n])
        }
    }

    /// Writes `bytes` to a new file at `path` (replacing a leftover of the same name), without
    /// syncing: callers flush many files at once with ``syncFileSystem(of:)``.
    static func writeBytes(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(operation: "create", path: path, errno: errno) }
        defer { close(fd) }
        do {
            try writeAll(fd, bytes, count: bytes.count, path: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// The file's text, or nil when it cannot be read.
    static func contents(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Flushes everything written to the file system that holds `path` (one flush for many files).
    static func syncFileSystem(of path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = ordrecon_syncfs(fd)
        close(fd)
    }

    /// Writes `text` to `path` atomically: a temporary name in the same folder, then rename.
    /// - Parameter sync: fsync the file before the rename and the folder after it; callers that
    ///   write many files pass false and flush once with ``syncFileSystem(of:)``.
    static func writeAtomically(_ text: String, to path: String, sync: Bool = true) throws(FileSystemError) {
        let temporary = parentDirectory(of: path) + "/." + fileName(of: path) + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(operation: "create", path: temporary, errno: errno) }
        let bytes = Array(text.utf8)
        do {
            try writeAll(fd, bytes, count: bytes.count, path: temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        if sync { fsync(fd) }
        close(fd)
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw FileSystemError(operation: "rename into", path: path, errno: e)
        }
        if sync { syncDirectory(parentDirectory(of: path)) }
    }

    /// Flushes a directory's entries (after renames into it) to disk.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

/// glibc's `syncfs(2)`, which the Glibc module leaves out (it is a GNU extension).
@_silgen_name("syncfs")
private func ordrecon_syncfs(_ fd: Int32) -> Int32
