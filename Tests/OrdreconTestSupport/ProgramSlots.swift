import Foundation
import Synchronization
public import Testing

/// At most a few tests that run programs (the built binary, a mock gateway, a tool) at a time.
///
/// Swift Testing starts every test of a parallel run at once. Tests that wait for their programs
/// without holding a thread (``ChildProcess``) would then start well over a hundred programs
/// together on a machine with two cores, and the ones that check how soon something happens
/// (a daemon's answer to SIGTERM, a gateway's timeout) would measure the crowd. Each test case of
/// a suite marked `.runsPrograms` waits for one of ``ProgramSlots/width`` slots before it starts
/// and gives it back when it ends; tests in process are not held back.
///
/// The width is `ORDRECON_TEST_PROGRAM_SLOTS` when set, otherwise four times the number of cores
/// (at least 8): most of these tests spend their time waiting for a program, not computing. A
/// test marked `.longRunning` is given a slot before the others that wait, so that the longest
/// ones do not start last and make the whole run wait for them.
public struct ProgramSlots: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// One slot per test case, none for the suite itself.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let asked = ContinuousClock.now
        await Self.slots.acquire(first: test.traits.contains { $0 is LongRunning })
        defer { Self.slots.release() }
        let started = ContinuousClock.now
        defer { Self.note(test, waited: started - asked, ran: .now - started) }
        try await function()
    }

    /// With `ORDRECON_TEST_SLOT_LOG` set to a file, a line per test case: its name, how long it
    /// waited for a slot and how long it ran (to see where a parallel run's time goes).
    private static func note(_ test: Test, waited: Duration, ran: Duration) {
        guard let path = ProcessInfo.processInfo.environment["ORDRECON_TEST_SLOT_LOG"] else { return }
        let line = String(
            format: "%@\twaited %.1f s\tran %.1f s\n", test.id.description, waited / .seconds(1), ran / .seconds(1))
        logLock.withLock { _ in
            guard
                let handle = FileHandle(forWritingAtPath: path)
                    ?? {
                        FileManager.default.createFile(atPath: path, contents: nil)
                        return FileHandle(forWritingAtPath: path)
                    }()
            else { return }
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        }
    }

    private static let logLock = Mutex(())

    /// How many tests that run programs may run at once.
    public static let width: Int = {
        if let text = ProcessInfo.processInfo.environment["ORDRECON_TEST_PROGRAM_SLOTS"], let value = Int(text),
            value > 0
        {
            return value
        }
        return max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)
    }()

    static let slots = AsyncSemaphore(width)
}

/// Marks a test that runs for a long while (tens of seconds): ``ProgramSlots`` lets it start first.
public struct LongRunning: TestTrait {}

extension Trait where Self == LongRunning {
    /// The test runs for a long while: it takes a program slot before the others (see ``ProgramSlots``).
    public static var longRunning: Self { LongRunning() }
}

extension Trait where Self == ProgramSlots {
    /// The suite's tests run programs: each waits for a slot of ``ProgramSlots``.
    public static var runsPrograms: Self { ProgramSlots() }
}

/// A counting semaphore whose waiters are suspended tasks: first come, first served, those asking
/// `first` before the others.
final class AsyncSemaphore: Sendable {
    private struct State {
        var free: Int
        var waitingFirst: [CheckedContinuation<Void, Never>] = []
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(_ count: Int) { state = Mutex(State(free: count)) }

    func acquire(first: Bool = false) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock {
                if $0.free > 0 {
                    $0.free -= 1
                    return true
                }
                if first { $0.waitingFirst.append(continuation) } else { $0.waiting.append(continuation) }
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock {
            if !$0.waitingFirst.isEmpty { return $0.waitingFirst.removeFirst() }
            if !$0.waiting.isEmpty { return $0.waiting.removeFirst() }
            $0.free += 1
            return nil
        }
        next?.resume()
    }
}
