import Logging
import OrdreconTestSupport
import Synchronization

/// The log lines of the services under test, kept in memory. A test can await a line, or act on
/// the thread that writes one at the moment it is written (to shut a service down at an exact
/// point of its work).
final class LogRecorder: Sendable {
    private struct Hook {
        var text: String
        var occurrence: Int
        var action: @Sendable () -> Void
    }

    private struct State {
        var lines: [String] = []
        var hooks: [Hook] = []
    }

    private let state = Mutex(State())
    private let changes = Changes()
    let level: Logger.Level

    init(level: Logger.Level = .info) { self.level = level }

    /// A logger whose lines come here (`level: message key=value …`).
    var logger: Logger {
        var logger = Logger(label: "ordrecon-test") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    var lines: [String] { state.withLock { $0.lines } }

    func count(_ text: String) -> Int { lines.count { $0.contains(text) } }

    /// Runs `action` on the logging thread when the `occurrence`-th line containing `text` is
    /// written (counting the lines already written), before that thread goes on.
    func on(_ text: String, occurrence: Int = 1, _ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.lines.count(where: { $0.contains(text) }) >= occurrence { return true }
            state.hooks.append(Hook(text: text, occurrence: occurrence, action: action))
            return false
        }
        if now { action() }
    }

    /// Suspends until `occurrence` lines containing `text` have been written.
    /// - Returns: false when they had not within `timeout`.
    func line(_ text: String, occurrence: Int = 1, within timeout: Duration = .seconds(60)) async -> Bool {
        await changes.until(within: timeout) { self.count(text) >= occurrence }
    }

    fileprivate func record(_ line: String) {
        let due = state.withLock { state in
            state.lines.append(line)
            var due: [Hook] = []
            state.hooks.removeAll { hook in
                guard state.lines.count(where: { $0.contains(hook.text) }) >= hook.occurrence else { return false }
                due.append(hook)
                return true
            }
            return due
        }
        for hook in due { hook.action() }
        changes.changed()
    }
}

/// Hands each line to a ``LogRecorder``.
private struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value)"
        }
        recorder.record(
            "\(event.level): \(event.message)" + (fields.isEmpty ? "" : " " + fields.joined(separator: " ")))
    }
}
