/// The header row of a CSV feed file: which column holds which field, and where the data starts.
public struct CSVHeader: Sendable, Equatable {
    /// The column names as written (surrounding spaces trimmed), in file order.
    public var names: [String]
    /// For each ``EventField`` (by `rawValue`), the index of its column; nil when the file has none.
    public var eventColumns: [Int?]
    /// For each ``ItemField`` (by `rawValue`), the index of its column; nil when the file has none.
    public var itemColumns: [Int?]
    /// The header's length in bytes (a BOM included): the offset where the data rows start.
    public var byteLength: Int64
    /// The physical line where the data rows start (the header is line 1).
    public var nextLine: Int

    /// Builds the column mapping from the header's names.
    ///
    /// Names are matched to ``EventField/name`` and ``ItemField/name`` ignoring case and
    /// surrounding spaces; unknown names are ignored.
    /// - Throws: ``FeedFileError`` when a required column is missing or a field's column appears twice.
    public init(names rawNames: [String], byteLength: Int64, nextLine: Int) throws(FeedFileError) {
        let names = rawNames.map(CSVHeader.trimmed)
        var eventColumns = [Int?](repeating: nil, count: EventField.allCases.count)
        var itemColumns = [Int?](repeating: nil, count: ItemField.allCases.count)
        for (index, name) in names.enumerated() {
            let key = name.lowercased()
            if let field = EventField(name: key) {
                guard eventColumns[field.rawValue] == nil else { throw CSVHeader.duplicate(field.name) }
                eventColumns[field.rawValue] = index
            } else if let field = ItemField(name: key) {
                guard itemColumns[field.rawValue] == nil else { throw CSVHeader.duplicate(field.name) }
                itemColumns[field.rawValue] = index
            }
        }
        let missing = EventField.requiredColumns.filter { eventColumns[$0.rawValue] == nil }
        if !missing.isEmpty {
            let found = names.isEmpty ? "no columns" : names.map { "\"\($0)\"" }.joined(separator: ", ")
            throw FeedFileError(
                "the header lacks the required column\(missing.count == 1 ? "" : "s") "
                    + missing.map(\.name).joined(separator: ", ") + "; found: \(found)")
        }
        self.names = names
        self.eventColumns = eventColumns
        self.itemColumns = itemColumns
        self.byteLength = byteLength
        self.nextLine = nextLine
    }

    /// How many fields every row must have.
    public var columnCount: Int { names.count }

    /// The index of `field`'s column, nil when the file has none.
    public func column(_ field: EventField) -> Int? { eventColumns[field.rawValue] }

    /// The index of `field`'s column, nil when the file has none.
    public func column(_ field: ItemField) -> Int? { itemColumns[field.rawValue] }

    /// Whether the file has at least one item column.
    public var hasItemColumns: Bool { itemColumns.contains { $0 != nil } }

    private static func duplicate(_ name: String) -> FeedFileError {
        FeedFileError("the header names the column \(name) twice")
    }

    private static func trimmed(_ name: String) -> String {
        let utf8 = name.utf8
        guard let first = utf8.firstIndex(where: { $0 != .space && $0 != .tab }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != .space && $0 != .tab })!
        return String(name[first...last])
    }
}
