/// Reads a font's Unicode `cmap` into a table of 65,536 glyph numbers, one per BMP code point.
///
/// The subtables tried, best first: Windows full Unicode (3, 10) and Unicode full (0, 4 or 6),
/// format 12; Windows BMP (3, 1) and Unicode BMP (0, 0 to 3), format 4. A glyph number past
/// the font's last glyph counts as none.
enum CharacterMapReader {
    static func glyphs(_ reader: FontReader, cmap: Range<Int>, glyphCount: Int) throws(PDFError) -> [UInt16] {
        var best: (rank: Int, offset: Int, format: UInt16)?
        for index in 0..<Int(try reader.u16(cmap.lowerBound + 2)) {
            let record = cmap.lowerBound + 4 + 8 * index
            let platform = try reader.u16(record)
            let encoding = try reader.u16(record + 2)
            let offset = cmap.lowerBound + Int(try reader.u32(record + 4))
            let format = try reader.u16(offset)
            let rank: Int? =
                switch (platform, encoding, format) {
                case (3, 10, 12): 0
                case (0, 4, 12), (0, 6, 12): 1
                case (3, 1, 4): 2
                case (0, 0...3, 4): 3
                default: nil
                }
            if let rank, rank < best?.rank ?? .max { best = (rank, offset, format) }
        }
        guard let best else { throw reader.invalid("no Unicode cmap (format 4 or 12)") }
        var glyphs = [UInt16](repeating: 0, count: 0x1_0000)
        if best.format == 12 {
            try format12(reader, at: best.offset, into: &glyphs)
        } else {
            try format4(reader, at: best.offset, into: &glyphs)
        }
        for index in glyphs.indices where Int(glyphs[index]) >= glyphCount { glyphs[index] = 0 }
        return glyphs
    }

    /// Segments of code points, each mapped by a delta or through the glyph index array.
    private static func format4(_ reader: FontReader, at table: Int, into glyphs: inout [UInt16]) throws(PDFError) {
        let segments = Int(try reader.u16(table + 6)) / 2
        let ends = table + 14
        let starts = ends + 2 * segments + 2
        let deltas = starts + 2 * segments
        let rangeOffsets = deltas + 2 * segments
        for segment in 0..<segments {
            let end = Int(try reader.u16(ends + 2 * segment))
            let start = Int(try reader.u16(starts + 2 * segment))
            let delta = Int(try reader.u16(deltas + 2 * segment))
            let rangeOffsetAt = rangeOffsets + 2 * segment
            let rangeOffset = Int(try reader.u16(rangeOffsetAt))
            guard start <= end else { continue }
            for code in start...end where code != 0xFFFF {
                var glyph: Int
                if rangeOffset == 0 {
                    glyph = code + delta
                } else {
                    glyph = Int(try reader.u16(rangeOffsetAt + rangeOffset + 2 * (code - start)))
                    if glyph != 0 { glyph += delta }
                }
                glyphs[code] = UInt16(truncatingIfNeeded: glyph)
            }
        }
    }

    /// Groups of consecutive code points mapped to consecutive glyphs; only the BMP is kept.
    private static func format12(_ reader: FontReader, at table: Int, into glyphs: inout [UInt16]) throws(PDFError) {
        let groups = Int(try reader.u32(table + 12))
        _ = try reader.range(table + 16, count: 12 * groups)
        for group in 0..<groups {
            let record = table + 16 + 12 * group
            let start = Int(try reader.u32(record))
            let end = min(Int(try reader.u32(record + 4)), 0xFFFE)
            let first = Int(try reader.u32(record + 8))
            guard start <= end else { continue }
            for code in start...end {
                glyphs[code] = UInt16(truncatingIfNeeded: min(first + (code - start), 0xFFFF))
            }
        }
    }
}

/// Writes a format 4 `cmap` (Windows BMP, the one libharu reads) for a subset.
enum CharacterMapWriter {
    /// A `cmap` table mapping each code point to its glyph in the subset.
    ///
    /// Code points less than `gap` apart share a segment (glyph index array, 0 in the holes):
    /// libharu looks up all 65,536 code points of a font, walking the segments in order for
    /// each, so a few segments keep that quick.
    static func table(_ mapping: [(codePoint: UInt16, glyph: UInt16)]) -> [UInt8] {
        let table = self.table(mapping, gap: 32)
        // Holes make the subtable longer; its length is 16-bit: without holes even every
        // code point of DejaVu Sans fits.
        return table.count <= 0xFFFF ? table : self.table(mapping, gap: 1)
    }

    private static func table(_ mapping: [(codePoint: UInt16, glyph: UInt16)], gap: Int) -> [UInt8] {
        let sorted = mapping.sorted { $0.codePoint < $1.codePoint }.filter { $0.codePoint != 0xFFFF }
        var segments: [[(codePoint: UInt16, glyph: UInt16)]] = []
        for entry in sorted {
            if let last = segments.last?.last, Int(entry.codePoint) - Int(last.codePoint) < gap {
                segments[segments.count - 1].append(entry)
            } else {
                segments.append([entry])
            }
        }
        let count = segments.count + 1  // and the final 0xFFFF segment
        var glyphArray: [UInt16] = []
        var rangeOffsets: [UInt16] = []
        for (index, segment) in segments.enumerated() {
            // From this segment's idRangeOffset entry to its first glyph in the array.
            rangeOffsets.append(UInt16(2 * (count - index + glyphArray.count)))
            var next = segment[0].codePoint
            for entry in segment {
                while next < entry.codePoint {
                    glyphArray.append(0)
                    next += 1
                }
                glyphArray.append(entry.glyph)
                next += 1
            }
        }
        var writer = FontWriter()
        writer.u16(0)  // version
        writer.u16(1)  // one subtable
        writer.u16(3)  // Windows
        writer.u16(1)  // Unicode BMP
        writer.u32(12)  // its offset
        let subtable = writer.bytes.count
        writer.u16(4)
        writer.u16(0)  // length, set below
        writer.u16(0)  // language
        writer.u16(UInt16(2 * count))
        var power = 1
        var log = 0
        while power * 2 <= count {
            power *= 2
            log += 1
        }
        writer.u16(UInt16(2 * power))
        writer.u16(UInt16(log))
        writer.u16(UInt16(2 * (count - power)))
        for segment in segments { writer.u16(segment.last!.codePoint) }
        writer.u16(0xFFFF)
        writer.u16(0)  // reserved
        for segment in segments { writer.u16(segment[0].codePoint) }
        writer.u16(0xFFFF)
        for _ in segments { writer.u16(0) }  // idDelta
        writer.u16(1)
        for offset in rangeOffsets { writer.u16(offset) }
        writer.u16(0)
        for glyph in glyphArray { writer.u16(glyph) }
        writer.set16(UInt16(truncatingIfNeeded: writer.bytes.count - subtable), at: subtable + 2)
        return writer.bytes
    }
}
