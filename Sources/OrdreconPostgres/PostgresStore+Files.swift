public import OrdreconCore

extension PostgresStore {
    public func registerFile(
        feed: String, name: String, format: String, size: Int64, mtimeNanoseconds: Int64, inode: Int64, runId: Int64,
        at time: Timestamp
    ) throws(StoreError) -> FileRecord { throw StoreError.unported("registerFile") }
    public func file(id: Int64) throws(StoreError) -> FileRecord? { throw StoreError.unported("file") }
    public func setFileLayout(
        _ fileId: Int64, csvHeader: String?, jsonShape: String?, resumeOffset: Int64, resumeLine: Int
    ) throws(StoreError) { throw StoreError.unported("setFileLayout") }
    public func saveProgress(
        _ fileId: Int64, resumeOffset: Int64, resumeLine: Int, counts: OutcomeCounts, busyMilliseconds: Int64,
        runId: Int64
    ) throws(StoreError) { throw StoreError.unported("saveProgress") }
    public func markFileDone(_ fileId: Int64, at time: Timestamp) throws(StoreError) {
        throw StoreError.unported("markFileDone")
    }
    public func markFileFailed(_ fileId: Int64, code: ReasonCode, reason: String, at time: Timestamp) throws(StoreError)
    { throw StoreError.unported("markFileFailed") }
    public func markFileFinalized(_ fileId: Int64, finalName: String) throws(StoreError) {
        throw StoreError.unported("markFileFinalized")
    }
    public func unfinalizedFiles() throws(StoreError) -> [FileRecord] { throw StoreError.unported("unfinalizedFiles") }
    public func forEachRejectedRows(ofFile fileId: Int64, _ body: (String) throws -> Void) throws {
        throw StoreError.unported("forEachRejectedRows")
    }
    public func rejectionCounts(ofFile fileId: Int64) throws(StoreError) -> [String: Int] {
        throw StoreError.unported("rejectionCounts")
    }
}
