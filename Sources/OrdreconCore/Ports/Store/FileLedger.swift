/// What the store knows of the input files: claimed, in progress (where to resume), done or
/// refused, and finally archived or moved to `failed/`.
public protocol FileLedger: StoreSession {
    /// Records a newly claimed file (state `processing`). - Returns: its record.
    func registerFile(
        feed: String, name: String, format: String, size: Int64, mtimeNanoseconds: Int64, inode: Int64,
        runId: Int64, at time: Timestamp
    ) throws(StoreError) -> FileRecord

    /// The file record by id.
    func file(id: Int64) throws(StoreError) -> FileRecord?

    /// Remembers how the file's events are to be read again after a crash (CSV header, JSON shape).
    func setFileLayout(
        _ fileId: Int64, csvHeader: String?, jsonShape: String?, resumeOffset: Int64, resumeLine: Int
    ) throws(StoreError)

    /// Saves the file's progress, in the same transaction as the batch it ends.
    func saveProgress(
        _ fileId: Int64, resumeOffset: Int64, resumeLine: Int, counts: OutcomeCounts, busyMilliseconds: Int64,
        runId: Int64
    ) throws(StoreError)

    /// Marks every event of the file recorded.
    func markFileDone(_ fileId: Int64, at time: Timestamp) throws(StoreError)

    /// Marks the file refused as a whole.
    func markFileFailed(_ fileId: Int64, code: ReasonCode, reason: String, at time: Timestamp) throws(StoreError)

    /// Records that the file now lies in `archive/` or `failed/` under `finalName`.
    func markFileFinalized(_ fileId: Int64, finalName: String) throws(StoreError)

    /// Files claimed but not yet archived or moved to `failed/`, oldest first.
    func unfinalizedFiles() throws(StoreError) -> [FileRecord]

    /// Calls `body` with the prepared rejection lines of the file's rejected events, in line order.
    func forEachRejectedRows(ofFile fileId: Int64, _ body: (String) throws -> Void) throws

    /// Rejected events of a file per reason code.
    func rejectionCounts(ofFile fileId: Int64) throws(StoreError) -> [String: Int]
}
