import Foundation

/// A one-way "stop now" shared by a service's async side and its worker thread, with waits
/// that end early when it is raised.
///
/// `@unchecked Sendable`: the flag is only read and written under `condition`'s lock.
public final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var raised = false

    public init() {}

    /// Raises the signal and wakes every waiter.
    public func raise() {
        condition.lock()
        raised = true
        condition.broadcast()
        condition.unlock()
    }

    public var isRaised: Bool {
        condition.lock()
        defer { condition.unlock() }
        return raised
    }

    /// Waits up to `seconds`, or until the signal is raised. - Returns: true when raised.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, seconds))
        condition.lock()
        defer { condition.unlock() }
        while !raised {
            if !condition.wait(until: deadline) { break }
        }
        return raised
    }
}

/// Runs `body` on a thread of its own and waits for it without holding one of the few
/// threads of Swift's cooperative pool (the body blocks: SQLite, libcurl, inotify, sleeps).
func onDedicatedThread(name: String, _ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        let thread = Thread {
            body()
            done.resume()
        }
        thread.name = name
        thread.start()
    }
}

/// A wake-up that one thread gives and another waits for (new refunds were recorded); raising
/// it while nobody waits is remembered until the next wait.
///
/// `@unchecked Sendable`: the flag is only read and written under `condition`'s lock.
public final class Pulse: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending = false

    public init() {}

    public func raise() {
        condition.lock()
        pending = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits up to `seconds` for a raise (or `stop`); consumes it. - Returns: true when raised.
    @discardableResult
    public func wait(seconds: Double, stop: StopSignal) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, seconds))
        condition.lock()
        defer {
            pending = false
            condition.unlock()
        }
        // Short slices so that a raised stop is seen promptly without a second condition.
        while !pending, !stop.isRaised, Date() < deadline {
            _ = condition.wait(until: min(deadline, Date(timeIntervalSinceNow: 0.2)))
        }
        return pending
    }
}
