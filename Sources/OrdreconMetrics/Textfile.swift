#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a `.prom` file for node_exporter's textfile collector, which must never see half a file.
enum Textfile {
    /// Writes `text` to `path` atomically: into `.<name>.tmp` in the same folder (a name the
    /// collector ignores), flushed to disk, then renamed over `path`, and the folder flushed.
    /// - Throws: ``TextfileError`` when the name does not end in `.prom` or a system call fails;
    ///   the temporary file is then removed and `path` left as it was.
    static func publish(_ text: String, to path: String) throws(TextfileError) {
        let (directory, name) = split(path)
        guard name.hasSuffix(".prom"), name.count > ".prom".count else {
            throw TextfileError(path: path, reason: .notPromFile)
        }
        let temporary = (directory.hasSuffix("/") ? directory : directory + "/") + "." + name + ".tmp"
        func failure(_ operation: String, _ file: String, _ code: Int32) -> TextfileError {
            TextfileError(path: path, reason: .system(operation: operation, file: file, errno: code))
        }

        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create", temporary, errno) }
        do throws(TextfileError) {
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", temporary, errno)
                }
                written += n
            }
            guard fsync(fd) == 0 else { throw failure("fsync", temporary, errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        // close can report a write that failed late (e.g. on NFS).
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure("close", temporary, code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure("rename into place", temporary, code)
        }
        // Make the rename itself durable; the new file is complete whether or not this succeeds.
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// The folder holding `path` ("." for a bare name, "/" at the root) and the file's name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
