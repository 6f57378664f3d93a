import Foundation
import OrdreconApp
import Synchronization

/// Runs `ordrecon` command lines in the test process: the same code as the binary, with the
/// test's folder, environment and in-memory output.
enum InProcessRun {
    /// Runs `arguments` on a thread of its own (commands block: SQLite, libcurl, files), awaited
    /// without holding a thread of Swift's cooperative pool.
    static func run(
        _ arguments: [String], directory: String, environment: [String: String], timeout: Duration
    ) async -> TestWorkspace.Result {
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        let invocation = Invocation.inMemory(directory: directory, environment: merged)
        let finished = Finished()
        let status = await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
            let worker = Thread {
                let status = CommandLineApp.executeBlocking(invocation, arguments: arguments)
                finished.end()
                done.resume(returning: status)
            }
            worker.stackSize = 8 << 20  // a process's main thread has 8 MiB; parsers recurse
            worker.start()
            // A hang becomes a stop request (as SIGTERM would), and the result says it timed out.
            let watchdog = Thread {
                if !finished.wait(seconds: timeout.seconds) { invocation.stop.raise() }
            }
            watchdog.start()
        }
        let output = invocation.output as? MemoryOutput
        return TestWorkspace.Result(
            status: status, stdout: output?.out ?? "", stderr: output?.err ?? "",
            timedOut: invocation.stop.isRaised)
    }

    /// Whether the command ended: its thread says so, the watchdog waits for it.
    private final class Finished: Sendable {
        private let done = Mutex(false)
        private let signal = DispatchSemaphore(value: 0)

        func end() {
            done.withLock { $0 = true }
            signal.signal()
        }

        /// Waits up to `seconds` for the end; true when it came.
        func wait(seconds: Double) -> Bool {
            if done.withLock({ $0 }) { return true }
            return signal.wait(timeout: .now() + seconds) == .success
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
