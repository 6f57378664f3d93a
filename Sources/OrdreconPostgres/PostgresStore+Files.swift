public import OrdreconCore

// The file ledger, as the SQLite store keeps it (Store+Files.swift).
extension PostgresStore {
    /// Records a newly claimed file (state `processing`). - Returns: its record.
    public func registerFile(
        feed: String, name: String, format: String, size: Int64, mtimeNanoseconds: Int64, inode: Int64, runId: Int64,
        at time: Timestamp
    ) throws(StoreError) -> FileRecord {
        try write { () throws(StoreError) in
            let s = try db.statement(
                """
                INSERT INTO files (feed, name, format, size, mtime_ns, inode, state, first_run_id, last_run_id, started_at)
                VALUES ($1, $2, $3, $4, $5, $6, 'processing', $7, $8, $9)
                RETURNING \(FileRecord.storeColumns)
                """
            )
            .bind([feed, name, format, size, mtimeNanoseconds, inode, runId, runId, time.milliseconds])
            guard try s.step() else { throw StoreError(.inconsistentData, message: "a new file record got no id") }
            return try FileRecord(row: s)
        }
    }

    /// The file record by id.
    public func file(id: Int64) throws(StoreError) -> FileRecord? {
        let s = try db.statement("SELECT \(FileRecord.storeColumns) FROM files WHERE id = $1").bind([id])
        guard try s.step() else { return nil }
        return try FileRecord(row: s)
    }

    /// Remembers how the file's events are to be read again after a crash (CSV header, JSON shape).
    public func setFileLayout(
        _ fileId: Int64, csvHeader: String?, jsonShape: String?, resumeOffset: Int64, resumeLine: Int
    ) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement(
                "UPDATE files SET csv_header = $1, json_shape = $2, resume_offset = $3, resume_line = $4 WHERE id = $5"
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
            UPDATE files SET resume_offset = $1, resume_line = $2, events = events + $3, applied = applied + $4,
                duplicate = duplicate + $5, rejected = rejected + $6, busy_ms = busy_ms + $7, last_run_id = $8
            WHERE id = $9
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
            try db.statement("UPDATE files SET state = 'done', finished_at = $1 WHERE id = $2")
                .bind([time.milliseconds, fileId]).run()
        }
    }

    /// Marks the file rejected as a whole.
    public func markFileFailed(_ fileId: Int64, code: ReasonCode, reason: String, at time: Timestamp) throws(StoreError)
    {
        try write { () throws(StoreError) in
            try db.statement(
                "UPDATE files SET state = 'failed', failure_code = $1, failure_reason = $2, finished_at = $3 WHERE id = $4"
            )
            .bind([code.rawValue, reason, time.milliseconds, fileId]).run()
        }
    }

    /// Records that the file now lies in `archive/` or `failed/` under `finalName`.
    public func markFileFinalized(_ fileId: Int64, finalName: String) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement("UPDATE files SET finalized = 1, final_name = $1 WHERE id = $2")
                .bind([finalName, fileId]).run()
        }
    }

    /// Files claimed but not yet archived or moved to `failed/`.
    public func unfinalizedFiles() throws(StoreError) -> [FileRecord] {
        let s = try db.statement("SELECT \(FileRecord.storeColumns) FROM files WHERE finalized = 0 ORDER BY id")
        var records: [FileRecord] = []
        while try s.step() { records.append(try FileRecord(row: s)) }
        return records
    }

    /// Calls `body` with the prepared rejection lines of the file's rejected events, in line order.
    /// (All rows arrive with the statement; a file's rejections are a small part of it.)
    public func forEachRejectedRows(ofFile fileId: Int64, _ body: (String) throws -> Void) throws {
        let s = try db.statement(
            "SELECT rejected_rows FROM audit_events WHERE file_id = $1 AND outcome = 'rejected' ORDER BY id")
        s.bind(1, fileId)
        while try s.step() {
            if let rows = s.optionalString(0) { try body(rows) }
        }
    }

    /// Rejected events of a file per reason code.
    public func rejectionCounts(ofFile fileId: Int64) throws(StoreError) -> [String: Int] {
        let s = try db.statement(
            "SELECT reason_code, COUNT(*) FROM audit_events WHERE file_id = $1 AND outcome = 'rejected' GROUP BY reason_code"
        )
        s.bind(1, fileId)
        var counts: [String: Int] = [:]
        while try s.step() { counts[s.string(0)] = s.int(1) }
        return counts
    }
}
