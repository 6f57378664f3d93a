import Synchronization

/// Lets a test suspend until a condition on some state holds, where whatever changes that state
/// announces it (``changed()``): an event to await, not a state to poll.
///
/// Checked `Sendable`: the waiters live in a `Mutex`; conditions are evaluated outside it.
public final class Changes: Sendable {
    private struct Waiter {
        var token: Int
        var condition: @Sendable () -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct Waiters {
        var next = 0
        var list: [Waiter] = []
        var cancelled: Set<Int> = []
    }

    private let waiters = Mutex(Waiters())

    public init() {}

    /// The state changed: the waits whose condition holds now end.
    public func changed() {
        let list = waiters.withLock { $0.list }
        let met = Set(list.filter { $0.condition() }.map(\.token))
        guard !met.isEmpty else { return }
        let ending = waiters.withLock { waiters in
            let ending = waiters.list.filter { met.contains($0.token) }
            waiters.list.removeAll { met.contains($0.token) }
            return ending
        }
        for waiter in ending { waiter.continuation.resume(returning: true) }
    }

    /// Suspends until `condition` holds (looked at now and at each ``changed()``).
    /// - Returns: false when it did not within `timeout` of real time: a limit for a failing
    ///   test, which then fails on what it expected instead of hanging.
    public func until(within timeout: Duration = .seconds(60), _ condition: @escaping @Sendable () -> Bool) async
        -> Bool
    {
        if condition() { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.wait(for: condition) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func wait(for condition: @escaping @Sendable () -> Bool) async -> Bool {
        let token = waiters.withLock { waiters in
            waiters.next += 1
            return waiters.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let registered = waiters.withLock { waiters in
                    if waiters.cancelled.remove(token) != nil { return false }
                    waiters.list.append(Waiter(token: token, condition: condition, continuation: continuation))
                    return true
                }
                guard registered else { return continuation.resume(returning: false) }
                changed()  // it may have come true before the wait was registered
            }
        } onCancel: {
            let waiter: Waiter? = waiters.withLock { waiters in
                if let index = waiters.list.firstIndex(where: { $0.token == token }) {
                    return waiters.list.remove(at: index)
                }
                waiters.cancelled.insert(token)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }
}
