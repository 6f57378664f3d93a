/// The port through which ordrecon reads the time and waits for it: ``SystemClock`` in
/// production, a clock the test moves in tests (so backoffs, schedules and report periods are
/// checked without real waiting).
///
/// ``now`` is seconds of a clock that never jumps (deadlines, durations, schedules); only
/// differences between two readings mean anything. ``wallTime`` is the time of day, as recorded
/// in the database and compared with stored times; a test clock moves both together.
///
/// A wait blocks its thread (the callers are workers on threads of their own, never Swift's
/// cooperative pool) until the deadline, or until a ``StopSignal`` ends it early.
public protocol MonotonicClock: Sendable {
    /// Seconds on a clock that never jumps.
    var now: Double { get }
    /// The time of day.
    var wallTime: Timestamp { get }
    /// Blocks until ``now`` reaches `deadline`, or until `signal` ends the wait: raised, or
    /// poked when `endedByPoke` (the poke is then consumed).
    /// - Returns: how the wait ended.
    func wait(until deadline: Double, signal: StopSignal, endedByPoke: Bool) -> WaitEnd
    /// Blocks until ``now`` reaches `deadline` or `shouldStop` is true, asking it at least every
    /// `slice` seconds: for callers stopped by a condition rather than a signal.
    func wait(until deadline: Double, every slice: Double, shouldStop: () -> Bool)
}

/// How a wait on a ``MonotonicClock`` ended.
public enum WaitEnd: Sendable, Equatable {
    /// Its deadline came.
    case deadline
    /// Its signal was raised.
    case stopped
    /// Its signal was poked (and the wait was one a poke ends).
    case poked
}

extension MonotonicClock {
    /// Waits `seconds` from now (see ``wait(until:signal:endedByPoke:)``).
    /// - Returns: true when `signal` is raised.
    @discardableResult
    public func wait(seconds: Double, signal: StopSignal, endedByPoke: Bool = false) -> Bool {
        let end = wait(until: now + max(0, seconds), signal: signal, endedByPoke: endedByPoke)
        return end == .stopped || signal.isRaised
    }

    /// Waits in slices of at most `slice` seconds, asking `shouldStop` before each.
    public func wait(until deadline: Double, every slice: Double, shouldStop: () -> Bool) {
        let unraised = StopSignal()
        while !shouldStop() {
            let now = self.now
            if now >= deadline { return }
            _ = wait(until: min(deadline, now + max(0.001, slice)), signal: unraised, endedByPoke: false)
        }
    }
}
