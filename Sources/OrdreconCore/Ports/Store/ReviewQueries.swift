/// Read-only questions about what happened, for the run reports, the review commands and the
/// metrics. None of them writes; they work on a connection opened for reading.
public protocol ReviewQueries: StoreSession {
    /// The rejected rows recorded by the runs `runs` (a run, or a daemon's passes of one report
    /// period), at most `limitPerCode` per reason code, ordered by code, then as recorded.
    func rejections(ofRuns runs: ClosedRange<Int64>, limitPerCode: Int) throws(StoreError) -> [RunRejectionRow]

    /// Rejected events matching `filter` (its `outcome` is ignored), in order of recording, each
    /// with the later applied event of the same feed and `event_id` that resolved it, if any.
    func rejections(_ filter: AuditFilter) throws(StoreError) -> [RejectionRecord]

    /// Audit records matching `filter` in order of recording, at most `limit` of them.
    func auditRecords(_ filter: AuditFilter, limit: Int) throws(StoreError) -> AuditPage

    /// Invoices that lack something (``InvoiceCompleteness``), oldest number first, at most
    /// `limit`: all of them, or (`runs` given) those issued by the events of these runs.
    func incompleteInvoices(ofRuns runs: ClosedRange<Int64>?, limit: Int) throws(StoreError) -> [IncompleteInvoice]

    /// How many invoices lack something: all, or (`runs` given) those issued in these runs.
    func incompleteInvoiceCount(ofRuns runs: ClosedRange<Int64>?) throws(StoreError) -> Int

    /// Everything about one order, or nil when it is unknown.
    func orderDetails(_ orderId: String) throws(StoreError) -> OrderDetails?

    /// Everything about one return, or nil when it is unknown.
    func returnDetails(_ returnId: String) throws(StoreError) -> ReturnDetails?

    /// Counts what the store holds since it was created (see ``StoreTotals``).
    /// - Parameters:
    ///   - fileBounds: the upper bounds, in milliseconds, of the file processing time histogram.
    ///   - gatewayBounds: the upper bounds, in milliseconds, of the gateway request time histogram.
    ///   - command: whose runs to count.
    func totals(fileBounds: [Double], gatewayBounds: [Double], command: String) throws(StoreError) -> StoreTotals
}

extension ReviewQueries {
    /// The rejected rows of one run (see ``rejections(ofRuns:limitPerCode:)``).
    public func rejections(ofRun runId: Int64, limitPerCode: Int) throws(StoreError) -> [RunRejectionRow] {
        try rejections(ofRuns: runId...runId, limitPerCode: limitPerCode)
    }

    /// The totals, counting the runs of `ordrecon run` (see ``totals(fileBounds:gatewayBounds:command:)``).
    public func totals(fileBounds: [Double], gatewayBounds: [Double]) throws(StoreError) -> StoreTotals {
        try totals(fileBounds: fileBounds, gatewayBounds: gatewayBounds, command: "run")
    }
}
