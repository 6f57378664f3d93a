/// Exponential backoff with full jitter: after the n-th failed attempt, wait a uniformly random
/// time between 0 and min(max, initial × 2^(n−1)). Spreads retries of many clients apart
/// (see "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
public struct Backoff: Sendable, Equatable {
    public var initialMilliseconds: Int
    public var maxMilliseconds: Int

    public init(initialMilliseconds: Int, maxMilliseconds: Int) {
        self.initialMilliseconds = max(0, initialMilliseconds)
        self.maxMilliseconds = max(self.initialMilliseconds, maxMilliseconds)
    }

    /// The longest wait after the `attempt`-th failed attempt (1-based).
    public func cap(afterAttempt attempt: Int) -> Int {
        let doublings = min(max(0, attempt - 1), 40)
        let grown = initialMilliseconds.multipliedReportingOverflow(by: 1 << doublings)
        return grown.overflow ? maxMilliseconds : min(maxMilliseconds, grown.partialValue)
    }

    /// A wait drawn uniformly from 0...cap(afterAttempt:).
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Int {
        let cap = cap(afterAttempt: attempt)
        return cap == 0 ? 0 : Int.random(in: 0...cap, using: &generator)
    }

    /// The wait before the next attempt: the gateway's `Retry-After` when it gave one (it knows
    /// best when it can take the request), else the jittered backoff. Nil when the gateway asks
    /// for longer than `maxMilliseconds`: then the refund waits for a later pass.
    public func wait(
        afterAttempt attempt: Int, retryAfterMilliseconds: Int64?, using generator: inout some RandomNumberGenerator
    ) -> Int? {
        if let asked = retryAfterMilliseconds {
            return asked > Int64(maxMilliseconds) ? nil : Int(asked)
        }
        return delay(afterAttempt: attempt, using: &generator)
    }
}
