#if canImport(Glibc)
import Glibc
#endif
public import OrdreconCore

/// The refund dispatcher's time: the wall clock for what it records and for each refund's
/// schedule, a monotonic clock for the rate limit and the circuit breaker, and its wait when no
/// request is in flight. Tests give it a clock they move themselves.
public protocol DispatchClock: AnyObject {
    /// Wall time (records, `next_attempt_at`, `Retry-After` dates, `give_up_after_hours`).
    func now() -> Timestamp
    /// Milliseconds of a clock that never jumps (rate limit, circuit breaker).
    func monotonicMilliseconds() -> Int64
    /// Waits `milliseconds` while no request is in flight; returns early once `shouldStop` is true.
    func sleep(milliseconds: Int, shouldStop: () -> Bool)
}

/// The system's clocks; its waits look at `shouldStop` at least every 50 ms.
public final class SystemDispatchClock: DispatchClock {
    public init() {}

    public func now() -> Timestamp { SystemClock.now() }

    public func monotonicMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public func sleep(milliseconds: Int, shouldStop: () -> Bool) {
        var left = milliseconds
        while left > 0, !shouldStop() {
            let slice = min(left, 50)
            var request = timespec(tv_sec: 0, tv_nsec: slice * 1_000_000)
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)  // EINTR: the loop looks at shouldStop
            left -= slice
        }
    }
}

/// A clock that moves only when told to, or when the dispatcher sleeps (by the time it sleeps):
/// for tests of schedules, `give_up_after_hours` and the circuit breaker without waiting.
/// Wall and monotonic time move together.
public final class ManualDispatchClock: DispatchClock {
    private var wall: Int64
    private var mono: Int64 = 0
    /// Every sleep asked for, in milliseconds, in order.
    public private(set) var sleeps: [Int] = []

    public init(now: Timestamp) {
        wall = now.milliseconds
    }

    public func now() -> Timestamp { Timestamp(milliseconds: wall) }

    public func monotonicMilliseconds() -> Int64 { mono }

    public func sleep(milliseconds: Int, shouldStop: () -> Bool) {
        sleeps.append(milliseconds)
        advance(milliseconds: Int64(max(0, milliseconds)))
    }

    public func advance(milliseconds: Int64) {
        wall += milliseconds
        mono += milliseconds
    }
}
