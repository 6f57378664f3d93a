#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's clocks, behind the ``MonotonicClock`` port: `CLOCK_MONOTONIC` for ``now`` and
/// the waits, `CLOCK_REALTIME` for ``wallTime``. The static readings serve code that only
/// records the time.
public struct SystemClock: MonotonicClock {
    public init() {}

    public var now: Double { Self.monotonicSeconds() }

    public var wallTime: Timestamp { Self.now() }

    public func wait(until deadline: Double, signal: StopSignal, endedByPoke: Bool) -> WaitEnd {
        while true {
            if let end = signal.ending(endedByPoke: endedByPoke) { return end }
            let left = deadline - now
            if left <= 0 { return .deadline }
            signal.block(seconds: left)
        }
    }

    /// The wall clock.
    @Sendable public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// A monotonic clock in seconds, for measuring durations.
    public static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
