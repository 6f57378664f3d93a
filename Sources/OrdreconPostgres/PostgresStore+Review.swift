public import OrdreconCore

extension PostgresStore {
    public func rejections(ofRuns runs: ClosedRange<Int64>, limitPerCode: Int) throws(StoreError) -> [RunRejectionRow] {
        throw StoreError.unported("rejections(ofRuns:)")
    }
    public func rejections(_ filter: AuditFilter) throws(StoreError) -> [RejectionRecord] {
        throw StoreError.unported("rejections")
    }
    public func auditRecords(_ filter: AuditFilter, limit: Int) throws(StoreError) -> AuditPage {
        throw StoreError.unported("auditRecords")
    }
    public func incompleteInvoices(ofRuns runs: ClosedRange<Int64>?, limit: Int) throws(StoreError)
        -> [IncompleteInvoice]
    { throw StoreError.unported("incompleteInvoices") }
    public func incompleteInvoiceCount(ofRuns runs: ClosedRange<Int64>?) throws(StoreError) -> Int {
        throw StoreError.unported("incompleteInvoiceCount")
    }
    public func orderDetails(_ orderId: String) throws(StoreError) -> OrderDetails? {
        throw StoreError.unported("orderDetails")
    }
    public func returnDetails(_ returnId: String) throws(StoreError) -> ReturnDetails? {
        throw StoreError.unported("returnDetails")
    }
    public func totals(fileBounds: [Double], gatewayBounds: [Double], command: String) throws(StoreError) -> StoreTotals
    { throw StoreError.unported("totals") }
}
