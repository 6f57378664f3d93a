public import Foundation
import Synchronization

/// One command line being carried out: its folder, environment, outputs, and how it learns that
/// it should stop.
///
/// The executable runs each command line with ``process(arguments:)``: the process's own folder,
/// environment, standard output and error, and SIGTERM/SIGINT. Tests run the same commands in
/// their own process with ``inMemory(directory:environment:)``: relative paths resolve against
/// their folder, the environment is theirs alone, what the command prints is kept in memory,
/// and a stop is asked for through ``stop``. Nothing in a command reads the working directory,
/// the process environment or the standard descriptors except through the current invocation.
public struct Invocation: Sendable {
    /// The folder relative paths are resolved against.
    public var directory: String
    /// The environment the command sees (`ORDRECON_LOG_LEVEL`, `ORDRECON_GATEWAY_TOKEN`, …).
    public var environment: [String: String]
    /// Where the command's standard output and error go.
    public var output: any CommandOutput
    /// Set by SIGTERM/SIGINT in a process, or by the caller in memory.
    public let stop: StopRequest
    /// Whether this is the whole process (signal handlers, a terminal, the process-wide logger).
    public let isProcess: Bool

    /// The invocation of this process: its working directory, environment and descriptors.
    public static func process() -> Invocation {
        Invocation(
            directory: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment,
            output: ProcessOutput(), stop: StopRequest.process, isProcess: true)
    }

    /// An invocation in this process whose output is kept in ``MemoryOutput``.
    public static func inMemory(directory: String, environment: [String: String]) -> Invocation {
        Invocation(
            directory: directory, environment: environment, output: MemoryOutput(), stop: StopRequest(),
            isProcess: false)
    }

    /// The invocation the command in hand runs under (bound by ``CommandLineApp/execute(_:arguments:)``).
    @TaskLocal static var current = Invocation.process()

    /// `path` made absolute against ``directory`` and standardized.
    func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : directory + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

/// Where a command writes what it prints.
public protocol CommandOutput: Sendable {
    /// Writes `text` to standard output as it is.
    func standardOutput(_ text: String)
    /// Writes `text` to standard error as it is.
    func standardError(_ text: String)
    /// Writes out anything buffered (before the process ends or another writer follows).
    func flush()
}

/// The process's own standard output (buffered, like `print`) and standard error (unbuffered).
struct ProcessOutput: CommandOutput {
    func standardOutput(_ text: String) {
        Swift.print(text, terminator: "")
    }

    func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    func flush() {
        fflush(nil)  // every C stream: standard output is the only one written
    }
}

/// Keeps a command's output in memory (for tests). Checked `Sendable`: the text lives in a `Mutex`.
public final class MemoryOutput: CommandOutput {
    private let texts = Mutex((out: "", err: ""))

    public init() {}

    public func standardOutput(_ text: String) { texts.withLock { $0.out += text } }
    public func standardError(_ text: String) { texts.withLock { $0.err += text } }
    public func flush() {}

    /// Everything written to standard output so far.
    public var out: String { texts.withLock { $0.out } }
    /// Everything written to standard error so far.
    public var err: String { texts.withLock { $0.err } }
}

/// A request to stop, as SIGTERM or SIGINT makes in a process: the command finishes the step in
/// hand and stops there. Checked `Sendable`: the signal number lives in an `Atomic`.
public final class StopRequest: Sendable {
    private let signal = Atomic<Int32>(0)

    public init() {}

    /// The process's own: its SIGTERM/SIGINT handlers raise it (a lock-free atomic store is
    /// async-signal-safe).
    static let process = StopRequest()

    /// Forgets an earlier request.
    func clear() {
        signal.store(0, ordering: .relaxed)
    }

    private let actions = Mutex<[@Sendable () -> Void]>([])

    /// Asks the command to stop, as `signal` (SIGTERM by default) would, and runs what
    /// ``whenRaised(_:)`` registered. (The process's signal handlers only ``store(_:)``.)
    public func raise(_ number: Int32 = SIGTERM) {
        store(number)
        for action in actions.withLock({ $0 }) { action() }
    }

    /// Records `number` and nothing else: async-signal-safe, for a signal handler.
    func store(_ number: Int32) {
        signal.store(number, ordering: .relaxed)
    }

    /// Runs `action` when ``raise(_:)`` is called (at once when it already was).
    func whenRaised(_ action: @escaping @Sendable () -> Void) {
        actions.withLock { $0.append(action) }
        if isRaised { action() }
    }

    /// The signal that asked to stop, 0 while none did.
    var number: Int32 { signal.load(ordering: .relaxed) }

    /// Whether a stop was asked for.
    public var isRaised: Bool { number != 0 }
}

/// What a command prints, through the current invocation.
enum Console {
    /// Like `print`: `text` and a line end on standard output.
    static func print(_ text: String, terminator: String = "\n") {
        Invocation.current.output.standardOutput(text + terminator)
    }
}

/// `path` made absolute against the current invocation's folder.
func absolute(_ path: String) -> String {
    Invocation.current.absolute(path)
}
