public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A program started by a test, whose output and end are awaited without holding a thread of
/// Swift's cooperative pool.
///
/// The pool has one thread per core; a test that blocks one (reading a pipe to its end, waiting
/// for a process, sleeping) keeps every other test's `await` from resuming, and with a few such
/// tests in parallel the whole suite stalls. Here the program is started with posix_spawn(3)
/// (``Spawn``), each output pipe is read by a `Thread` of its own, another waits for the end
/// (waitpid(2)), and a waiting test is a suspended continuation that those threads resume when
/// what it waits for has happened: a line on a pipe, the end of the output, the exit.
///
/// ```swift
/// let child = try ChildProcess(executable: TestWorkspace.binary, arguments: ["watch"], directory: ws.root)
/// #expect(await child.waitForOutput(containing: "watching"))
/// child.signal(SIGTERM)
/// let exit = await child.waitForExit(timeout: .seconds(20))
/// ```
public final class ChildProcess: Sendable {
    /// Where the program's standard output and standard error go.
    public enum Output: Sendable {
        /// Each to a pipe of its own, kept in memory.
        case separate
        /// Both to one pipe (in the order written), kept as standard output.
        case merged
        /// Both to `/dev/null`.
        case discarded
        /// To these open files (not kept); nil: to a pipe of its own, kept in memory.
        case handles(standardOutput: FileHandle?, standardError: FileHandle?)
    }

    /// How the program ended.
    public struct Exit: Sendable, CustomStringConvertible {
        /// The exit status, or the number of the signal that ended it.
        public var status: Int32
        /// It was ended by a signal (`status` is the signal).
        public var signalled: Bool
        /// When the end was seen (by the thread in waitpid(2): not late when the pool is busy).
        public var at: ContinuousClock.Instant

        /// The exit status when it exited by itself; nil when a signal ended it.
        public var exitStatus: Int32? { signalled ? nil : status }

        public var description: String { signalled ? "killed by signal \(status)" : "exit \(status)" }
    }

    /// What is known so far, as seen by a condition of ``wait(timeout:until:)``.
    public struct Progress: Sendable {
        /// Standard output so far (with ``Output/merged``, standard error too).
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]
        /// Both pipes reached their end (always true when the output is not kept).
        public var outputEnded: Bool
        public var exit: Exit?

        public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
        public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    public let pid: pid_t
    /// The command line, for messages.
    public let commandLine: String
    private let shared: Shared
    /// The write end of standard input when kept open (``init``'s `keepInputOpen`); closed on release.
    private let input: Int32?

