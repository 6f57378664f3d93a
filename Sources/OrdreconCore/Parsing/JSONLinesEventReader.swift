/// Reads the events of a JSON Lines feed file (`.jsonl`, `.ndjson`): one event object per line.
///
/// A line that is not valid UTF-8 or not one JSON value is a malformed event carrying the line's
/// text (capped at 4 KiB); reading goes on with the next line. Blank lines are skipped (but counted).
public struct JSONLinesEventReader<Source: ByteSource> {
    private var reader: ByteReader
    private var line: Int
    private var atFileStart: Bool
    private var decoder = JSONEventDecoder()

    /// Creates a reader over `source`, which is already positioned at `startOffset`.
    /// - Parameters:
    ///   - startOffset: 0 for the start of the file, or an event's ``RawEvent/endOffset`` to resume after it.
    ///   - startLine: the line at `startOffset`: 1, or the event's ``RawEvent/nextLine``.
    public init(source: Source, startOffset: Int64, startLine: Int) {
        self.reader = ByteReader(source: TypedByteSourceBox(source), startOffset: startOffset)
        self.line = startLine
        self.atFileStart = startOffset == 0
    }

    /// The next event, or nil at the end of the file.
    public mutating func next() throws -> RawEvent? {
        if atFileStart {
            atFileStart = false
            if try reader.ensure(3), startsWithBOM(reader.bytes(reader.pos..<reader.end)) { reader.pos += 3 }
        }
        while true {
            var lineStart = reader.pos
            var p = lineStart
            var dropped = 0  // bytes of an over-long line let go
            var head: [UInt8] = []  // the first bytes of an over-long line
            while true {
                let base = reader.base
                let end = reader.end
                var i = p
                while i < end && base.load(fromByteOffset: i, as: UInt8.self) != .lf { i += 1 }
                p = i
                if p < end { break }
                var keep = lineStart
                // One byte over the limit is kept: a CR there is not the line's if an LF follows it.
                if dropped > 0 || p - lineStart > ParsingLimits.maxEventBytes + 1 {
                    if dropped == 0 {
                        head = Array(reader.bytes(lineStart..<(lineStart + ParsingLimits.maxSourceTextBytes + 4)))
                    }
                    dropped += p - lineStart
                    keep = p
                }
                reader.pos = p
                let got = try reader.refill(dropping: keep)
                p -= keep
                lineStart = 0
                if !got { break }
            }
            let terminated = p < reader.end
            if !terminated && p == lineStart && dropped == 0 { return nil }
            var contentEnd = p
            if contentEnd > lineStart && reader.base.load(fromByteOffset: contentEnd - 1, as: UInt8.self) == .cr {
                contentEnd -= 1
            }
            reader.pos = terminated ? p + 1 : p
            let number = line
            line += 1
            let content = reader.bytes(lineStart..<contentEnd)
            let tooLong = dropped + content.count > ParsingLimits.maxEventBytes
            if !tooLong && content.allSatisfy({ $0 == .space || $0 == .tab || $0 == .cr }) { continue }

            var event = RawEvent(line: number)
            if tooLong {
                event.malformed = "line is longer than 1 MiB (\(ParsingLimits.maxEventBytes) bytes)"
                if dropped > 0 { event.sourceText = head.withUnsafeBytes { Self.sourceText($0) } }
            } else if let bad = UTF8Validator.firstInvalidOffset(in: content) {
                event.malformed = "line is not valid UTF-8 (column \(bad + 1))"
            } else {
                do {
                    try decoder.decode(content, into: &event)
                } catch {
                    event = RawEvent(line: number)
                    event.malformed = "line is not valid JSON: \(error.message) (column \(error.offset + 1))"
                }
            }
            if event.malformed != nil && event.sourceText == nil { event.sourceText = Self.sourceText(content) }
            event.endOffset = reader.offset(of: reader.pos)
            event.nextLine = line
            return event
        }
    }

    /// The start of a line's text for a rejection file: at most 4 KiB, not cutting a character.
    private static func sourceText(_ bytes: UnsafeRawBufferPointer) -> String {
        var count = min(bytes.count, ParsingLimits.maxSourceTextBytes)
        if count < bytes.count {
            var back = 0
            while back < 3 && count > 0 && bytes[count] & 0xC0 == 0x80 {
                count -= 1
                back += 1
            }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
    }
}
