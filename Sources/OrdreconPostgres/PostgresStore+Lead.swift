import Glibc
public import OrdreconCore

/// The ingest lock: a session-level advisory lock, so that exactly one connection among every
/// process and node sharing the database ingests. The server lets it go when the session ends,
/// so a node that dies (kill -9, power loss once TCP notices) loses it, and a standby that asks
/// again takes over. Batches are written on the connection that holds it: a leader that lost
/// its connection lost the lock with it, and cannot commit another batch.
extension PostgresStore {
    /// The advisory lock's two keys: ordrecon's namespace, and the ingest lock within it.
    static let lockNamespace: Int32 = 0x6F72_6463  // "ordc"
    static let ingestLockKey: Int32 = 1

    /// Takes the ingest lock if it is free (the holder's transactions then plan without
    /// sequential scans, see ``begin(durable:)``).
    public func tryLeadIngest() throws(StoreError) -> Bool {
        if leadsIngest { return true }
        let s = try db.statement("SELECT pg_try_advisory_lock($1, $2)")
            .bind([Int(Self.lockNamespace), Int(Self.ingestLockKey)])
        guard try s.step() else { return false }
        leadsIngest = s.bool(0)
        return leadsIngest
    }

    public func releaseIngestLead() {
        guard leadsIngest else { return }
        leadsIngest = false
        _ = try? db.statement("SELECT pg_advisory_unlock($1, $2)")
            .bind([Int(Self.lockNamespace), Int(Self.ingestLockKey)]).step()
    }

    /// The holder's `application_name` (`ordrecon <host> pid <pid>`, see ``sessionName``) and
    /// address, as the server's views of locks and sessions show them.
    public func ingestLeader() throws(StoreError) -> String? {
        let s = try db.statement(
            """
            SELECT a.application_name, host(a.client_addr), a.pid = pg_backend_pid()
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        ).bind([Int(UInt32(bitPattern: Self.lockNamespace)), Int(Self.ingestLockKey)])
        guard try s.step() else { return nil }
        var holder = s.string(0).isEmpty ? "an unnamed session" : s.string(0)
        if let address = s.optionalString(1) { holder += " from \(address)" }
        if s.bool(2) { holder += " (this connection)" }
        return holder
    }

    /// How this connection names itself to the server (`pg_stat_activity.application_name`):
    /// the host and process, so that `/healthz` and a DBA can tell which node leads.
    static var sessionName: String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let named = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                gethostname($0, bytes.count - 1)
            }
        }
        let host = named == 0 ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "unknown-host"
        // application_name keeps printable ASCII only, and at most 63 bytes.
        let name = "ordrecon \(host) pid \(getpid())"
        return String(
            name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "'" && $0 != "\\" }.prefix(63))
    }
}
