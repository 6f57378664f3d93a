import OrdreconLogging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files written whole under their final name: whoever reads them (a partner, node_exporter, a
/// person, the next run) finds the old file or the new one, never a part of one. The program's
/// one write-then-rename: refund request files, rejection files, `.reason` files, run reports,
/// invoice PDFs and the metrics textfile all go through it.
///
/// The bytes go to a temporary name in the same folder (``temporaryPath(for:)``: `.<name>.tmp`,
/// fitted to 255 bytes like every name ordrecon derives), which then takes the final name in
/// one `rename` (or a link that never replaces). Whatever fails, the temporary file is removed
/// and the final name keeps what it had.
public enum AtomicFile {
    /// When the new file reaches the disk.
    public enum Durability: Sendable {
        /// Before `write` returns: the file is flushed (`fsync`) before it takes its name, and
        /// the folder (the rename) after.
        case synced
        /// When the caller flushes the file system (``FileSystem/syncFileSystem(of:)``), once
        /// for many files.
        case deferred
    }

    /// What happens to a file already at the final name.
    public enum Placement: Sendable {
        /// It is replaced.
        case replace
        /// It stays: the write fails with `EEXIST` (operation `move to`).
        case keepExisting
    }

    /// The operation a ``FileSystemError`` names when the temporary file could not take the
    /// final name (with ``Placement/replace``); its path is then the final one.
    public static let renameOperation = "rename into"

    /// Writes `bytes` as the file at `path`.
    /// - Throws: ``FileSystemError`` naming the step that failed: `create`, `write`, `fsync` or
    ///   `close` (with the temporary path), ``renameOperation`` or `move to` (with `path`).
    public static func write(
        _ bytes: [UInt8], to path: String, durability: Durability = .synced, placement: Placement = .replace
    ) throws(FileSystemError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(operation: "create", path: temporary, errno: errno) }
        var failure: FileSystemError?
        if let code = bytes.withUnsafeBytes({ DescriptorOutput.writeAll($0, to: fd) }) {
            failure = FileSystemError(operation: "write", path: temporary, errno: code)
        } else if durability == .synced && fsync(fd) != 0 {
            failure = FileSystemError(operation: "fsync", path: temporary, errno: errno)
        }
        // close can report a write that failed late (e.g. on NFS).
        if close(fd) != 0 && failure == nil {
            failure = FileSystemError(operation: "close", path: temporary, errno: errno)
        }
        if failure == nil {
            switch placement {
            case .replace:
                if rename(temporary, path) != 0 {
                    failure = FileSystemError(operation: renameOperation, path: path, errno: errno)
                }
            case .keepExisting:
                do {
                    try FileSystem.moveNoReplace(temporary, to: path)
                } catch {
                    failure = error
                }
            }
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        // Make the new name itself durable; the file is complete whether or not this succeeds.
        if durability == .synced { FileSystem.syncDirectory(folder(of: path)) }
    }

    /// Writes `text` (UTF-8) as the file at `path` (see ``write(_:to:durability:placement:)``).
    public static func write(
        _ text: String, to path: String, durability: Durability = .synced, placement: Placement = .replace
    ) throws(FileSystemError) {
        try write(Array(text.utf8), to: path, durability: durability, placement: placement)
    }

    /// Where the bytes for `path` are written first: `.<name>.tmp` in the same folder, fitted
    /// to a file system's 255 bytes (``FileNames/fitted(_:suffix:)``).
    public static func temporaryPath(for path: String) -> String {
        let directory = folder(of: path)
        let name = FileNames.fitted("." + FileSystem.fileName(of: path), suffix: ".tmp")
        return (directory.hasSuffix("/") ? directory : directory + "/") + name
    }

    /// The folder holding `path`: "." for a bare name.
    private static func folder(of path: String) -> String {
        let parent = FileSystem.parentDirectory(of: path)
        return parent.isEmpty ? "." : parent
    }
}