    /// The state the reading threads, the end's handler and the waiters share.
    private final class Shared: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }

        /// Applies `change` and resumes the waiters whose condition now holds.
        func update(_ change: (inout State) -> Void) {
            let ready: [CheckedContinuation<Bool, Never>] = state.withLock { state in
                change(&state)
                var ready: [CheckedContinuation<Bool, Never>] = []
                for (id, waiter) in state.waiters {
                    if case .waiting(let condition, let continuation) = waiter, condition(state.progress) {
                        state.waiters[id] = nil
                        ready.append(continuation)
                    }
                }
                return ready
            }
            for continuation in ready { continuation.resume(returning: true) }
        }
    }

    private struct State {
        var progress = Progress(standardOutput: [], standardError: [], outputEnded: false, exit: nil)
        var openPipes = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    private enum Waiter {
        /// Registered before its continuation exists; cancelled before it did.
        case cancelled
        case waiting(condition: @Sendable (Progress) -> Bool, continuation: CheckedContinuation<Bool, Never>)
    }

    /// Starts `executable` (an absolute path).
    /// - Parameters:
    ///   - environment: variables to set (over this process's own, unless `inheritEnvironment` is
    ///     false); `removing` names variables to leave out.
    ///   - directory: the working directory (this process's own when nil).
    ///   - output: where standard output and error go.
    ///   - blockedSignals: signals blocked in the new program from its start, as if it had been
    ///     started from a thread that blocks them (a mask a child inherits: swift-corelibs-foundation#4772).
    ///     None by default, whatever the calling thread blocks (Dispatch's threads block SIGTERM).
    ///   - keepInputOpen: standard input is a pipe held open until the program is released (a
    ///     program that exits at the end of its input then ends with the test); otherwise `/dev/null`.
    public init(
        executable: String, arguments: [String], environment: [String: String] = [:], removing: [String] = [],
        inheritEnvironment: Bool = true, directory: String? = nil, output: Output = .separate,
        blockedSignals: [Int32] = [],
        keepInputOpen: Bool = false
    ) throws {
        var merged = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        for name in removing { merged[name] = nil }
        for (name, value) in environment { merged[name] = value }

        // What the child gets as 0, 1 and 2, and the pipes this side reads (or writes, for input).
        var spawn = Spawn()
        defer { spawn.closeChildEnds() }
        let input: Int32? = keepInputOpen ? try spawn.pipe(to: STDIN_FILENO, parentReads: false) : nil
        if !keepInputOpen { spawn.openNull(as: STDIN_FILENO) }
        var readers: [(fd: Int32, isError: Bool)] = []
        switch output {
        case .separate:
            readers = [(try spawn.pipe(to: STDOUT_FILENO), false), (try spawn.pipe(to: STDERR_FILENO), true)]
        case .merged:
            readers = [(try spawn.pipe(to: STDOUT_FILENO, alsoTo: STDERR_FILENO), false)]
        case .discarded:
            spawn.openNull(as: STDOUT_FILENO)
            spawn.openNull(as: STDERR_FILENO)
        case .handles(let out, let err):
            if let out {
                spawn.duplicate(out.fileDescriptor, as: STDOUT_FILENO)
            } else {
                readers.append((try spawn.pipe(to: STDOUT_FILENO), false))
            }
            if let err {
                spawn.duplicate(err.fileDescriptor, as: STDERR_FILENO)
            } else {
                readers.append((try spawn.pipe(to: STDERR_FILENO), true))
            }
        }
        let pid: pid_t
        do {
            pid = try spawn.run(
                executable, arguments: arguments, environment: merged.map { "\($0.key)=\($0.value)" },
                directory: directory,
                blockedSignals: blockedSignals)
        } catch {
            for reader in readers { close(reader.fd) }
            if let input { close(input) }
            throw error
        }
        self.pid = pid
        self.input = input
        commandLine = ([executable] + arguments).joined(separator: " ")
        var initial = State()
        initial.openPipes = readers.count
        initial.progress.outputEnded = readers.isEmpty
        let shared = Shared(initial)
        self.shared = shared
        // The end: waitpid(2) on a thread of its own (this process reaps its children itself).
        let waiter = Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let signal = status & 0x7F
            let exit = Exit(status: signal == 0 ? (status >> 8) & 0xFF : signal, signalled: signal != 0, at: .now)
            shared.update { $0.progress.exit = exit }
        }
        waiter.name = "ChildProcess exit \(pid)"
        waiter.start()
        for (fd, isError) in readers {
            let thread = Thread { Self.drain(fd, into: shared, isError: isError) }
            thread.name = "ChildProcess output \(pid)"
            thread.start()
        }
    }

    /// Kills the program (SIGKILL) when it still runs: a test that fails early leaves nothing behind.
    deinit {
        if isRunning { kill(pid, SIGKILL) }
        if let input { close(input) }
    }

    // MARK: - Looking

    public var isRunning: Bool { shared.state.withLock { $0.progress.exit == nil } }
    public var exit: Exit? { shared.state.withLock { $0.progress.exit } }
    public var progress: Progress { shared.state.withLock { $0.progress } }
    public var standardOutput: String { progress.standardOutputText }
    public var standardError: String { progress.standardErrorText }

    /// The complete lines of standard output so far (standard error too when merged): a line
    /// still being written is left out until its end, or the end of the output.
    public var lines: [String] {
        let progress = self.progress
        var bytes = progress.standardOutput[...]
        if !progress.outputEnded { bytes = bytes[..<(bytes.lastIndex(of: UInt8(ascii: "\n")) ?? bytes.startIndex)] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The last `count` lines of output, for failure messages.
    public func tail(_ count: Int = 30) -> String {
        let progress = self.progress
        let out = progress.standardOutputText.split(separator: "\n").suffix(count)
        let err = progress.standardErrorText.split(separator: "\n").suffix(count)
        return "--- \(commandLine) (\(progress.exit.map(\.description) ?? "running"); last \(count) lines) ---\n"
            + out.joined(separator: "\n")
            + (err.isEmpty ? "" : "\n--- standard error ---\n" + err.joined(separator: "\n"))
    }

    // MARK: - Acting

    /// Sends `signal` unless the program has already ended (its pid may be another's by then).
    /// - Returns: whether it was sent.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        shared.state.withLock {
            guard $0.progress.exit == nil else { return false }
            return kill(pid, signal) == 0
        }
    }

    // MARK: - Waiting

    /// Waits until `condition` holds for what is known (checked now and after every change:
    /// output read, output ended, exit), or `timeout` has passed.
    /// - Returns: whether it held.
    @discardableResult
    public func wait(timeout: Duration, until condition: @escaping @Sendable (Progress) -> Bool) async -> Bool {
        let id: Int? = shared.state.withLock {
            if condition($0.progress) { return nil }
            $0.nextWaiter += 1
            return $0.nextWaiter
        }
        guard let id else { return true }
        let held = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.suspend(id, condition) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        return held || condition(progress)
    }

    /// Waits for the end of the program. - Returns: how it ended; nil when it still runs after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(300)) async -> Exit? {
        await wait(timeout: timeout) { $0.exit != nil }
        return exit
    }

    /// Waits until standard output (merged: the whole output) holds `text`.
    /// - Returns: whether it did within `timeout`.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(60)) async -> Bool {
        let needle = Array(text.utf8)
        return await wait(timeout: timeout) { Self.contains($0.standardOutput, needle) }
    }

    /// Waits until standard error holds `text`. - Returns: whether it did within `timeout`.
    public func waitForError(containing text: String, timeout: Duration = .seconds(60)) async -> Bool {
        let needle = Array(text.utf8)
        return await wait(timeout: timeout) { Self.contains($0.standardError, needle) }
    }

    /// Waits for the exit and the end of both pipes; after `timeout` the program is killed
    /// (SIGKILL) and the result says so: a hang fails a test instead of hanging the suite.
    public func finish(timeout: Duration = .seconds(300)) async -> TestWorkspace.Result {
        var timedOut = false
        if !(await wait(timeout: timeout) { $0.exit != nil && $0.outputEnded }) {
            timedOut = true
            signal(SIGKILL)
            await wait(timeout: .seconds(60)) { $0.exit != nil && $0.outputEnded }
        }
        let progress = self.progress
        return TestWorkspace.Result(
            status: progress.exit?.status ?? -1, stdout: progress.standardOutputText,
            stderr: progress.standardErrorText,
            timedOut: timedOut, signalled: progress.exit?.signalled ?? false)
    }

    /// SIGTERM (or `signal`), then SIGKILL when it still runs after `timeout`.
    /// - Returns: how it ended (``Exit/exitStatus`` is nil when it had to be killed).
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async -> Exit? {
        self.signal(signal)
        if let exit = await waitForExit(timeout: timeout) { return exit }
        self.signal(SIGKILL)
        return await waitForExit(timeout: .seconds(60))
    }

    // MARK: - Inside

    private func suspend(_ id: Int, _ condition: @escaping @Sendable (Progress) -> Bool) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now: Bool? = shared.state.withLock {
                    if case .cancelled = $0.waiters[id] {
                        $0.waiters[id] = nil
                        return false
                    }
                    if condition($0.progress) { return true }
                    $0.waiters[id] = .waiting(condition: condition, continuation: continuation)
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Bool, Never>? = shared.state.withLock {
                guard case .waiting(_, let continuation) = $0.waiters[id] else {
                    $0.waiters[id] = .cancelled
                    return nil
                }
                $0.waiters[id] = nil
                return continuation
            }
            continuation?.resume(returning: false)
        }
    }

    /// Reads a pipe to its end (on its own thread), then closes it.
    private static func drain(_ descriptor: Int32, into shared: Shared, isError: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            shared.update {
                if isError {
                    $0.progress.standardError += buffer[0..<count]
                } else {
                    $0.progress.standardOutput += buffer[0..<count]
                }
            }
        }
        close(descriptor)
        shared.update {
            $0.openPipes -= 1
            $0.progress.outputEnded = $0.openPipes == 0
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { bytes in
            needle.withUnsafeBufferPointer { wanted in
                var start = 0
                while start + wanted.count <= bytes.count {
                    if bytes[start] == wanted[0],
                        memcmp(bytes.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0
                    {
                        return true
                    }
                    start += 1
                }
                return false
            }
        }
    }
}
