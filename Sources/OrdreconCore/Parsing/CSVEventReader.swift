/// Reads the events of a CSV feed file: one row, or consecutive rows sharing an `event_id`.
///
/// Call ``readHeader(from:)`` first, position a source at ``CSVHeader/byteLength`` (or at an
/// ``RawEvent/endOffset`` reported earlier, to resume), then call ``next()`` until it returns nil.
/// Only the current event and one row of lookahead are held in memory.
public struct CSVEventReader<Source: ByteSource> {
    private var scanner: CSVRowScanner
    private let header: CSVHeader
    /// The row that ended the previous event's group, read but not yet used.
    private var lookahead: CSVRow?
    /// (field raw value, column) of each event field the file has.
    private let eventColumns: [(field: Int, column: Int)]
    /// Those without `event_id`: the columns rows after the first must leave empty or repeat.
    private let repeatedColumns: [Int]
    /// (field raw value, column) of each item field the file has.
    private let itemColumns: [(field: Int, column: Int)]

    /// Creates a reader over `source`, which is already positioned at `startOffset`.
    /// - Parameters:
    ///   - header: the file's header, from ``readHeader(from:)``.
    ///   - startOffset: the absolute offset of the source's position: ``CSVHeader/byteLength``,
    ///     or an event's ``RawEvent/endOffset`` to resume after it.
    ///   - startLine: the physical line at `startOffset`: ``CSVHeader/nextLine`` or the event's
    ///     ``RawEvent/nextLine``.
    public init(source: Source, header: CSVHeader, startOffset: Int64, startLine: Int) {
        let reader = ByteReader(source: TypedByteSourceBox(source), startOffset: startOffset)
        self.scanner = CSVRowScanner(reader: reader, line: startLine)
        self.header = header
        self.eventColumns = header.eventColumns.enumerated().compactMap { field, column in column.map { (field, $0) } }
        self.repeatedColumns = eventColumns.filter { $0.field != EventField.eventId.rawValue }.map(\.column)
        self.itemColumns = header.itemColumns.enumerated().compactMap { field, column in column.map { (field, $0) } }
    }

    /// Reads the header row at the start of `source` (after an optional BOM).
    ///
    /// The source may be read past the header: position it again at ``CSVHeader/byteLength``
    /// before reading the rows.
    /// - Throws: ``FeedFileError`` when the file is empty or its header is unusable.
    public static func readHeader(from source: inout Source) throws(FeedFileError) -> CSVHeader {
        let box = TypedByteSourceBox(source)
        defer { source = box.source }
        var scanner = CSVRowScanner(reader: ByteReader(source: box, startOffset: 0), line: 1)
        let row: CSVRow
        do {
            try scanner.skipBOM()
            guard let first = try scanner.nextRow() else {
                throw FeedFileError(scanner.readNothing ? "the file is empty" : "the file has no header row")
            }
            row = first
        } catch let error as FeedFileError {
            throw error
        } catch {
            throw .readFailure(error)
        }
        if let problem = row.problem {
            throw FeedFileError("the header row (line \(row.line)) is unusable: \(problem)")
        }
        return try CSVHeader(names: row.fields, byteLength: row.endOffset, nextLine: row.nextLine)
    }

    /// The next event, or nil at the end of the file.
    ///
    /// A row that cannot be read (bad quoting, wrong field count, too long) is returned as an
    /// event of its own with ``RawEvent/malformed`` set; reading goes on after it.
    public mutating func next() throws -> RawEvent? {
        let pending = lookahead
        lookahead = nil
        guard let first = try pending ?? scanner.nextRow() else { return nil }
        var event = RawEvent(line: first.line)
        event.endOffset = first.endOffset
        event.nextLine = first.nextLine
        if let problem = self.problem(of: first) {
            event.malformed = problem
            if !first.fields.isEmpty {
                event.sourceRows = [first.fields]
            } else if let text = first.rawText {
                event.sourceRows = [[text]]
            }
            return event
        }
        for (field, column) in eventColumns { event.values[field] = RawValue(first.fields[column]) }
        addItem(of: first, to: &event)
        event.sourceRows = [first.fields]
        guard let idColumn = header.column(.eventId), !first.fields[idColumn].isEmpty else { return event }

        let eventID = first.fields[idColumn]
        var groupBytes = first.endOffset - first.startOffset
        var tooLarge = false
        while let row = try scanner.nextRow() {
            guard problem(of: row) == nil, row.fields[idColumn] == eventID else {
                lookahead = row
                break
            }
            event.endOffset = row.endOffset
            event.nextLine = row.nextLine
            groupBytes += row.endOffset - row.startOffset
            if groupBytes > ParsingLimits.maxEventBytes {
                tooLarge = true  // keep reading the group (it is one event) but hold no more of it
                continue
            }
            if event.malformed == nil, let column = differingColumn(row, first) {
                event.malformed =
                    "line \(row.line): column \(header.names[column]) differs from the event's first row (line \(first.line)); rows after the first must leave it empty or repeat it"
            }
            addItem(of: row, to: &event)
            event.sourceRows.append(row.fields)
        }
        if tooLarge {
            event.malformed =
                "the event's rows (from line \(first.line)) are longer than 1 MiB (\(ParsingLimits.maxEventBytes) bytes) together"
        }
        return event
    }

    /// Why `row` is an event of its own that cannot be read, if it is.
    private func problem(of row: CSVRow) -> String? {
        if let problem = row.problem { return problem }
        if row.fieldCount != header.columnCount {
            return "row has \(row.fieldCount) field\(row.fieldCount == 1 ? "" : "s"), header has \(header.columnCount)"
        }
        return nil
    }

    /// The first non-item event column where `row` is neither empty nor equal to `first`.
    private func differingColumn(_ row: CSVRow, _ first: CSVRow) -> Int? {
        for column in repeatedColumns {
            let value = row.fields[column]
            if !value.isEmpty && value != first.fields[column] { return column }
        }
        return nil
    }

    /// Adds `row`'s item fields as an item, unless they are all empty.
    private func addItem(of row: CSVRow, to event: inout RawEvent) {
        guard itemColumns.contains(where: { !row.fields[$0.column].isEmpty }) else { return }
        var item = RawItem()
        for (field, column) in itemColumns { item.values[field] = RawValue(row.fields[column]) }
        event.items.append(item)
    }
}
