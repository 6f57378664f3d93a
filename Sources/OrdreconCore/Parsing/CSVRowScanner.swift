/// One CSV record as read: its fields, where it is, and why it could not be split if it could not.
struct CSVRow {
    /// The fields, unquoted and unescaped; empty when the row had a problem.
    var fields: [String]
    /// How many fields the row has (also counted for a row too long to keep).
    var fieldCount: Int
    /// The physical line where the row starts.
    var line: Int
    /// Absolute offset of the row's first byte.
    var startOffset: Int64
    /// Absolute offset just after the row's line terminator.
    var endOffset: Int64
    /// The physical line after the row.
    var nextLine: Int
    /// Why the row cannot be used (bad quoting, unterminated quote, too long).
    var problem: String?
    /// The row's text when it had a problem and was short enough to keep.
    var rawText: String?
}

/// Splits CSV text (RFC 4180: quotes, `""` escapes, LF or CRLF) into rows, skipping empty lines.
///
/// Byte-level loops over the reader's buffer; a row is kept in the buffer until it is complete
/// (at most ``ParsingLimits/maxEventBytes``; a longer one is scanned to its end without being kept).
struct CSVRowScanner {
    var reader: ByteReader
    /// The physical line at the reader's position.
    var line: Int
    private var spans: [Span] = []
    private var scratch: [UInt8] = []

    /// A field's bytes relative to the row start; `escaped` when it holds `""` pairs.
    private struct Span {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    init(reader: ByteReader, line: Int) {
        self.reader = reader
        self.line = line
    }

    /// Skips a UTF-8 byte order mark at the reader's position.
    mutating func skipBOM() throws {
        if try reader.ensure(3), startsWithBOM(reader.bytes(reader.pos..<reader.end)) {
            reader.pos += 3
        }
    }

    /// Whether nothing at all was read (the input is empty).
    var readNothing: Bool { reader.offset(of: reader.end) == 0 }

    /// The next row, skipping empty lines; nil at the end of the input.
    mutating func nextRow() throws -> CSVRow? {
        while true {
            if reader.pos == reader.end, try !reader.refill(dropping: reader.pos) { return nil }
            let byte = reader.base.load(fromByteOffset: reader.pos, as: UInt8.self)
            if byte == .lf {
                reader.pos += 1
                line += 1
            } else if byte == .cr, try reader.ensure(2),
                reader.base.load(fromByteOffset: reader.pos + 1, as: UInt8.self) == .lf
            {
                reader.pos += 2
                line += 1
            } else {
                return try scanRow()
            }
        }
    }

