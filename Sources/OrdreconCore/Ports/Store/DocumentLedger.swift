/// Which documents to list (see ``DocumentLedger/documents(matching:)``).
public struct DocumentQuery: Sendable, Hashable {
    /// Only this order's documents.
    public var orderId: String?
    /// Only documents whose PDF has not been written yet; then invoices come before credit
    /// notes, each in number order (else all come oldest first).
    public var missingPDF: Bool
    /// At most this many.
    public var limit: Int

    public init(orderId: String? = nil, missingPDF: Bool = false, limit: Int = Int.max) {
        self.orderId = orderId
        self.missingPDF = missingPDF
        self.limit = limit
    }
}

/// The invoices and credit notes the store numbered, and whether their PDFs exist yet.
public protocol DocumentLedger: StoreSession {
    /// Invoices and credit notes as `query` says: oldest first (an order's invoice before its
    /// credit notes), or, for ``DocumentQuery/missingPDF``, invoices then credit notes in
    /// number order, without sorting or scanning the documents already written.
    func documents(matching query: DocumentQuery) throws(StoreError) -> [DocumentRecord]

    /// The invoice or credit note with this number, if any.
    func document(number: String) throws(StoreError) -> DocumentRecord?

    /// The lines a document prints: the order's items (invoice) or the returned ones at the
    /// order's prices (credit note), in the order's item order.
    func documentLines(_ record: DocumentRecord) throws(StoreError) -> [DocumentLine]

    /// Records, and commits, that a document's PDF now exists at `path` (relative to the
    /// invoices folder).
    func markRendered(_ record: DocumentRecord, path: String, at now: Timestamp) throws(StoreError)

    /// How many invoices and credit notes have no PDF yet.
    func documentsWithoutPDFCount() throws(StoreError) -> Int

    /// Documents without a PDF yet, by kind (`invoice`, `credit_note`).
    func unrenderedDocumentCounts() throws(StoreError) -> [String: Int]
}

extension DocumentLedger {
    /// Invoices and credit notes (see ``documents(matching:)``).
    public func documents(orderId: String? = nil, missingPDF: Bool = false, limit: Int = Int.max) throws(StoreError)
        -> [DocumentRecord]
    {
        try documents(matching: DocumentQuery(orderId: orderId, missingPDF: missingPDF, limit: limit))
    }
}
