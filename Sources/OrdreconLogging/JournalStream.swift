public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// systemd's journal as the reader of standard error, and the syslog priority of each line.
///
/// A service whose output goes to the journal (systemd's default) finds `JOURNAL_STREAM` set to
/// `<device>:<inode>` of that stream. When the descriptor a sink writes to is that stream, each
/// line is prefixed with its syslog priority, `<N>`, which journald takes as the entry's
/// priority and removes from the message (`SyslogLevelPrefix=`, on by default), so that
/// `journalctl -p warning` shows warnings and worse. Anywhere else (a terminal, a pipe, a file,
/// or a child whose descriptor 2 was redirected though it inherited the variable) lines stay as
/// they are.
public enum JournalStream {
    /// The variable systemd sets for a service whose standard output or error is the journal.
    public static let variable = "JOURNAL_STREAM"

    /// The syslog priority of a swift-log level: trace and debug 7 (debug), info 6, notice 5,
    /// warning 4, error 3, critical 2 (crit).
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// `<N>`: the prefix journald reads as the line's priority.
    public static func prefix(for level: Logger.Level) -> String {
        "<\(priority(of: level))>"
    }

    /// The device and inode named by a `JOURNAL_STREAM` value (`"dev:ino"`, both decimal), or nil
    /// when the value is not of that form.
    public static func parse(_ value: String) -> (device: UInt64, inode: UInt64)? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        return (device, inode)
    }

    /// Whether `fileDescriptor` is the journal stream that `environment`'s `JOURNAL_STREAM` names:
    /// its device and inode (`fstat(2)`) are the ones in the variable.
    public static func isConnected(fileDescriptor: Int32, environment: [String: String]) -> Bool {
        guard let value = environment[variable], let expected = parse(value) else { return false }
        var status = stat()
        guard fstat(fileDescriptor, &status) == 0 else { return false }
        return UInt64(truncatingIfNeeded: status.st_dev) == expected.device
            && UInt64(truncatingIfNeeded: status.st_ino) == expected.inode
    }
}
