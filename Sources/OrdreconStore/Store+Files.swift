public import OrdreconCore

extension Store {
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
        let s = try db.statement(dynamic: "SELECT \(FileRecord.storeColumns) FROM files WHERE id = ?")
        try s.bind(1, id)
        guard try s.step() else { return nil }
        return try FileRecord(row: s)
    }

    /// The record of a claimed file that is not yet archived or moved to `failed/`.
    public func unfinalizedFile(feed: String, name: String) throws(StoreError) -> FileRecord? {
        let s = try db.statement(
            dynamic:
                "SELECT \(FileRecord.storeColumns) FROM files WHERE feed = ? AND name = ? AND finalized = 0 ORDER BY id DESC LIMIT 1"
        )
        try s.bind(1, feed).bind(2, name)
        guard try s.step() else { return nil }
        return try FileRecord(row: s)
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
        let s = try db.statement(
            dynamic: "SELECT \(FileRecord.storeColumns) FROM files WHERE finalized = 0 ORDER BY id")
        var records: [FileRecord] = []
        while try s.step() { records.append(try FileRecord(row: s)) }
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
