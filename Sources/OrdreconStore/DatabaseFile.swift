import CSQLite
public import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// What lies at a database path, found without opening it for writing: nothing is created or
/// changed (SQLite would create a missing file, and make a WAL and its index beside it).
public enum DatabaseFile {
    /// What the path holds: ``DatabaseState/missing``, ``DatabaseState/empty`` (a file of 0
    /// bytes, and no write-ahead log with content beside it), or an SQLite database at a schema
    /// version (`PRAGMA user_version`).
    public typealias State = DatabaseState

    /// The SQLite header's first 16 bytes.
    static let magic = Array("SQLite format 3\u{0}".utf8)

    /// Looks at the file at `path`.
    ///
    /// The schema version is read from the file's header, where SQLite keeps `user_version`
    /// (4 bytes, big-endian, at offset 60). When a write-ahead log with content lies beside it
    /// (an ordrecon was killed, or still runs), the header may be older than the log, so the
    /// version is asked of SQLite on a read-only connection, which uses that log and its index
    /// as they are (it creates the index, `-shm`, only if that was missing).
    ///
    /// - Throws: ``StoreError`` when the path cannot be read, is not a regular file, or does not
    ///   hold an SQLite database.
    public static func inspect(_ path: String) throws(StoreError) -> State {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT { return .missing }
            throw StoreError(
                code: SQLITE_CANTOPEN,
                message: "cannot look at the database \(path): \(String(cString: strerror(error)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw StoreError(code: SQLITE_CANTOPEN, message: "the database \(path) is not a regular file")
        }
        let logHasContent = size(of: path + "-wal").map { $0 > 0 } ?? false
        if info.st_size == 0 && !logHasContent { return .empty }
        if logHasContent { return .database(schemaVersion: try versionFromSQLite(path)) }
        let header = try readHeader(path)
        guard header.count == 100, Array(header.prefix(16)) == magic else {
            throw StoreError(
                code: SQLITE_NOTADB, message: "\(path) is not an SQLite database (or its first page is damaged)")
        }
        let version = header[60..<64].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return .database(schemaVersion: Int(Int32(bitPattern: version)))
    }

    /// The size of the file at `path`, nil when there is none.
    private static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Up to the first 100 bytes of the file (SQLite's database header).
    private static func readHeader(_ path: String) throws(StoreError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(
                code: SQLITE_CANTOPEN, message: "cannot read the database \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 100)
        var count = 0
        while count < header.count {
            let read = header.withUnsafeMutableBytes {
                Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count)
            }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { break }
            count += read
        }
        return Array(header.prefix(count))
    }

    /// `PRAGMA user_version` through a read-only connection.
    private static func versionFromSQLite(_ path: String) throws(StoreError) -> Int {
        let db = try SQLiteDatabase(path: path, readOnly: true)
        return Int(try db.scalarInt("PRAGMA user_version") ?? 0)
    }
}
