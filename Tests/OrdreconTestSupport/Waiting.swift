import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Checks `condition` until it holds or `timeout` has passed, suspending (not blocking a thread)
/// `interval` between checks. For states nothing announces (a database row, a file's content);
/// it returns as soon as the condition holds, so a generous `timeout` costs nothing when all is well.
/// - Returns: whether it held.
@discardableResult
public func eventually(
    timeout: Duration, every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return true }
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// Runs blocking `work` (a blocking call into the code under test, a socket read) on a thread of
/// its own and suspends until it returns, so that it holds no thread of the cooperative pool.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// ``onOwnThread(_:)`` for work that throws.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Seconds of wall-clock time (since 1970), as the database stores instants (in milliseconds).
public func wallClockMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

extension TestWorkspace {
    /// Waits until every pending refund's stored next attempt (`refunds.next_attempt_at`, wall
    /// clock in milliseconds) has come, so that the next `dispatch` finds them all due: suspends
    /// for exactly the time left, then reads again.
    /// - Returns: whether they were due within `timeout`.
    @discardableResult
    public func waitUntilPendingRefundsAreDue(timeout: Duration = .seconds(30)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let latest = Int64(
                try count("SELECT COALESCE(MAX(next_attempt_at), 0) FROM refunds WHERE status = 'pending'"))
            let left = latest - wallClockMilliseconds()
            if left < 0 { return true }
            if clock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(left + 1))
        }
    }
}

/// Checks `condition` every `interval` for `duration`: for "nothing may happen for a while", where
/// the while is part of the scenario (a lock held that long), not a wait for something to happen.
/// - Returns: whether it held at every check (false at the first check where it did not).
public func holds(
    for duration: Duration, every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + duration
    while true {
        guard try await condition() else { return false }
        if clock.now >= end { return true }
        try? await Task.sleep(for: min(interval, end - clock.now))
    }
}

/// Runs `work` on a thread of its own and suspends until it returns. `work` may use values that
/// are not `Sendable` (a database connection): the caller gives them up (`sending`), and they are
/// handed to the thread through a `Mutex`, never shared.
public func onOwnThreadHandingOver<T: Sendable>(_ work: sending @escaping () throws -> T) async throws -> T {
    let handoff = Handoff(work)
    return try await withCheckedThrowingContinuation { continuation in
        Thread {
            guard let work = handoff.take() else { return }
            continuation.resume(with: Result { try work() })
        }.start()
    }
}

/// A value passed from one thread to another exactly once.
public final class Handoff<Value>: Sendable {
    private let slot: Mutex<Value?>

    public init(_ value: sending Value) { slot = Mutex(value) }

    /// The value, the first time; nil after.
    public func take() -> sending Value? { slot.withLock { $0.take() } }
}

/// Work started at once on a thread of its own, whose result is awaited later (``value``).
///
/// Unlike `async let x = onOwnThread { … }`, whose child task first waits for a free thread of
/// the cooperative pool, the thread starts before the initializer returns: a server that must
/// accept, or a reader that must drain a pipe, is there even while the pool is busy.
public final class ThreadTask<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiter: CheckedContinuation<Value, Never>?)>((nil, nil))

    public init(_ work: @escaping @Sendable () -> Value) {
        Thread { [self] in
            let value = work()
            let waiter = state.withLock {
                $0.value = value
                return $0.waiter.take()
            }
            waiter?.resume(returning: value)
        }.start()
    }

    /// What the work returned, once it has.
    public var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let value: Value? = state.withLock {
                    if $0.value == nil { $0.waiter = continuation }
                    return $0.value
                }
                if let value { continuation.resume(returning: value) }
            }
        }
    }
}
