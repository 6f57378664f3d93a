import OrdreconCore
import Synchronization

/// Whether this daemon leads ingestion or stands by, as the ingest worker last found out, for
/// `/healthz` and the `ordrecon_ingest_leader` gauge. On SQLite the daemon always leads (its
/// workspace lock keeps any other out); on PostgreSQL the ingest lock decides, and a standby
/// asks again every ``IngestRole/standbyRetrySeconds``.
public final class IngestRole: Sendable {
    /// How often a standby asks for the ingest lock: a leader that died is replaced within about
    /// this long after the server noticed its session end.
    static let standbyRetrySeconds = 1.0

    private let state = Mutex<Bool?>(nil)

    public init() {}

    /// True: leads; false: stands by; nil: not known yet (the worker has not asked).
    public var leads: Bool? { state.withLock { $0 } }

    /// Records what the worker found. - Returns: whether that changed the role.
    @discardableResult
    func set(_ leads: Bool) -> Bool {
        state.withLock { current in
            defer { current = leads }
            return current != leads
        }
    }
}
