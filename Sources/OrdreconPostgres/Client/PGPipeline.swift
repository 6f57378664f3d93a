import CPostgres
import OrdreconCore

/// Writes that need no answer, sent ahead in libpq's pipeline mode.
///
/// Every statement is a round trip to the server, and ingestion is mostly waiting for them. A
/// write whose result the caller does not need (an order's header and lines, an invoice row) is
/// sent without waiting (``PGStatement/runDeferred()``); the connection stays in pipeline mode,
/// and the next statement goes in the same pipeline, followed by one sync: one round trip for
/// both. Its results are read in order, and the first failure among the deferred writes is
/// thrown by that next statement (a failed write aborts the server's transaction, so what
/// follows it in the pipeline was not run either). COMMIT is always such a next statement, so a
/// failed deferred write still fails its transaction, only one statement later.
extension PGConnection {
    /// Sends a prepared statement without waiting for its result, when a transaction is open
    /// (else runs it at once: there would be no commit to surface its error).
    func sendDeferred(_ name: String, parameters: [String?], sql: String) throws(StoreError) {
        try sendBatches()
        let status = PQtransactionStatus(handle)
        guard status == PQTRANS_INTRANS || status == PQTRANS_ACTIVE else {
            let result = try runPrepared(name, parameters: parameters, sql: sql)
            PQclear(result)
            return
        }
        if deferredWrites.isEmpty, PQenterPipelineMode(handle) != 1 {
            throw failure(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: sql)
        }
        let sent = withCStrings(parameters) { pointers in
            PQsendQueryPrepared(handle, name, Int32(parameters.count), pointers, nil, nil, 0)
        }
        guard sent == 1 else {
            let error = failure(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: sql)
            try? drainPipeline()
            throw error
        }
        deferredWrites.append(sql)
        // Their results wait in the server's socket until read: read them every so many, so
        // that a long run of writes never fills the buffers both ways and stalls.
        if deferredWrites.count >= Self.deferredWritesLimit { try drainPipeline() }
    }

    /// How many writes wait for their results at most.
    static let deferredWritesLimit = 2048

    /// Runs a prepared statement and returns its result (checked): at once when nothing is
    /// deferred, else in the pipeline after the deferred writes, whose first failure it throws.
    func runPrepared(_ name: String, parameters: [String?], sql: String) throws(StoreError) -> OpaquePointer? {
        try sendBatches()
        let count = Int32(parameters.count)
        if deferredWrites.isEmpty {
            // libpq copies the parameters before it returns; the C strings live until then.
            let result = withCStrings(parameters) { pointers in
                PQexecPrepared(handle, name, count, pointers, nil, nil, 0)
            }
            do {
                try check(result, sql: sql)
            } catch {
                PQclear(result)
                throw error
            }
            return result
        }
        let sent = withCStrings(parameters) { pointers in
            PQsendQueryPrepared(handle, name, count, pointers, nil, nil, 0)
        }
        var ownError: StoreError?
        if sent != 1 {
            ownError = failure(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: sql)
        }
        let (deferredError, own) = readPipeline(readingOwn: true)
        if ownError == nil {
            do throws(StoreError) { try check(own, sql: sql) } catch { ownError = error }
        }
        if let error = deferredError ?? ownError {
            PQclear(own)
            throw error
        }
        return own
    }

    /// Reads what the deferred writes returned and leaves pipeline mode.
    /// - Throws: the first failure among them.
    func drainPipeline() throws(StoreError) {
        guard !deferredWrites.isEmpty else { return }
        if let error = readPipeline(readingOwn: false).error { throw error }
    }

    /// Ends the pipeline with a sync and reads every result up to it: the deferred writes' (the
    /// first failure is returned), then, when `readingOwn`, that of the statement sent last
    /// (returned unchecked).
    private func readPipeline(readingOwn: Bool) -> (error: StoreError?, own: OpaquePointer?) {
        defer { deferredWrites.removeAll(keepingCapacity: true) }
        var firstError: StoreError?
        if PQpipelineSync(handle) != 1 {
            firstError = failure(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: nil)
        }
        let writes = deferredWrites
        var own: OpaquePointer?
        for index in 0..<(writes.count + (readingOwn ? 1 : 0)) {
            // A query's results end with a null result.
            var last: OpaquePointer?
            while let result = PQgetResult(handle) {
                if let last { PQclear(last) }
                last = result
            }
            if index == writes.count {
                own = last
                continue
            }
            if firstError == nil {
                if PQresultStatus(last) == PGRES_PIPELINE_ABORTED {
                    firstError = failure(
                        sqlState: nil, message: "not run: an earlier statement in the pipeline failed",
                        sql: writes[index])
                } else {
                    do throws(StoreError) { try check(last, sql: writes[index]) } catch { firstError = error }
                }
            }
            PQclear(last)
        }
        // The sync's own result, then pipeline mode can end.
        while let result = PQgetResult(handle) {
            let isSync = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
            if isSync { break }
        }
        if PQexitPipelineMode(handle) != 1, firstError == nil {
            firstError = failure(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: nil)
        }
        return (firstError, own)
    }
}
