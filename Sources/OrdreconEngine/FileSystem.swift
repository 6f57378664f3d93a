import OrdreconLogging

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

/// What `lstat` tells about a directory entry (a symbolic link is described, never followed).
struct FileInfo: Sendable, Hashable {
    /// What kind of entry it is.
    enum Kind: String, Sendable {
        case regular = "a regular file"
        case directory = "a directory"
        case symbolicLink = "a symbolic link"
        case fifo = "a named pipe (FIFO)"
        case socket = "a socket"
        case device = "a device"
        case other = "not a regular file"
    }

    var size: Int64
    var mtimeNanoseconds: Int64
    var inode: Int64
    var kind: Kind

    var isRegularFile: Bool { kind == .regular }
    var isDirectory: Bool { kind == .directory }

    init(size: Int64, mtimeNanoseconds: Int64, inode: Int64, kind: Kind) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.kind = kind
    }

    init(_ st: stat) {
        size = Int64(st.st_size)
        mtimeNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        inode = Int64(bitPattern: UInt64(st.st_ino))
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        case S_IFCHR, S_IFBLK: kind = .device
        default: kind = .other
        }
    }
}

/// A path as the bytes the kernel takes (NUL-terminated), for names that are not UTF-8.
struct RawPath: Sendable, Hashable {
    var bytes: [CChar]

    init(_ path: String) {
        bytes = path.utf8CString.map { $0 }
    }

    /// `directory/name`, the name given as raw bytes.
    init(directory: String, name: [UInt8]) {
        bytes =
            Array(directory.utf8).map { CChar(bitPattern: $0) } + [CChar(bitPattern: UInt8(ascii: "/"))]
            + name.map { CChar(bitPattern: $0) } + [0]
    }

    func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try bytes.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The path for messages (bytes that are not UTF-8 written `\xNN`).
    var display: String { FileNames.display(bytes.dropLast().map { UInt8(bitPattern: $0) }) }
}

/// Thin, throwing wrappers over the POSIX calls the engine needs.
enum FileSystem {
    /// The entry at `path` (`lstat`: a symbolic link is described, not followed).
    static func info(_ path: String) -> FileInfo? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return FileInfo(st)
    }

    /// The entry at a raw path (`lstat`).
    static func info(_ path: RawPath) -> FileInfo? {
        var st = stat()
        guard path.withCString({ lstat($0, &st) }) == 0 else { return nil }
        return FileInfo(st)
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

    /// Names in a directory (without `.` and `..`), as UTF-8 text (lossy for other names).
    static func list(_ directory: String) throws(FileSystemError) -> [String] {
        try listRaw(directory).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Names in a directory (without `.` and `..`), as the bytes the file system holds.
    static func listRaw(_ directory: String) throws(FileSystemError) -> [[UInt8]] {
        guard let dir = opendir(directory) else {
            throw FileSystemError(operation: "read directory", path: directory, errno: errno)
        }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    Array(
                        UnsafeBufferPointer(
                            start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] { names.append(name) }
        }
        return names
    }

    /// Renames, replacing nothing: fails with EEXIST when `destination` exists. Works for any
    /// kind of entry (a symbolic link is moved itself, never followed). Falls back to
    /// copy-then-delete across file systems, for regular files only.
    static func moveNoReplace(_ source: String, to destination: String) throws(FileSystemError) {
        try moveNoReplace(RawPath(source), to: destination)
    }

    static func moveNoReplace(_ source: RawPath, to destination: String) throws(FileSystemError) {
        let renamed = source.withCString { glibcRenameat2(AT_FDCWD, $0, AT_FDCWD, destination, renameNoReplace) }
        if renamed == 0 { return }
        let renameError = errno
        switch renameError {
        case EINVAL, ENOSYS, ENOTSUP:
            // A file system without RENAME_NOREPLACE: a hard link never replaces either.
            if source.withCString({ link($0, destination) }) == 0 {
                _ = source.withCString { unlink($0) }
                return
            }
            throw FileSystemError(operation: "move to", path: destination, errno: errno)
        case EXDEV:
            guard let info = info(source), info.isRegularFile else {
                throw FileSystemError(operation: "move to", path: destination, errno: EXDEV)
            }
            let temporary =
                parentDirectory(of: destination) + "/" + FileNames.fitted(".ordrecon-copy-" + fileName(of: destination))
            try copy(source, to: temporary)
            if link(temporary, destination) != 0 {
                let e = errno
                unlink(temporary)
                throw FileSystemError(operation: "move to", path: destination, errno: e)
            }
            unlink(temporary)
            _ = source.withCString { unlink($0) }
        default:
            throw FileSystemError(operation: "move to", path: destination, errno: renameError)
        }
    }

    /// Copies a file's bytes and modification time, then syncs the copy.
    static func copy(_ source: RawPath, to destination: String) throws(FileSystemError) {
        let input = source.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
        guard input >= 0 else { throw FileSystemError(operation: "open", path: source.display, errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw FileSystemError(operation: "create", path: destination, errno: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 { throw FileSystemError(operation: "read", path: source.display, errno: errno) }
            if count == 0 { break }
            if let code = buffer.withUnsafeBytes({
                DescriptorOutput.writeAll(UnsafeRawBufferPointer(rebasing: $0[..<count]), to: output)
            }) {
                throw FileSystemError(operation: "write", path: destination, errno: code)
            }
        }
        fsync(output)
        var st = stat()
        if fstat(input, &st) == 0 {
            var times = [st.st_atim, st.st_mtim]
            futimens(output, &times)
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
        _ = glibcSyncfs(fd)
        close(fd)
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

/// `renameat2(2)` flag: fail with EEXIST instead of replacing the target.
private let renameNoReplace: UInt32 = 1

/// glibc's `renameat2(2)`, which the Glibc module leaves out (it is a GNU extension).
@_silgen_name("renameat2")
private func glibcRenameat2(
    _ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32, _ newpath: UnsafePointer<CChar>,
    _ flags: UInt32
) -> Int32

/// glibc's `syncfs(2)`, which the Glibc module leaves out (it is a GNU extension).
@_silgen_name("syncfs")
private func glibcSyncfs(_ fd: Int32) -> Int32
