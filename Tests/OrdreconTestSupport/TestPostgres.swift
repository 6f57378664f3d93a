import CPostgres
import Foundation
public import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away PostgreSQL cluster for this test process (`scripts/pg-cluster.sh`: initdb, a
/// free port on 127.0.0.1, stopped and removed when the process ends, even by kill -9), started
/// on first use, and a fresh database in it for each test that asks.
public enum TestPostgres {
    /// The cluster's port, or why there is none (PostgreSQL not installed, initdb failed).
    private static let cluster: Result<UInt16, TestError> = startCluster()

    private static func startCluster() -> Result<UInt16, TestError> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/pg-cluster.sh").path
        let directory = NSTemporaryDirectory() + "ordrecon-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            var spawn = Spawn()
            let output = try spawn.pipe(to: STDOUT_FILENO)
            let errors = try spawn.pipe(to: STDERR_FILENO)
            spawn.openNull(as: STDIN_FILENO)
            let pid = try spawn.run(
                "/bin/bash", arguments: [script, directory, String(getpid())],
                environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], directory: nil, blockedSignals: [])
            spawn.closeChildEnds()
            let text = readAll(output)
            let errorText = readAll(errors)
            close(output)
            close(errors)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            guard let port = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return .failure(TestError("no PostgreSQL cluster for the tests: \(errorText)\(text)"))
            }
            return .success(port)
        } catch {
            return .failure(TestError("no PostgreSQL cluster for the tests: \(error)"))
        }
    }

    private static func readAll(_ descriptor: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The cluster's port (starting the cluster on first use).
    public static func port() throws -> UInt16 { try cluster.get() }

    /// A new, empty database in the cluster, for one test.
    public static func newDatabase() throws -> PostgresURL {
        let port = try port()
        let name = "t_\(UInt64.random(in: 0...UInt64.max))"
        try execute("CREATE DATABASE \(name)", in: try PostgresURL("postgresql://ordrecon@127.0.0.1:\(port)/postgres"))
        return try PostgresURL("postgresql://ordrecon@127.0.0.1:\(port)/\(name)")
    }

    /// Runs `sql` (one or more statements) in the database at `url`.
    public static func execute(_ sql: String, in url: PostgresURL) throws {
        _ = try rows(sql, in: url)
    }

    /// The rows of `sql` in the database at `url`, each value as text (NULL as nil).
    public static func rows(_ sql: String, in url: PostgresURL) throws -> [[String?]] {
        guard let connection = PQconnectdb(url.conninfo) else { throw TestError("cannot connect to \(url)") }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw TestError("cannot connect to \(url): \(String(cString: PQerrorMessage(connection)))")
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw TestError("\(sql.prefix(200)): \(String(cString: PQresultErrorMessage(result)))")
        }
        var rows: [[String?]] = []
        for row in 0..<PQntuples(result) {
            rows.append(
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) != 0 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return rows
    }
}
