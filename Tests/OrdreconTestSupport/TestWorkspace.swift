public import Foundation
import CSQLite

/// A throw-away ordrecon workspace in a temporary folder (removed by ``remove()``), with the
/// default configuration, helpers to drop feed files, run the built binary and query the database.
public final class TestWorkspace {
    public let root: String

    /// Creates a workspace with `config/ordrecon.toml` holding `config` (the defaults when nil).
    public init(config: String? = nil) throws {
        root = NSTemporaryDirectory() + "ordrecon-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        try (config ?? TestWorkspace.defaultConfig).write(toFile: root + "/config/ordrecon.toml", atomically: true, encoding: .utf8)
    }

    /// The repository's own `config/ordrecon.toml` (the defaults), with the gateway pointed at
    /// ``closedPort`` instead of 127.0.0.1:8099: another program on this machine listening on
    /// 8099 (a sample run's mock gateway, say) must not take a test's refunds.
    public static var defaultConfig: String {
        repositoryConfig.replacingOccurrences(
            of: "base_url = \"http://127.0.0.1:8099\"", with: "base_url = \"http://127.0.0.1:\(closedPort)\"")
    }

    /// The repository's own `config/ordrecon.toml`, exactly as it is.
    public static var repositoryConfig: String {
        (try? String(contentsOfFile: repositoryRoot + "/config/ordrecon.toml", encoding: .utf8)) ?? ""
    }

    /// A TCP port on 127.0.0.1 that this process holds bound without listening, so a connection
    /// to it is refused at once for as long as the tests run (nobody else can bind it).
    public static let closedPort: Int = {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))  // the socket stays open: the port stays taken
    }()

    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

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
            TestWorkspace.dropCounter += 1
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000 + Double(TestWorkspace.dropCounter))], ofItemAtPath: partial)
        }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }

    nonisolated(unsafe) static var dropCounter = 1000

    /// The result of running the binary.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The process was still running at the time limit and was killed.
        public var timedOut = false
    }

    /// Runs `ordrecon` like ``run(_:environment:)``, but kills it (SIGKILL) when it is still
    /// running after `timeout` seconds, and says so in the result: a hang fails a test instead
    /// of hanging the suite.
    public func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double) throws -> Result {
        let process = try start(arguments, environment: environment)
        let killed = KillSwitch()
        let pid = process.process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if killed.arm() { kill(pid, SIGKILL) }
        }
        let errorReader = PipeReader(process.standardErrorPipe)
        let out = process.standardOutputPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errorReader.finish()
        process.process.waitUntilExit()
        let timedOut = !killed.disarm()
        return Result(
            status: process.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self), timedOut: timedOut)
    }

    /// Runs `ordrecon` with `arguments` in the workspace folder and waits for it.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, environment: environment)
        // Both pipes are drained at once: a child whose stderr fills the pipe (64 KiB of log
        // lines) while we read only stdout would block forever.
        let errorReader = PipeReader(process.standardErrorPipe)
        let out = process.standardOutputPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errorReader.finish()
        process.process.waitUntilExit()
        return Result(status: process.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// A started `ordrecon` process.
    public struct Running {
        public let process: Process
        public let standardOutputPipe: Pipe
        public let standardErrorPipe: Pipe
    }

    /// Starts `ordrecon` without waiting (for kill tests).
    public func start(_ arguments: [String], environment: [String: String] = [:], discardOutput: Bool = false) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestWorkspace.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        if discardOutput {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        } else {
            process.standardOutput = out
            process.standardError = err
        }
        try process.run()
        return Running(process: process, standardOutputPipe: out, standardErrorPipe: err)
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

    /// Runs a query on the workspace database; each row as text values (NULL as nil).
    public func query(_ sql: String) throws -> [[String?]] {
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

/// Reads a pipe to its end on a thread of its own.
///
/// `@unchecked Sendable`: `data` is written by the reading thread before `done` is signalled
/// and read only after waiting for it.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    /// Waits for the end of the pipe. - Returns: everything read.
    func finish() -> Data {
        done.wait()
        return data
    }
}

/// Decides once between "the process ended in time" and "the time limit struck".
///
/// `@unchecked Sendable`: its one flag is read and written under `lock`.
final class KillSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var decided = false
    private var struck = false

    /// The timer's side: true when the process had not ended yet (it is to be killed).
    func arm() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if decided { return false }
        decided = true
        struck = true
        return true
    }

    /// The waiter's side: true when the process ended before the time limit.
    func disarm() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if decided { return !struck }
        decided = true
        return true
    }
}
