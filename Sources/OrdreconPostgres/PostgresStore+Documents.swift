public import OrdreconCore

extension PostgresStore {
    public func documents(matching query: DocumentQuery) throws(StoreError) -> [DocumentRecord] {
        throw StoreError.unported("documents")
    }
    public func document(number: String) throws(StoreError) -> DocumentRecord? { throw StoreError.unported("document") }
    public func documentLines(_ record: DocumentRecord) throws(StoreError) -> [DocumentLine] {
        throw StoreError.unported("documentLines")
    }
    public func markRendered(_ record: DocumentRecord, path: String, at now: Timestamp) throws(StoreError) {
        throw StoreError.unported("markRendered")
    }
    public func documentsWithoutPDFCount() throws(StoreError) -> Int {
        throw StoreError.unported("documentsWithoutPDFCount")
    }
    public func unrenderedDocumentCounts() throws(StoreError) -> [String: Int] {
        throw StoreError.unported("unrenderedDocumentCounts")
    }
}
