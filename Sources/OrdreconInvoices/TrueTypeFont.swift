#if canImport(Glibc)
    import Glibc
#endif

/// A TrueType font (DejaVu Sans) read once and kept whole in memory: each document's subset is
/// cut from it (``FontSubsetter``) and its text measured with it (``PDFFonts``).
///
/// Only what those two need is parsed: the table directory, the Unicode cmap (format 4 or 12,
/// the Basic Multilingual Plane only: libharu's CIDs are 16-bit and ``PDFText`` turns the rest
/// into `?`), advance widths and left side bearings, and where each glyph's outline lies.
/// Every read is checked, so a damaged file is a ``PDFError``, never a crash. Immutable, so the
/// renders of a run share one.
struct TrueTypeFont: Sendable {
    let path: String
    let bytes: [UInt8]
    /// Where each table lies in `bytes`, by tag (`"glyf"`, `"OS/2"`, `"cvt "`, ...).
    let tables: [String: Range<Int>]
    let unitsPerEm: Int
    /// The glyph of each BMP code point (index: the code point), 0 (`.notdef`) when none.
    let glyphOfCodePoint: [UInt16]
    let advances: [UInt16]
    let leftBearings: [Int16]
    /// Where each glyph's outline lies in `bytes`; empty for glyphs without one (the space).
    let outlines: [Range<Int>]
    /// The PostScript name (name ID 6), e.g. `DejaVuSans`.
    let postScriptName: String

    var glyphCount: Int { advances.count }

