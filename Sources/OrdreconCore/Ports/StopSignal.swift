import Dispatch
import Synchronization

/// What a worker thread's other side tells it: stop now, or look again (new refunds were
/// recorded). A wait on a ``MonotonicClock`` ends early on either (see
/// ``MonotonicClock/wait(until:signal:endedByPoke:)``).
///
/// Checked `Sendable`: the flags live in a `Mutex`, and the semaphore only counts wake-ups, so
/// one that comes while nobody waits still ends the next block (a stale one is harmless: the
/// waiter looks at the flags and its clock, and blocks again).
public final class StopSignal: Sendable {
    private struct Flags {
        var stopped = false
        var poked = false
    }

    private let flags = Mutex(Flags())
    private let wakeUps = DispatchSemaphore(value: 0)

    public init() {}

    /// Stops the worker: every wait ends now, and ``isRaised`` stays true.
    public func raise() {
        flags.withLock { $0.stopped = true }
        wakeUps.signal()
    }

    public var isRaised: Bool { flags.withLock { $0.stopped } }

    /// Ends the worker's current or next wait that a poke ends, once.
    public func poke() {
        flags.withLock { $0.poked = true }
        wakeUps.signal()
    }

    /// Wakes a thread blocked in ``block(seconds:)`` without raising or poking: its clock has
    /// moved (a test clock calls it), so the waiter looks at the time again.
    public func nudge() {
        wakeUps.signal()
    }

    /// What ends a wait now, if anything: raised, or poked when `endedByPoke` (the poke is
    /// consumed); nil when neither.
    public func ending(endedByPoke: Bool) -> WaitEnd? {
        flags.withLock { flags in
            if flags.stopped { return .stopped }
            if endedByPoke && flags.poked {
                flags.poked = false
                return .poked
            }
            return nil
        }
    }

    /// Blocks the calling thread until the signal is raised, poked or nudged, or `seconds` of
    /// the system's monotonic time have passed (nil: no limit). Clocks build their waits on it.
    /// - Returns: false when the time ran out.
    @discardableResult
    public func block(seconds: Double?) -> Bool {
        guard let seconds else {
            wakeUps.wait()
            return true
        }
        return wakeUps.wait(timeout: .now() + max(0, seconds)) == .success
    }
}
