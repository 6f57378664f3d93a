import CSQLite
public import Foundation
public import OrdreconCore
import Synchronization

/// A throw-away ordrecon workspace in a temporary folder (removed by ``remove()``), with the
/// default configuration, helpers to drop feed files, run the built binary and query the database.
public final class TestWorkspace: Sendable {
    public let root: String
    /// The store its configuration names.
    public let backend: StoreBackend
    /// The PostgreSQL database (`[store] url`) when ``backend`` is `.postgres`: a new, empty
    /// one in this process's cluster (``TestPostgres``), gone with the cluster.
    public let url: PostgresURL?

    /// Creates a workspace with `config/ordrecon.toml` holding `config` (the defaults when nil);
    /// on `.postgres`, with `[store] url` set to a new database (``withStoreURL(_:in:)``).
    public init(config: String? = nil, store backend: StoreBackend = .sqlite) throws {
        root = NSTemporaryDirectory() + "ordrecon-test-" + UUID().uuidString
        self.backend = backend
        var text = config ?? TestWorkspace.defaultConfig
        switch backend {
        case .sqlite:
            url = nil
        case .postgres:
            let database = try TestPostgres.newDatabase()
            url = database
            text = TestWorkspace.withStoreURL(database.text, in: text)
        }
        try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        try text.write(toFile: root + "/config/ordrecon.toml", atomically: true, encoding: .utf8)
    }

    /// `config` with `[store] url` set to `url`: the default file's `url = ""` line replaced, or a
    /// `[store]` table added when there is none. It stops the test process when the file has a
    /// `[store]` table without that line, rather than run on a store the test did not ask for.
    public static func withStoreURL(_ url: String, in config: String) -> String {
        let line = urlLine(url)
        var lines = config.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(of: urlLine("")) {
            lines[index] = line
            return lines.joined(separator: "\n")
        }
        precondition(!lines.contains("[store]"), "the configuration has a [store] table without `url = \"\"`")
        return config + (config.hasSuffix("\n") || config.isEmpty ? "" : "\n") + "\n[store]\n" + line + "\n"
    }

    /// `url = "<value>"`, as TOML writes it (the URLs tests use hold no quotes or backslashes).
    private static func urlLine(_ value: String) -> String {
        precondition(!value.contains("\"") && !value.contains("\\"), "a store URL with quotes: \(value)")
        return "url = \"\(value)\""
    }

    /// The repository's own `config/ordrecon.toml` (the defaults), with the gateway pointed at
    /// ``closedPort`` instead of 127.0.0.1:8099: another program on this machine listening on
    /// 8099 (a sample run's mock gateway, say) must not take a test's refunds.
    public static var defaultConfig: String {
        repositoryConfig.replacingOccurrences(
            of: "base_url = \"http://127.0.0.1:8099\"", with: "base_url = \"http://127.0.0.1:\(closedPort)\"")
    }

    /// ``defaultConfig`` with `[engine] batch_size` set to `events`. It stops the test process
    /// when the default line is not found, so a changed default cannot leave a test running with
    /// batches other than the ones it was written for.
    public static func defaultConfig(batchSize events: Int) -> String {
        let line = "batch_size = \(Configuration.defaultBatchSize)\n"
        let config = defaultConfig
        precondition(config.contains(line), "config/ordrecon.toml has no line `\(line)`")
        return config.replacingOccurrences(of: line, with: "batch_size = \(events)\n")
    }

    /// The repository's own `config/ordrecon.toml`, exactly as it is.
    public static var repositoryConfig: String {
        (try? String(contentsOfFile: repositoryRoot + "/config/ordrecon.toml", encoding: .utf8)) ?? ""
    }

