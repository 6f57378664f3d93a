public import OrdreconCore
import Synchronization

/// A ``MonotonicClock`` that moves only when the test moves it (``advance(by:)``), or, if made
/// so, when the code under test waits on it. Its monotonic and wall times move together. Every
/// wait asked of it is kept (``waits``), and a test can await the n-th (``waitsBegun(_:within:)``):
/// backoffs, schedules and report periods are checked without real waiting and without sleeping.
///
/// Checked `Sendable`: everything it holds lives in one `Mutex`.
public final class TestClock: MonotonicClock {
    /// What a wait on the clock does.
    public enum Waits: Sendable {
        /// It blocks its thread until the test moves the clock to its deadline, or its signal
        /// ends it: for code on threads of its own (a daemon's services).
        case block
        /// It moves the clock to its deadline at once: for code the test calls and that would
        /// otherwise wait for ever (the refund dispatcher between attempts).
        case advance
    }

    private struct State {
        var elapsedNanoseconds: Int64 = 0
        var waits: [Double] = []
        /// The signals of the waits in progress (one entry per wait), nudged when the clock moves.
        var waiting: [StopSignal] = []
    }

    private let start: Double
    private let wallStart: Int64
    private let mode: Waits
    private let state = Mutex(State())
    private let changes = Changes()

    /// - Parameters:
    ///   - now: the monotonic time at the start, in seconds.
    ///   - wallTime: the time of day at the start (by default the system's, so that what is
    ///     recorded is close to the files' own times).
    ///   - waits: whether a wait blocks until the test moves the clock, or moves it itself.
    public init(now: Double = 1000, wallTime: Timestamp = SystemClock.now(), waits: Waits = .block) {
        start = now
        wallStart = wallTime.milliseconds
        mode = waits
    }

    public var now: Double { start + Double(state.withLock { $0.elapsedNanoseconds }) / 1e9 }

    public var wallTime: Timestamp {
        Timestamp(milliseconds: wallStart + state.withLock { $0.elapsedNanoseconds } / 1_000_000)
    }

    /// The seconds each wait asked for (from its start to its deadline, to the nanosecond), in
    /// the order they began, whether they ran to their deadline or were ended early.
    public var waits: [Double] { state.withLock { $0.waits } }

    /// How many waits are in progress now.
    public var waitsInProgress: Int { state.withLock { $0.waiting.count } }

    /// Moves the clock on by `seconds`; the waits whose deadline has come end.
    public func advance(by seconds: Double) {
        advance(nanoseconds: Int64((max(0, seconds) * 1e9).rounded()))
    }

    /// Moves the clock on by `milliseconds`.
    public func advance(milliseconds: Int64) {
        advance(nanoseconds: max(0, milliseconds) * 1_000_000)
    }

    private func advance(nanoseconds: Int64) {
        let waiting = state.withLock { state in
            state.elapsedNanoseconds += nanoseconds
            return state.waiting
        }
        for signal in waiting { signal.nudge() }
    }

    /// Moves the clock to `deadline` unless it is there already.
    private func advance(to deadline: Double) {
        let left = deadline - now
        if left > 0 { advance(by: left) }
    }

    public func wait(until deadline: Double, signal: StopSignal, endedByPoke: Bool) -> WaitEnd {
        begin(deadline: deadline, signal: signal)
        defer { end(signal) }
        while true {
            if let end = signal.ending(endedByPoke: endedByPoke) { return end }
            if now >= deadline { return .deadline }
            if mode == .advance {
                advance(to: deadline)
                return .deadline
            }
            signal.block(seconds: nil)  // moved, raised or poked: look again
        }
    }

    public func wait(until deadline: Double, every slice: Double, shouldStop: () -> Bool) {
        let signal = StopSignal()
        begin(deadline: deadline, signal: signal)
        defer { end(signal) }
        while !shouldStop(), now < deadline {
            if mode == .advance {
                advance(to: deadline)
                return
            }
            // The condition cannot wake this thread: it is asked again every `slice` of real time.
            signal.block(seconds: max(0.001, slice))
        }
    }

    private func begin(deadline: Double, signal: StopSignal) {
        state.withLock { state in
            let now = start + Double(state.elapsedNanoseconds) / 1e9
            // To the nanosecond, as the clock moves: 1000.39 − 1000 is 0.39, not 0.38999999999998636.
            state.waits.append(max(0, ((deadline - now) * 1e9).rounded() / 1e9))
            state.waiting.append(signal)
        }
        changes.changed()
    }

    private func end(_ signal: StopSignal) {
        state.withLock { state in
            if let index = state.waiting.firstIndex(where: { $0 === signal }) { state.waiting.remove(at: index) }
        }
    }

    /// Suspends until `count` waits have begun on the clock (in all, since it was made).
    /// - Returns: false when they had not within `timeout` of real time.
    public func waitsBegun(_ count: Int, within timeout: Duration = .seconds(60)) async -> Bool {
        await changes.until(within: timeout) { self.waits.count >= count }
    }
}