    /// The tables every subset needs from the source; `cvt `, `fpgm` and `prep` are copied
    /// when present.
    static let requiredTables = ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "OS/2", "post", "name"]

    /// Reads and parses the font file at `path`.
    ///
    /// - Throws: ``PDFError``: `HPDF_FILE_OPEN_ERROR` (0x1017) with `errno` as detail when the
    ///   file cannot be read (libharu's code for the same case), 0x105F when it is no usable
    ///   TrueType font.
    init(path: String) throws(PDFError) {
        try self.init(bytes: try Self.contents(of: path), path: path)
    }

    init(bytes: [UInt8], path: String) throws(PDFError) {
        let reader = FontReader(bytes: bytes, path: path)
        let tables = try Self.tableDirectory(reader)
        func table(_ tag: String) throws(PDFError) -> Range<Int> {
            guard let range = tables[tag] else { throw reader.invalid("no '\(tag)' table") }
            return range
        }
        for tag in Self.requiredTables { _ = try table(tag) }
        let head = try table("head")
        let maxp = try table("maxp")
        let hhea = try table("hhea")
        guard head.count >= 54, maxp.count >= 6, hhea.count >= 36 else { throw reader.invalid("short head/maxp/hhea") }
        let unitsPerEm = Int(try reader.u16(head.lowerBound + 18))
        let longOffsets = try reader.i16(head.lowerBound + 50) == 1
        let glyphCount = Int(try reader.u16(maxp.lowerBound + 4))
        let metricsCount = Int(try reader.u16(hhea.lowerBound + 34))
        guard (16...16384).contains(unitsPerEm), glyphCount > 0, (1...glyphCount).contains(metricsCount) else {
            throw reader.invalid("unitsPerEm \(unitsPerEm), \(glyphCount) glyphs, \(metricsCount) metrics")
        }
        self.path = path
        self.bytes = bytes
        self.tables = tables
        self.unitsPerEm = unitsPerEm
        (advances, leftBearings) = try Self.metrics(
            reader, hmtx: try table("hmtx"), glyphs: glyphCount, long: metricsCount)
        outlines = try Self.outlines(
            reader, loca: try table("loca"), glyf: try table("glyf"), glyphs: glyphCount, long: longOffsets)
        glyphOfCodePoint = try CharacterMapReader.glyphs(reader, cmap: try table("cmap"), glyphCount: glyphCount)
        postScriptName = try Self.postScriptName(reader, name: try table("name"))
    }

    /// The glyph drawn for `scalar`: 0 (`.notdef`, libharu's fallback) when the font has none.
    func glyph(for scalar: Unicode.Scalar) -> Int {
        scalar.value <= 0xFFFF ? Int(glyphOfCodePoint[Int(scalar.value)]) : 0
    }

    /// The advance of `glyph` in thousandths of the font size, truncated as libharu does, so
    /// that text measured here is as wide as libharu draws it.
    func width(ofGlyph glyph: Int) -> Int {
        Int(advances[glyph]) * 1000 / unitsPerEm
    }

    /// The glyphs a composite glyph is built from, with the offset (from the start of its
    /// outline) of each component's glyph index; empty for a simple glyph.
    func components(of glyph: Int) throws(PDFError) -> [(glyph: Int, offset: Int)] {
        try composite(glyph)?.components ?? []
    }

    /// The outline of `glyph` without its TrueType instructions (hinting): a simple glyph's
    /// instructions are cut out and their length set to 0; a composite glyph loses the
    /// instructions after its last component and the flag that announced them.
    func outlineWithoutInstructions(of glyph: Int) throws(PDFError) -> [UInt8] {
        let outline = outlines[glyph]
        guard outline.count >= 10 else { return Array(bytes[outline]) }
        let reader = FontReader(bytes: bytes, path: path)
        if let composite = try composite(glyph) {
            var copy = Array(bytes[outline.lowerBound..<composite.end])
            for flags in composite.flagOffsets { copy[flags] &= ~0x01 }  // WE_HAVE_INSTRUCTIONS: 0x0100
            return copy
        }
        let contours = Int(try reader.i16(outline.lowerBound))
        let lengthAt = outline.lowerBound + 10 + 2 * contours
        let code = lengthAt + 2 + Int(try reader.u16(lengthAt))
        guard code <= outline.upperBound else { throw reader.invalid("glyph \(glyph): instructions past its end") }
        return Array(bytes[outline.lowerBound..<lengthAt]) + [0, 0] + bytes[code..<outline.upperBound]
    }

    /// A composite glyph's components, where their flags lie (offsets from the outline's
    /// start) and where the component list ends in `bytes`; nil for a simple glyph.
    private func composite(
        _ glyph: Int
    ) throws(PDFError) -> (components: [(glyph: Int, offset: Int)], flagOffsets: [Int], end: Int)? {
        let outline = outlines[glyph]
        guard outline.count >= 10 else { return nil }
        let reader = FontReader(bytes: bytes, path: path)
        guard try reader.i16(outline.lowerBound) < 0 else { return nil }
        var found: [(glyph: Int, offset: Int)] = []
        var flagOffsets: [Int] = []
        var position = outline.lowerBound + 10
        var flags: UInt16
        repeat {
            guard position + 4 <= outline.upperBound else { throw reader.invalid("composite glyph \(glyph) cut short") }
            flags = try reader.u16(position)
            let component = Int(try reader.u16(position + 2))
            guard component < glyphCount else { throw reader.invalid("glyph \(glyph) uses missing glyph \(component)") }
            flagOffsets.append(position - outline.lowerBound)
            found.append((component, position + 2 - outline.lowerBound))
            position += 4 + (flags & 0x0001 != 0 ? 4 : 2)  // ARG_1_AND_2_ARE_WORDS
            if flags & 0x0008 != 0 {  // WE_HAVE_A_SCALE
                position += 2
            } else if flags & 0x0040 != 0 {  // WE_HAVE_AN_X_AND_Y_SCALE
                position += 4
            } else if flags & 0x0080 != 0 {  // WE_HAVE_A_TWO_BY_TWO
                position += 8
            }
        } while flags & 0x0020 != 0  // MORE_COMPONENTS
        guard position <= outline.upperBound else { throw reader.invalid("composite glyph \(glyph) cut short") }
        return (found, flagOffsets, position)
    }

    // MARK: Parsing

    private static func contents(of path: String) throws(PDFError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .haru(0x1017, detail: UInt(errno), during: "loading font \(path)") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .haru(0x1016, detail: UInt(errno), during: "reading font \(path)") }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= 64 << 20 else {
                throw PDFError(errorCode: 0x105F, detailCode: 0, message: "reading font \(path): larger than 64 MiB")
            }
        }
    }

    private static func tableDirectory(_ reader: FontReader) throws(PDFError) -> [String: Range<Int>] {
        let version = try reader.u32(0)
        guard version == 0x0001_0000 || version == 0x7472_7565 else {  // 1.0 or 'true'
            throw reader.invalid("not a TrueType font (version 0x\(String(version, radix: 16)))")
        }
        var tables: [String: Range<Int>] = [:]
        for index in 0..<Int(try reader.u16(4)) {
            let record = 12 + 16 * index
            let tag = String(decoding: reader.bytes[try reader.range(record, count: 4)], as: Unicode.ASCII.self)
            let offset = Int(try reader.u32(record + 8))
            let length = Int(try reader.u32(record + 12))
            tables[tag] = try reader.range(offset, count: length)
        }
        return tables
    }

    private static func metrics(
        _ reader: FontReader, hmtx: Range<Int>, glyphs: Int, long: Int
    ) throws(PDFError) -> ([UInt16], [Int16]) {
        guard hmtx.count >= 4 * long + 2 * (glyphs - long) else { throw reader.invalid("short hmtx") }
        var advances: [UInt16] = []
        var bearings: [Int16] = []
        advances.reserveCapacity(glyphs)
        bearings.reserveCapacity(glyphs)
        for glyph in 0..<glyphs {
            if glyph < long {
                advances.append(try reader.u16(hmtx.lowerBound + 4 * glyph))
                bearings.append(try reader.i16(hmtx.lowerBound + 4 * glyph + 2))
            } else {
                advances.append(advances[long - 1])
                bearings.append(try reader.i16(hmtx.lowerBound + 4 * long + 2 * (glyph - long)))
            }
        }
        return (advances, bearings)
    }

    private static func outlines(
        _ reader: FontReader, loca: Range<Int>, glyf: Range<Int>, glyphs: Int, long: Bool
    ) throws(PDFError) -> [Range<Int>] {
        guard loca.count >= (glyphs + 1) * (long ? 4 : 2) else { throw reader.invalid("short loca") }
        func offset(_ glyph: Int) throws(PDFError) -> Int {
            long
                ? Int(try reader.u32(loca.lowerBound + 4 * glyph))
                : 2 * Int(try reader.u16(loca.lowerBound + 2 * glyph))
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(glyphs)
        var start = try offset(0)
        for glyph in 0..<glyphs {
            let end = try offset(glyph + 1)
            guard start <= end, end <= glyf.count else { throw reader.invalid("loca entry \(glyph + 1) out of order") }
            ranges.append((glyf.lowerBound + start)..<(glyf.lowerBound + end))
            start = end
        }
        return ranges
    }

    /// Name ID 6 from the Windows Unicode record, else from the Macintosh Roman one.
    private static func postScriptName(_ reader: FontReader, name: Range<Int>) throws(PDFError) -> String {
        let records = try NameRecords(reader, table: name)
        if let utf16 = records.windows[6] {
            let units = stride(from: utf16.lowerBound, to: utf16.upperBound - 1, by: 2).map {
                UInt16(reader.bytes[$0]) << 8 | UInt16(reader.bytes[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        }
        if let roman = records.macintosh[6] {
            return String(decoding: reader.bytes[roman], as: Unicode.ASCII.self)
        }
        throw reader.invalid("no PostScript name (name ID 6)")
    }
}

/// The strings of a `name` table: for each name ID, the Windows Unicode (3, 1, US English)
/// record's UTF-16BE bytes and the Macintosh Roman (1, 0, English) record's bytes.
struct NameRecords {
    var windows: [Int: Range<Int>] = [:]
    var macintosh: [Int: Range<Int>] = [:]

    init(_ reader: FontReader, table: Range<Int>) throws(PDFError) {
        let count = Int(try reader.u16(table.lowerBound + 2))
        let strings = table.lowerBound + Int(try reader.u16(table.lowerBound + 4))
        for index in 0..<count {
            let record = table.lowerBound + 6 + 12 * index
            let platform = try reader.u16(record)
            let encoding = try reader.u16(record + 2)
            let language = try reader.u16(record + 4)
            let id = Int(try reader.u16(record + 6))
            let bytes = try reader.range(
                strings + Int(try reader.u16(record + 10)), count: Int(try reader.u16(record + 8)))
            guard bytes.upperBound <= table.upperBound else {
                throw reader.invalid("name record \(index) past the end")
            }
            if platform == 3, encoding == 1, language == 0x0409 { windows[id] = bytes }
            if platform == 1, encoding == 0, language == 0 { macintosh[id] = bytes }
        }
    }
}