    /// A TCP port on 127.0.0.1 that this process holds bound without listening, so a connection
    /// to it is refused at once for as long as the tests run (nobody else can bind it).
    public static let closedPort: Int = {
        // The socket stays open (never listening): the port stays taken. A test process that
        // cannot bind on 127.0.0.1 has no use for a port anyway; 1 is refused as well.
        guard let (_, port) = try? LoopbackSocket.bound() else { return 1 }
        return Int(port)
    }()

    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The SQLite database file at its default place (on PostgreSQL, where the lock and
    /// `processing/` still live beside).
    public var database: String { root + "/var/ordrecon.sqlite" }

    /// Writes a file into `inbox/<feed>/` the way partners do (temporary name, then rename),
    /// with the given modification time offset (seconds after a fixed base) to fix the order.
    @discardableResult
    public func drop(_ feed: String, _ name: String, _ content: String, order: Int? = nil) throws -> String {
        try drop(feed, name, Data(content.utf8), order: order)
    }

    @discardableResult
    public func drop(_ feed: String, _ name: String, _ data: Data, order: Int? = nil) throws -> String {
        let directory = root + "/inbox/" + feed
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let partial = directory + "/" + name + ".part"
        try data.write(to: URL(fileURLWithPath: partial))
        let path = directory + "/" + name
        if let order {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000 + Double(order))], ofItemAtPath: partial)
        } else {
            let next = TestWorkspace.dropCounter.wrappingAdd(1, ordering: .relaxed).newValue
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000 + Double(next))], ofItemAtPath: partial)
        }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }

    /// Modification times for drops without an order: increasing across all tests at once.
    static let dropCounter = Atomic<Int>(1000)

    /// The result of running a program.
    public struct Result: Sendable {
        /// The exit status, or the signal that ended it (see `signalled`).
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The process was still running at the time limit and was killed.
        public var timedOut = false
        /// A signal ended it; `status` is the signal.
        public var signalled = false

        public init(status: Int32, stdout: String, stderr: String, timedOut: Bool = false, signalled: Bool = false) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
            self.timedOut = timedOut
            self.signalled = signalled
        }
    }

    /// Runs the `ordrecon` command line `arguments` for this workspace in this process (through
    /// ``CommandLineApp``, on a thread of its own, with the test process's environment plus
    /// `environment`), and returns its exit status and output as the program would give them.
    /// `watch` and `mock-gateway`, which live until a signal, run as a process (``runProcess``).
    /// When it still runs after `timeout`, it is asked to stop (as by SIGTERM) and the result
    /// says it timed out: a hang fails a test instead of hanging the suite.
    public func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(300)
    ) async throws -> Result {
        if let command = arguments.first, ["watch", "mock-gateway"].contains(command) {
            return try await runProcess(arguments, environment: environment, timeout: timeout)
        }
        return await InProcessRun.run(
            arguments, directory: root, environment: environment, timeout: timeout)
    }

    /// Runs the built `ordrecon` binary with `arguments` in the workspace folder and waits for it
    /// without holding a thread; kills it (SIGKILL) when it still runs after `timeout`, and says
    /// so in the result. For what only a process shows (exit on a signal, kill -9, a
    /// terminal, memory); ``run(_:environment:timeout:)`` runs the same commands in process.
    public func runProcess(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(300)
    ) async throws -> Result {
        await (try start(arguments, environment: environment)).finish(timeout: timeout)
    }

    /// Starts `ordrecon` in the workspace folder without waiting for it.
    /// - Parameters:
    ///   - output: where its standard output and error go (kept in memory unless discarded).
    ///   - blockedSignals: signals blocked in it from the start (see ``ChildProcess``).
    ///   - removing: environment variables to leave out (`ORDRECON_LOG_LEVEL`, say).
    public func start(
        _ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
        output: ChildProcess.Output = .separate, blockedSignals: [Int32] = []
    ) throws -> ChildProcess {
        try ChildProcess(
            executable: TestWorkspace.binary, arguments: arguments, environment: environment, removing: removing,
            directory: root, output: output, blockedSignals: blockedSignals)
    }

    /// The built `ordrecon` executable beside the test bundle (`ORDRECON_BINARY` overrides).
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["ORDRECON_BINARY"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ordrecon").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repositoryRoot + "/.build/debug/ordrecon"
    }

    /// The rows of `sql` in the workspace's store (the SQLite file, read only, or the PostgreSQL
    /// database), each value as text (NULL as nil). Write SQL both understand to run on both.
    public func rows(_ sql: String) throws -> [[String?]] {
        if let url { return try TestPostgres.rows(sql, in: url) }
        return try sqliteRows(sql)
    }

    /// Runs a query on the workspace's store; each row as text values (NULL as nil). The same
    /// as ``rows(_:)``.
    public func query(_ sql: String) throws -> [[String?]] { try rows(sql) }

    private func sqliteRows(_ sql: String) throws -> [[String?]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(database, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw TestError("cannot open \(database)")
        }
        defer { sqlite3_close_v2(db) }
        // ordrecon may be writing meanwhile: wait for it, as its own readers do.
        sqlite3_busy_timeout(db, 10_000)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw TestError("bad query: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String?]] = []
        var rc = sqlite3_step(statement)
        while rc == SQLITE_ROW {
            var row: [String?] = []
            for column in 0..<sqlite3_column_count(statement) {
                row.append(sqlite3_column_text(statement, column).map { String(cString: $0) })
            }
            rows.append(row)
            rc = sqlite3_step(statement)
        }
        // A query cut short (busy past the timeout) must not pass for a complete answer.
        guard rc == SQLITE_DONE else { throw TestError("query failed (\(rc)): \(String(cString: sqlite3_errmsg(db)))") }
        return rows
    }

    /// A single integer result.
    public func count(_ sql: String) throws -> Int {
        Int(try query(sql).first?.first??.description ?? "0") ?? -1
    }

    /// Names of the files in a workspace folder (relative to the root), sorted.
    public func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []).sorted()
    }

    public func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: root + "/" + relativePath, encoding: .utf8)
    }
}

public struct TestError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
