import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// ChildProcess: a signal at a point of the program's work, and programs run to their end.

extension ChildProcess {
    /// Sends `signal` as soon as `condition` holds: a point in the program's work (so many records
    /// in its database, a file on disk). The condition is checked every `interval` on a thread of
    /// its own, not in the test's task, which may wait seconds for a thread of a busy pool while the
    /// program goes past the point.
    /// - Returns: when the signal was sent; nil when the program ended first, or `timeout` passed.
    @discardableResult
    public func signal(
        _ signal: Int32, when condition: @escaping @Sendable () -> Bool, every interval: Duration = .milliseconds(5),
        timeout: Duration = .seconds(300)
    ) async -> ContinuousClock.Instant? {
        let microseconds = UInt32(interval / .microseconds(1))
        return await ThreadTask { [self] () -> ContinuousClock.Instant? in
            let deadline = ContinuousClock.now + timeout
            while isRunning, ContinuousClock.now < deadline {
                if condition() {
                    let now = ContinuousClock.now
                    return self.signal(signal) ? now : nil
                }
                usleep(microseconds)
            }
            return nil
        }.value
    }

    /// Runs a program to its end (`timeout`: killed after that, and said so in the result).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> TestWorkspace.Result {
        try await ChildProcess(
            executable: executable, arguments: arguments, environment: environment, directory: directory
        )
        .finish(timeout: timeout)
    }

    /// Runs a tool found on the `PATH` (`/usr/bin/env name ...`) to its end.
    public static func tool(
        _ name: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> TestWorkspace.Result {
        try await run(
            "/usr/bin/env", [name] + arguments, environment: environment, directory: directory, timeout: timeout)
    }
}