    // The scanning states share these locals; `more()` refills and re-bases them.
    private mutating func scanRow() throws -> CSVRow {
        let rowLine = line
        let startOffset = reader.offset(of: reader.pos)
        var rowStart = reader.pos
        var p = rowStart
        var rowEnd = 0
        var dropped = 0  // bytes of this row no longer kept (row too long)
        var fieldCount = 0
        var problem: String?
        var atEOF = false
        spans.removeAll(keepingCapacity: true)

        /// Reads more input, keeping the row unless it is already too long. False at the end.
        /// (One byte over the limit is kept: a CR there is not the row's if an LF follows it.)
        func more() throws -> Bool {
            var keep = rowStart
            if dropped > 0 || p - rowStart > ParsingLimits.maxEventBytes + 1 {
                dropped += p - rowStart
                keep = p
            }
            reader.pos = p
            let got = try reader.refill(dropping: keep)
            p -= keep
            rowStart = 0  // `keep` was the row start, or `p` once the row is too long to keep
            return got
        }
        func record(_ start: Int, _ end: Int, _ escaped: Bool) {
            fieldCount += 1
            if dropped == 0 { spans.append(Span(start: start, end: end - rowStart, escaped: escaped)) }
        }
        /// After bad quoting: the row ends at the next line feed, quotes no longer count.
        func skipToLineEnd() throws {
            while true {
                let base = reader.base
                let end = reader.end
                var q = p
                while q < end && base.load(fromByteOffset: q, as: UInt8.self) != .lf { q += 1 }
                p = q
                if p < end { break }
                if try !more() {
                    rowEnd = p
                    atEOF = true
                    return
                }
            }
            rowEnd = p > rowStart && reader.base.load(fromByteOffset: p - 1, as: UInt8.self) == .cr ? p - 1 : p
            p += 1
            line += 1
        }

        fields: while true {
            if p == reader.end, try !more() {
                record(p - rowStart, p, false)  // an empty last field after a comma
                rowEnd = p
                atEOF = true
                break fields
            }
            if reader.base.load(fromByteOffset: p, as: UInt8.self) == .quote {
                let openLine = line
                p += 1
                let contentStart = p - rowStart
                var escaped = false
                while true {
                    let base = reader.base
                    let end = reader.end
                    var q = p
                    var byte: UInt8 = 0
                    while q < end {
                        byte = base.load(fromByteOffset: q, as: UInt8.self)
                        if byte == .quote || byte == .lf { break }
                        q += 1
                    }
                    p = q
                    if p == end {
                        if try more() { continue }
                        problem =
                            "unterminated quoted field in column \(fieldCount + 1) (the quote opens on line \(openLine)): it runs to the end of the file"
                        rowEnd = p
                        atEOF = true
                        break fields
                    }
                    if byte == .lf {
                        line += 1
                        p += 1
                        continue
                    }
                    if p + 1 == reader.end, try !more() {  // closing quote at the end of the input
                        record(contentStart, p, escaped)
                        p += 1
                        rowEnd = p
                        atEOF = true
                        break fields
                    }
                    let next = reader.base.load(fromByteOffset: p + 1, as: UInt8.self)
                    if next == .quote {
                        escaped = true
                        p += 2
                        continue
                    }
                    record(contentStart, p, escaped)
                    p += 1
                    if next == .comma {
                        p += 1
                        continue fields
                    }
                    if next == .lf {
                        rowEnd = p
                        p += 1
                        line += 1
                        break fields
                    }
                    if next == .cr {
                        let haveNext = p + 1 < reader.end ? true : try more()
                        if haveNext && reader.base.load(fromByteOffset: p + 1, as: UInt8.self) == .lf {
                            rowEnd = p
                            p += 2
                            line += 1
                            break fields
                        }
                    }
                    problem =
                        "bad quoting in column \(fieldCount): \(next.described) after the closing quote (expected a comma or the end of the line)"
                    try skipToLineEnd()
                    break fields
                }
            } else {
                let fieldStart = p - rowStart
                while true {
                    let base = reader.base
                    let end = reader.end
                    var q = p
                    var byte: UInt8 = 0
                    while q < end {
                        byte = base.load(fromByteOffset: q, as: UInt8.self)
                        if byte == .comma || byte == .lf || byte == .quote { break }
                        q += 1
                    }
                    p = q
                    if p == end {
                        if try more() { continue }
                        record(fieldStart, p, false)
                        rowEnd = p
                        atEOF = true
                        break fields
                    }
                    if byte == .comma {
                        record(fieldStart, p, false)
                        p += 1
                        continue fields
                    }
                    if byte == .lf {
                        let fieldEnd =
                            p > rowStart && reader.base.load(fromByteOffset: p - 1, as: UInt8.self) == .cr ? p - 1 : p
                        record(fieldStart, fieldEnd, false)
                        rowEnd = fieldEnd
                        p += 1
                        line += 1
                        break fields
                    }
                    problem =
                        "bad quoting in column \(fieldCount + 1): a quote inside an unquoted field (quote the whole field and double the quotes inside it)"
                    try skipToLineEnd()
                    break fields
                }
            }
        }

        reader.pos = p
        if atEOF { line += 1 }
        var row = CSVRow(
            fields: [], fieldCount: fieldCount, line: rowLine, startOffset: startOffset,
            endOffset: reader.offset(of: p), nextLine: line, problem: problem, rawText: nil)
        if dropped + rowEnd - rowStart > ParsingLimits.maxEventBytes {
            row.problem =
                "row is longer than 1 MiB (\(ParsingLimits.maxEventBytes) bytes)"
                + (problem.map { "; also \($0)" } ?? "")
        } else if problem != nil {
            row.rawText = String(decoding: reader.bytes(rowStart..<rowEnd), as: UTF8.self)
        } else {
            row.fields.reserveCapacity(spans.count)
            for span in spans {
                row.fields.append(makeString(span, rowStart: rowStart))
            }
        }
        return row
    }

    private mutating func makeString(_ span: Span, rowStart: Int) -> String {
        if span.start == span.end { return "" }
        let bytes = reader.bytes((rowStart + span.start)..<(rowStart + span.end))
        guard span.escaped else { return String(decoding: bytes, as: UTF8.self) }
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        while i < bytes.count {
            scratch.append(bytes[i])
            i += bytes[i] == .quote ? 2 : 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }
}
