public import OrdreconCore

extension Store {
    private static let fileColumns = """
        id, feed, name, format, size, mtime_ns, state, finalized, resume_offset, resume_line, csv_header,
        json_shape, events, applied, duplicate, rejected, failure_code, failure_reason, final_name, busy_ms, inode
        """

    /// A row of `files` as a record. A state the schema does not allow means a damaged database
    /// (or one changed by hand): an error, never a guess (taken for `processing`, the file would
    /// be read again).
    private func fileRecord(from s: Statement) throws(StoreError) -> FileRecord {
        guard let state = FileRecord.State(rawValue: s.string(6)) else {
            throw StoreError(
                .inconsistentData,
                message:
                    "file \(s.string(1))/\(s.string(2)) has the unknown state \"\(s.string(6))\" (the database is damaged or was changed by hand)"
            )
        }
        return FileRecord(
            id: s.int64(0), feed: s.string(1), name: s.string(2), format: s.string(3), size: s.int64(4),
            mtimeNanoseconds: s.int64(5), state: state,
            finalized: s.int64(7) != 0, resumeOffset: s.int64(8), resumeLine: s.int(9),
            csvHeader: s.optionalString(10), jsonShape: s.optionalString(11), events: s.int(12),
            applied: s.int(13), duplicate: s.int(14), rejected: s.int(15), failureCode: s.optionalString(16),
            failureReason: s.optionalString(17), finalName: s.optionalString(18), busyMilliseconds: s.int64(19),
            inode: s.int64(20))
    }

    /// Records a newly claimed file (state `processing`). - Returns: its record.
    public func registerFile(
        feed: String, name: String, format: String, size: Int64, mtimeNanoseconds: Int64, inode: Int64,
        runId: Int64, at time: Timestamp
    ) throws(StoreError) -> FileRecord {
        try write { () throws(StoreError) in
            try db.statement(
                """
                INSERT INTO files (feed, name, format, size, mtime_ns, inode, state, first_run_id, last_run_id, started_at)
                VALUES (?, ?, ?, ?, ?, ?, 'processing', ?, ?, ?)
                """
            )
            .bind([feed, name, format, size, mtimeNanoseconds, inode, runId, runId, time.milliseconds]).run()
            return try file(id: db.lastInsertRowID)!
        }
    }

    /// The file record by id.
    public func file(id: Int64) throws(StoreError) -> FileRecord? {
        let s = try db.statement(dynamic: "SELECT \(Store.fileColumns) FROM files WHERE id = ?")
        try s.bind(1, id)
        guard try s.step() else { return nil }
        return try fileRecord(from: s)
    }

    /// The record of a claimed file that is not yet archived or moved to `failed/`.
    public func unfinalizedFile(feed: String, name: String) throws(StoreError) -> FileRecord? {
        let s = try db.statement(
            dynamic:
                "SELECT \(Store.fileColumns) FROM files WHERE feed = ? AND name = ? AND finalized = 0 ORDER BY id DESC LIMIT 1"
        )
        try s.bind(1, feed).bind(2, name)
        guard try s.step() else { return nil }
        return try fileRecord(from: s)
    }

    /// Remembers how the file's events are to be read again after a crash (CSV header, JSON shape).
    public func setFileLayout(
        _ fileId: Int64, csvHeader: String?, jsonShape: String?, resumeOffset: Int64, resumeLine: Int
    ) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement(
                "UPDATE files SET csv_header = ?, json_shape = ?, resume_offset = ?, resume_line = ? WHERE id = ?"
            )
            .bind([csvHeader, jsonShape, resumeOffset, resumeLine, fileId]).run()
        }
    }

    /// Saves the file's progress, in the same transaction as the batch it ends.
    public func saveProgress(
        _ fileId: Int64, resumeOffset: Int64, resumeLine: Int, counts: OutcomeCounts, busyMilliseconds: Int64,
        runId: Int64
    ) throws(StoreError) {
        try db.statement(
            """
            UPDATE files SET resume_offset = ?, resume_line = ?, events = events + ?, applied = applied + ?,
                duplicate = duplicate + ?, rejected = rejected + ?, busy_ms = busy_ms + ?, last_run_id = ?
            WHERE id = ?
            """
        )
        .bind([
            resumeOffset, resumeLine, counts.events, counts.applied, counts.duplicate, counts.rejected,
            busyMilliseconds, runId, fileId,
        ])
        .run()
    }

    /// Marks every event of the file recorded.
    public func markFileDone(_ fileId: Int64, at time: Timestamp) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement("UPDATE files SET state = 'done', finished_at = ? WHERE id = ?")
                .bind([time.milliseconds, fileId]).run()
        }
    }

    /// Marks the file rejected as a whole.
    public func markFileFailed(_ fileId: Int64, code: ReasonCode, reason: String, at time: Timestamp) throws(StoreError)
    {
        try write { () throws(StoreError) in
            try db.statement(
                "UPDATE files SET state = 'failed', failure_code = ?, failure_reason = ?, finished_at = ? WHERE id = ?"
            )
            .bind([code.rawValue, reason, time.milliseconds, fileId]).run()
        }
    }

    /// Records that the file now lies in `archive/` or `failed/` under `finalName`.
    public func markFileFinalized(_ fileId: Int64, finalName: String) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement("UPDATE files SET finalized = 1, final_name = ? WHERE id = ?")
                .bind([finalName, fileId]).run()
        }
    }

    /// Files claimed but not yet archived or moved to `failed/`.
    public func unfinalizedFiles() throws(StoreError) -> [FileRecord] {
        let s = try db.statement(dynamic: "SELECT \(Store.fileColumns) FROM files WHERE finalized = 0 ORDER BY id")
        var records: [FileRecord] = []
        while try s.step() { records.append(try fileRecord(from: s)) }
        return records
    }

    /// Calls `body` with the prepared rejection lines of the file's rejected events, in line order.
    public func forEachRejectedRows(ofFile fileId: Int64, _ body: (String) throws -> Void) throws {
        let s = try db.statement(
            "SELECT rejected_rows FROM audit_events WHERE file_id = ? AND outcome = 'rejected' ORDER BY id")
        try s.bind(1, fileId)
        while try s.step() {
            if let rows = s.optionalString(0) { try body(rows) }
        }
    }

    /// Rejected events of a file per reason code.
    public func rejectionCounts(ofFile fileId: Int64) throws(StoreError) -> [String: Int] {
        let s = try db.statement(
            "SELECT reason_code, COUNT(*) FROM audit_events WHERE file_id = ? AND outcome = 'rejected' GROUP BY reason_code"
        )
        try s.bind(1, fileId)
        var counts: [String: Int] = [:]
        while try s.step() { counts[s.string(0)] = s.int(1) }
        return counts
    }
}
