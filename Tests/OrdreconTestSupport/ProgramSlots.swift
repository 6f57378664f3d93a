public import Testing
import Foundation
import Synchronization

/// At most a few tests that run programs (the built binary, a mock gateway, a tool) at a time.
///
/// Swift Testing starts every test of a parallel run at once. Tests that wait for their programs
/// without holding a thread (``ChildProcess``) would then start well over a hundred programs
/// together on a machine with two cores, and the ones that check how soon something happens
/// (a daemon's answer to SIGTERM, a gateway's timeout) would measure the crowd. Each test case of
/// a suite marked `.runsPrograms` waits for one of ``ProgramSlots/width`` slots before it starts
/// and gives it back when it ends; tests in process are not held back.
///
/// The width is `ORDRECON_TEST_PROGRAM_SLOTS` when set, otherwise twice the number of cores
/// (at least 4): most of these tests spend their time waiting for a program, not computing.
public struct ProgramSlots: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// One slot per test case, none for the suite itself.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Self.slots.acquire()
        defer { Self.slots.release() }
        try await function()
    }

    /// How many tests that run programs may run at once.
    public static let width: Int = {
        if let text = ProcessInfo.processInfo.environment["ORDRECON_TEST_PROGRAM_SLOTS"], let value = Int(text), value > 0 {
            return value
        }
        return max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
    }()

    static let slots = AsyncSemaphore(width)
}

extension Trait where Self == ProgramSlots {
    /// The suite's tests run programs: each waits for a slot of ``ProgramSlots``.
    public static var runsPrograms: Self { ProgramSlots() }
}

/// A counting semaphore whose waiters are suspended tasks (first come, first served).
final class AsyncSemaphore: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(_ count: Int) { state = Mutex(State(free: count)) }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock {
                if $0.free > 0 {
                    $0.free -= 1
                    return true
                }
                $0.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock {
            if $0.waiting.isEmpty {
                $0.free += 1
                return nil
            }
            return $0.waiting.removeFirst()
        }
        next?.resume()
    }
}
