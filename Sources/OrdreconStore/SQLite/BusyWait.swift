import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// One step's wait for a busy database, under a ``BusyPolicy``.
struct BusyWait {
    private let policy: BusyPolicy
    private let started = BusyWait.monotonicSeconds()
    private var tries = 0
    private var nextReport: Double

    init(_ policy: BusyPolicy) {
        self.policy = policy
        nextReport = policy.reportEvery
    }

    /// Called after each busy answer: waits a little (longer each time, with jitter) before the
    /// next try. SQLite's handler already waited a slice for a plain BUSY; a BUSY_SNAPSHOT comes
    /// back at once, after the caller ended its stale reads.
    /// - Throws: a busy ``StoreError`` saying how long it waited, when the policy gives up.
    mutating func pause(after error: StoreError) throws(StoreError) {
        tries += 1
        var waited = Self.monotonicSeconds() - started
        if policy.shouldStop() { throw Self.givenUp(error, waited: waited, stopping: true) }
        if let limit = policy.limit, waited >= limit { throw Self.givenUp(error, waited: waited, stopping: false) }
        if waited >= nextReport {
            policy.report(waited, error)
            nextReport = waited + policy.reportEvery
        }
        var pause = min(0.2, 0.001 * Double(1 << min(tries, 8))) * Double.random(in: 0.5...1)
        if let limit = policy.limit { pause = min(pause, limit - waited) }
        // In short slices, so that a stop is seen promptly.
        let end = waited + pause
        while waited < end {
            Self.sleep(min(0.05, end - waited))
            if policy.shouldStop() { throw Self.givenUp(error, waited: waited, stopping: true) }
            waited = Self.monotonicSeconds() - started
        }
    }

    private static func givenUp(_ error: StoreError, waited: Double, stopping: Bool) -> StoreError {
        let seconds = waited < 10 ? "\((waited * 10).rounded() / 10)" : "\(Int(waited.rounded()))"
        let why =
            stopping
            ? "stopped waiting for it after \(seconds) s because ordrecon is stopping"
            : "another connection kept it locked for \(seconds) s"
        return StoreError(
            code: error.code, message: "database busy: \(why) (\(error.message)); nothing of this step was written",
            sql: error.sql)
    }

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    private static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
