import Synchronization

/// Writing metrics as a `.prom` file for node_exporter's textfile collector, which must never see
/// half a file. The metrics themselves are text made by OrdreconMetrics (which writes no files);
/// this is where that text reaches the disk, through the program's one write-then-rename.
public enum MetricsTextfile {
    /// Only one textfile write at a time (writes to the same path share the temporary name).
    private static let writing = Mutex(())

    /// Writes `text` to `path` with ``AtomicFile`` (synced): into `.<name>.tmp` in the same folder
    /// (a name the collector ignores), flushed to disk, then renamed over `path`, and the folder
    /// flushed.
    /// - Throws: ``TextfileError`` when the name does not end in `.prom` or a system call fails;
    ///   the temporary file is then removed and `path` left as it was.
    public static func write(_ text: String, to path: String) throws(TextfileError) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard name.hasSuffix(".prom"), name.count > ".prom".count else {
            throw TextfileError(path: path, reason: .notPromFile)
        }
        try writing.withLock { _ throws(TextfileError) in
            do throws(FileSystemError) {
                try AtomicFile.write(text, to: path)
            } catch  where error.operation == AtomicFile.renameOperation {
                // Named as before: the temporary file that could not be put in place.
                throw TextfileError(
                    path: path,
                    reason: .system(
                        operation: "rename into place", file: AtomicFile.temporaryPath(for: path), errno: error.errno))
            } catch {
                throw TextfileError(
                    path: path, reason: .system(operation: error.operation, file: error.path, errno: error.errno))
            }
        }
    }
}
