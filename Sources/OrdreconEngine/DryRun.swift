public import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// What one event of a file became (or, in a dry run, would become).
public struct EventVerdictLine: Sendable, Hashable {
    /// CSV: the physical line where the event starts; JSON Lines: the line; JSON array: the position.
    public var line: Int?
    public var eventId: String?
    public var entity: String?
    /// The order id, or the return id for a return (as `audit_log.entity_id`).
    public var entityId: String?
    public var status: String?
    public var outcome: Outcome
    public var code: ReasonCode?
    public var message: String?

    public init(
        line: Int?, eventId: String?, entity: String?, entityId: String?, status: String?, outcome: Outcome,
        code: ReasonCode? = nil, message: String? = nil
    ) {
        self.line = line
        self.eventId = eventId
        self.entity = entity
        self.entityId = entityId
        self.status = status
        self.outcome = outcome
        self.code = code
        self.message = message
    }

    /// The verdict an audit record holds.
    init(_ entry: AuditEntry) {
        self.init(
            line: entry.line, eventId: entry.eventId, entity: entry.entity,
            entityId: entry.entity == "return" ? entry.returnId : entry.orderId, status: entry.status,
            outcome: entry.outcome, code: entry.reasonCode, message: entry.message)
    }
}

/// The result of ``RunEngine/dryRun(path:feed:)``: what `run` would record for one file.
public struct DryRunResult: Sendable {
    /// Set when the whole file would be rejected (`bad_file`, `unsupported_file_type`); no events then.
    public var fileRejection: Rejection?
    /// One verdict per event, in file order.
    public var verdicts: [EventVerdictLine] = []
    public var counts = OutcomeCounts()

    /// Rejected events per reason code.
    public var rejectedByCode: [String: Int] {
        var counts: [String: Int] = [:]
        for verdict in verdicts where verdict.outcome == .rejected {
            counts[verdict.code?.rawValue ?? "", default: 0] += 1
        }
        return counts
    }

    /// Whether every event would be applied (and the file is readable).
    public var wouldApplyAll: Bool { fileRejection == nil && counts.applied == counts.events }
}

/// Why a dry run could not judge a file at all (not a verdict on its content).
public struct DryRunError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension RunEngine {
    /// Judges the file at `path` as feed `feed` exactly as `run` would, against the store's
    /// current state, and changes nothing.
    ///
    /// The file is read where it lies (never claimed or moved). Its pre-check is the same as
    /// `run`'s; its events go through the same per-event code (validate, judge, record), so
    /// later events see what earlier ones would have done, all in one write transaction that
    /// is rolled back at the end, whatever happens. Nothing outside the database is touched:
    /// no refund files (no outbox writer is set), no rejection file, no archive or failed move.
    /// The caller must keep `run` out meanwhile (the workspace lock).
    public func dryRun(path: String, feed: String) throws -> DryRunResult {
        guard settings.feed(named: feed) != nil else {
            throw DryRunError(
                "feed \(quotedName(feed)) is not configured (configured: \(settings.feeds.map(\.name).joined(separator: ", ")))"
            )
        }
        guard let info = FileSystem.info(path) else {
            throw DryRunError("\(path): no such file")
        }
        guard info.isRegularFile else { throw DryRunError("\(path): not a regular file") }
        guard access(path, R_OK) == 0 else { throw DryRunError("\(path): not readable") }
        let file = InboxFile(feed: feed, name: FileSystem.fileName(of: path), path: path, info: info)

        var result = DryRunResult()
        guard let format = FileFormat(fileName: file.name) else {
            result.fileRejection = unsupportedFileType(file.name)
            return result
        }
        let layout: FileLayout
        switch precheck(path: path, format: format) {
        case .failure(let rejection):
            result.fileRejection = rejection
            return result
        case .success(let success):
            layout = success
        }

        precondition(outbox == nil, "a dry run must not have an outbox writer")
        try store.begin(durable: false)
        defer { store.rollback() }
        runId = try store.startRun(command: "validate", pid: getpid(), at: now())
        let registered = try store.registerFile(
            feed: file.feed, name: file.name, format: format.rawValue, size: info.size,
            mtimeNanoseconds: info.mtimeNanoseconds, inode: info.inode, runId: runId, at: now())
        try store.setFileLayout(
            registered.id, csvHeader: layout.csvHeader, jsonShape: layout.jsonShape,
            resumeOffset: layout.offset, resumeLine: layout.line)
        guard let record = try store.file(id: registered.id) else {
            throw EngineError("dry run: file record \(registered.id) vanished")
        }
        var verdicts: [EventVerdictLine] = []
        var counts = OutcomeCounts()
        _ = try processEvents(file, path: path, record: record, dry: true) { verdict in
            counts.add(verdict.outcome)
            verdicts.append(verdict)
        }
        result.verdicts = verdicts
        result.counts = counts
        return result
    }
}

/// A shared hold on the workspace lock file, taken without writing to it (its contents and
/// modification time stay as they are): while it is held, `ordrecon run` cannot start.
public final class WorkspaceLockProbe {
    private let fd: Int32

    /// Waits up to `seconds` for the lock at `path`.
    /// - Returns: nil when there is no lock file (no run has ever prepared this workspace).
    /// - Throws: ``WorkspaceLock/Held`` when another process kept it the whole time.
    public static func acquire(path: String, waitSeconds seconds: Double) throws -> WorkspaceLockProbe? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError(operation: "open lock file", path: path, errno: errno)
        }
        let deadline = SystemClock.monotonicSeconds() + seconds
        while flock(fd, LOCK_SH | LOCK_NB) != 0 {
            let e = errno
            guard e == EWOULDBLOCK || e == EINTR else {
                close(fd)
                throw FileSystemError(operation: "lock", path: path, errno: e)
            }
            if SystemClock.monotonicSeconds() >= deadline {
                var buffer = [UInt8](repeating: 0, count: 256)
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
                close(fd)
                var holder: String?
                if n > 0 {
                    let text = String(decoding: buffer[..<n], as: UTF8.self).filter { $0 != "\n" }
                    if !text.isEmpty { holder = text }
                }
                throw WorkspaceLock.Held(path: path, holder: holder)
            }
            usleep(100_000)
        }
        return WorkspaceLockProbe(fd: fd)
    }

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
