import Logging
import OrdreconCore

extension DaemonContext {
    /// A worker's own connection. It never fails on a busy database: it waits, without end, while
    /// another connection holds the database (warning every 30 s), and gives up only when `stop`
    /// is raised (looked at every quarter of a second).
    func workerStore(stop: StopSignal, worker: String) throws(StoreError) -> any StateStore {
        let store = try stores.open()
        let logger = self.logger
        store.busyPolicy = BusyPolicy(
            limit: nil, sliceMilliseconds: 250, reportEvery: 30, shouldStop: { stop.isRaised },
            report: { waited, last in
                logger.warning(
                    "database busy for \(Int(waited)) s (another connection holds it); still waiting",
                    metadata: ["worker": "\(worker)", "error": "\(last.message)"])
            })
        return store
    }
}

/// How long a worker waits after a pass failed before it tries again: 1 s, doubling to 60 s,
/// back to 1 s after a pass that succeeded.
struct FailureBackoff {
    static let first = 1.0
    static let longest = 60.0
    private var next = FailureBackoff.first

    /// A pass failed. - Returns: the seconds to wait before the next.
    mutating func failed() -> Double {
        let wait = next
        next = min(Self.longest, next * 2)
        return wait
    }

    mutating func succeeded() { next = Self.first }
}
