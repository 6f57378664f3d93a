/// The optional product catalog, `config/catalog.csv` (beside `ordrecon.toml`): per SKU a
/// description, an HSN code and a GST rate that fill what an order's item leaves blank.
///
/// It is applied when an order is stored (``filling(_:)``, called by the engine between the
/// verdict and the store): the stored lines then hold everything the invoice prints, so an
/// invoice, issued or rendered later, never changes when the catalog is edited afterwards, in
/// the same way that `[invoicing] default_gst_rate` is fixed on each invoice when it is issued.
/// The event's content hash is of the event as sent, so an event sent again after a catalog edit
/// is still a duplicate and not an `event_id_conflict`.
///
/// A catalog that cannot be used makes the configuration unusable (exit 78): a row that does not
/// parse, a duplicate SKU, an HSN code that is not 4, 6 or 8 digits, a rate outside 0 to 100.
/// Hostile input is bounded: the loader refuses a file above ``maximumBytes`` before reading it,
/// rows are split by the feeds' own CSV scanner (a row above 1 MiB is refused without being
/// kept), and every value is bounded as it would be in an event (``maximumFieldCharacters``).
public struct ProductCatalog: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var description: String?
        public var hsn: String?
        /// In basis points (18% = 1800).
        public var gstRateBasisPoints: Int?

        public init(description: String? = nil, hsn: String? = nil, gstRateBasisPoints: Int? = nil) {
            self.description = description
            self.hsn = hsn
            self.gstRateBasisPoints = gstRateBasisPoints
        }
    }

    /// By SKU (exact, as in events).
    public private(set) var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    public static let empty = ProductCatalog()

    /// The largest catalog file read: 16 MiB (some 150,000 products at 100 bytes a row). A
    /// bigger file is refused before it is read, so a huge file cannot exhaust memory.
    public static let maximumBytes = 16 << 20
    /// The longest SKU and the longest description, in characters (as in events).
    public static let maximumFieldCharacters = EventValidator.maximumDescriptionLength

    public var isEmpty: Bool { entries.isEmpty }

    /// The items with their blanks filled from the catalog; the event's own values win.
    public func filling(_ items: [EventItem]) -> [EventItem] {
        guard !entries.isEmpty else { return items }
        return items.map { item in
            guard let entry = entries[item.sku] else { return item }
            var filled = item
            filled.description = item.description ?? entry.description
            filled.hsn = item.hsn ?? entry.hsn
            filled.gstRateBasisPoints = item.gstRateBasisPoints ?? entry.gstRateBasisPoints
            return filled
        }
    }

    /// Whether `text` is an HSN code (4, 6 or 8 digits; services' SAC codes are 6 digits too).
    public static func isHSN(_ text: String) -> Bool {
        [4, 6, 8].contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

extension ProductCatalog {
    /// Reads a catalog file's bytes (UTF-8, an optional BOM, RFC 4180 quoting, LF or CRLF).
    ///
    /// A header row names the columns in any order, case-insensitively: `sku` is required;
    /// `description`, `hsn` and `gst_rate` are optional; others are ignored. Empty lines are
    /// skipped; a blank value fills nothing.
    /// - Throws: ``ConfigurationError`` naming the file, the line and what is wrong.
    public static func parse(_ bytes: [UInt8], fileName: String) throws(ConfigurationError) -> ProductCatalog {
        func fail(_ line: Int?, _ message: String) -> ConfigurationError {
            ConfigurationError(fileName: fileName, keyPath: "", line: line, message: message)
        }
        guard bytes.count <= maximumBytes else {
            throw fail(
                nil, "the catalog is \(bytes.count) bytes; at most \(maximumBytes) are read (split it or trim it)")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let offset = body.withUnsafeBytes({ UTF8Validator.firstInvalidOffset(in: $0) }) {
            throw fail(nil, "the catalog is not valid UTF-8 (byte offset \(offset))")
        }
        // The same reading as a feed's CSV: LF or CRLF only (a bare CR would join rows), RFC 4180
        // quoting, rows above 1 MiB refused unread.
        var lineEnds = CSVLineEndCheck()
        body.withUnsafeBytes { lineEnds.feed($0) }
        lineEnds.finish()
        if let line = lineEnds.bareCRLine {
            throw fail(line, "a CR that is not followed by LF (line ends must be LF or CRLF)")
        }
        var scanner = CSVRowScanner(
            reader: ByteReader(source: TypedByteSourceBox(InMemoryByteSource(body)), startOffset: 0), line: 1)
        func nextRow() throws(ConfigurationError) -> CSVRow? {
            let row: CSVRow?
            do {
                row = try scanner.nextRow()
            } catch {
                throw fail(nil, "cannot read the catalog: \(error)")
            }
            if let row, let problem = row.problem { throw fail(row.line, problem) }
            return row
        }
        guard let header = try nextRow() else { return .empty }
        let names = header.fields.map { $0.trimmingBlanksAndLowercased }
        guard let skuColumn = names.firstIndex(of: "sku") else {
            throw fail(header.line, "the header names no `sku` column (expected sku, description, hsn, gst_rate)")
        }
        let descriptionColumn = names.firstIndex(of: "description")
        let hsnColumn = names.firstIndex(of: "hsn")
        let rateColumn = names.firstIndex(of: "gst_rate")

        var entries: [String: Entry] = [:]
        var firstLine: [String: Int] = [:]
        while let row = try nextRow() {
            guard row.fieldCount == header.fields.count else {
                throw fail(row.line, "the row has \(row.fieldCount) fields, the header \(header.fields.count)")
            }
            func value(_ column: Int?) -> String? {
                column.flatMap { trimmed(RawValue(row.fields[$0])) }
            }
            guard let sku = value(skuColumn) else { throw fail(row.line, "sku is empty") }
            if let problem = EventValidator.textProblem(sku, field: "sku", limit: maximumFieldCharacters) {
                throw fail(row.line, problem.message)
            }
            if let earlier = firstLine[sku] {
                throw fail(row.line, "sku \(quoted(sku)) is listed twice (first on line \(earlier)); keep one row")
            }
            var entry = Entry()
            if let description = value(descriptionColumn) {
                if let problem = EventValidator.textProblem(
                    description, field: "description", limit: maximumFieldCharacters)
                {
                    throw fail(row.line, problem.message)
                }
                entry.description = description
            }
            if let hsn = value(hsnColumn) {
                guard isHSN(hsn) else {
                    throw fail(row.line, "hsn \(quoted(hsn)) is not an HSN code (4, 6 or 8 digits, e.g. 6109)")
                }
                entry.hsn = hsn
            }
            if let rate = value(rateColumn) {
                guard let percent = try? Money(parsing: rate), percent.paise <= 10_000 else {
                    throw fail(
                        row.line, "gst_rate \(quoted(rate)) is not a percentage between 0 and 100 (e.g. 18 or 12.5)")
                }
                entry.gstRateBasisPoints = Int(percent.paise)
            }
            firstLine[sku] = row.line
            entries[sku] = entry
        }
        return ProductCatalog(entries: entries)
    }
}

extension String {
    fileprivate var trimmingBlanksAndLowercased: String {
        (trimmed(RawValue(self)) ?? "").lowercased()
    }
}
