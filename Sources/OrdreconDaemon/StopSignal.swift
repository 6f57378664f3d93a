import Dispatch
import Foundation
import Synchronization

/// What a service's async side tells its worker thread: stop now, or look again (new refunds
/// were recorded); the worker's waits end early on either.
///
/// Checked `Sendable`: the flags live in a `Mutex`, and the semaphore only counts wake-ups, so
/// one that comes while nobody waits still ends the next wait (a stale one is harmless: the
/// waiter looks at the flags and waits on).
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

    /// Ends the worker's current or next ``wait(seconds:)`` early, once.
    public func poke() {
        flags.withLock { $0.poked = true }
        wakeUps.signal()
    }

    /// Waits up to `seconds`, until raised or (with `poke`) poked; a poke is consumed.
    /// - Returns: true when raised.
    @discardableResult
    public func wait(seconds: Double, endedByPoke poke: Bool = false) -> Bool {
        let deadline = DispatchTime.now() + max(0, seconds)
        while true {
            let (stopped, poked) = flags.withLock { flags in
                let poked = poke && flags.poked
                if poked { flags.poked = false }
                return (flags.stopped, poked)
            }
            if stopped || poked { return stopped }
            if wakeUps.wait(timeout: deadline) == .timedOut {
                return isRaised
            }
        }
    }
}

/// Runs `body` on a thread of its own and waits for it without holding one of the few
/// threads of Swift's cooperative pool (the body blocks: SQLite, libcurl, inotify, waits).
func onDedicatedThread<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
        let thread = Thread {
            done.resume(returning: body())
        }
        thread.name = name
        thread.start()
    }
}
