import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconLogging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where `run` shows its progress: on a terminal a live line on standard error, redrawn in
/// place at most four times a second; elsewhere (cron, systemd, a pipe) a log line at info
/// every ten seconds. Nothing under `--quiet`.
enum ProgressDisplay {
    static let terminalInterval = 0.25
    static let logInterval = 10.0

    /// The progress of a run, or nil when nobody should see one.
    /// - Parameters:
    ///   - terminal: the live line when standard error is a terminal (``TerminalLine/standardError()``).
    ///   - interval: seconds between two lines, instead of the default of the mode.
    static func make(terminal: TerminalLine?, interval: Double?, logger: Logger) -> RunProgress {
        if let terminal {
            return RunProgress(clock: SystemClock(), interval: interval ?? terminalInterval) { line in
                terminal.show(line)
            }
        }
        return RunProgress(clock: SystemClock(), interval: interval ?? logInterval) { line in
            logger.info("progress: \(line)")
        }
    }
}

/// Standard error on a terminal, with one live line at its bottom: log lines are written above
/// it (the line is wiped, the log line written, the live line drawn again), so both stay whole.
///
/// Checked `Sendable`: the live line's text lives in a `Mutex`, held while writing.
final class TerminalLine: LogSink, Sendable {
    private let shown = Mutex<String?>(nil)
    private let fileDescriptor: Int32 = 2

    /// Carriage return, then erase to the end of the line.
    static let wipe = "\r\u{1B}[K"

    /// The live line on standard error, or nil when standard error is not a terminal (or a
    /// dumb one).
    static func standardError() -> TerminalLine? {
        let invocation = Invocation.current
        guard invocation.isProcess, isatty(2) == 1, invocation.environment["TERM"] != "dumb" else { return nil }
        return TerminalLine()
    }

    func write(line: String) {
        shown.withLock { shown in
            raw((shown == nil ? "" : Self.wipe) + line + "\n" + (shown ?? ""))
        }
    }

    /// Draws `text` as the live line, cut to the terminal's width so that it never wraps.
    func show(_ text: String) {
        let fitted = String(text.prefix(max(20, columns() - 1)))
        shown.withLock { shown in
            shown = fitted
            raw(Self.wipe + fitted)
        }
    }

    /// Removes the live line (before the command prints its result).
    func clear() {
        shown.withLock { shown in
            if shown != nil { raw(Self.wipe) }
            shown = nil
        }
    }

    private func columns() -> Int {
        var size = winsize()
        guard ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private func raw(_ text: String) {
        DescriptorOutput.writeAll(text, to: fileDescriptor)  // a line that cannot be shown is dropped
    }
}
