/// A TrueType font with only the glyphs one document draws, for libharu to load and embed.
struct FontSubset {
    let bytes: [UInt8]
    /// Six capital letters derived from the characters covered, the start of the font's name
    /// (`ABCDEF+DejaVuSans`): what tells PDF readers that the embedded font is a subset.
    let tag: String
    /// Glyphs in the subset, `.notdef` and the parts of composite glyphs included.
    let glyphCount: Int
    /// Each code point the subset has a glyph for, and that glyph's number in the subset.
    let mapping: [(codePoint: UInt16, glyph: UInt16)]

    /// The PDF's CIDToGIDMap for this subset (CIDs are code points): two bytes, the glyph, for
    /// each code point from 0 to `last`; 0 (`.notdef`) for those the subset has no glyph for.
    func cidToGIDMap(through last: UInt16) -> [UInt8] {
        var map = [UInt8](repeating: 0, count: 2 * (Int(last) + 1))
        for entry in mapping where entry.codePoint <= last {
            map[2 * Int(entry.codePoint)] = UInt8(entry.glyph >> 8)
            map[2 * Int(entry.codePoint) + 1] = UInt8(entry.glyph & 0xFF)
        }
        return map
    }
}

/// Cuts a subset out of a TrueType font: the glyphs of the given characters, `.notdef` (drawn
/// for characters the font lacks, as libharu does with the whole font) and every glyph a
/// composite glyph is built from, numbered anew in their original order.
///
/// Tables written: `cmap` (format 4, the code points covered), `glyf` and `loca` (the glyphs,
/// composite references renumbered), `hmtx` (their metrics), `head`, `hhea` and `maxp` (counts
/// and formats fixed up), `post` (format 3: no glyph names), `name` (the copyright and
/// licence strings and the tagged PostScript name) and `OS/2`. libharu reads all of these and
/// needs no others; kerning and OpenType layout tables are left out (libharu applies neither).
enum FontSubsetter {
    /// The name IDs copied from the source: copyright, subfamily (libharu requires it),
    /// licence and licence URL. ID 6 (PostScript name) is written with the tag.
    static let copiedNames = [0, 2, 13, 14]

    static func subset(of font: TrueTypeFont, for scalars: some Sequence<Unicode.Scalar>) throws(PDFError) -> FontSubset
    {
        let codePoints = Set(scalars.lazy.filter { $0.value <= 0xFFFF }.map { UInt16($0.value) }).sorted()
        let mapped = codePoints.compactMap { code -> (codePoint: UInt16, glyph: Int)? in
            let glyph = Int(font.glyphOfCodePoint[Int(code)])
            return glyph == 0 ? nil : (code, glyph)
        }
        let kept = try keptGlyphs(of: font, mapped.map(\.glyph))
        var newIndex = [Int](repeating: -1, count: font.glyphCount)
        for (index, glyph) in kept.enumerated() { newIndex[glyph] = index }
        let (glyf, loca, longOffsets) = try outlines(of: font, kept, newIndex)
        let tag = tag(for: codePoints, name: font.postScriptName)
        let mapping = mapped.map { (codePoint: $0.codePoint, glyph: UInt16(newIndex[$0.glyph])) }
        let tables: [String: [UInt8]] = [
            "glyf": glyf, "loca": loca,
            "cmap": CharacterMapWriter.table(mapping),
            "hmtx": metrics(of: font, kept),
            "head": try copy("head", of: font) {
                $0.set32(0, at: 8)
                $0.set16(longOffsets ? 1 : 0, at: 50)
            },
            "hhea": try copy("hhea", of: font) { $0.set16(UInt16(kept.count), at: 34) },
            "maxp": try copy("maxp", of: font) { maxp in
                maxp.set16(UInt16(kept.count), at: 4)
                if maxp.bytes.count >= 28 { maxp.set16(0, at: 26) }  // maxSizeOfInstructions
            },
            "OS/2": try copy("OS/2", of: font) { os2 in
                guard os2.bytes.count >= 68 else { return }
                os2.set16(mapped.first?.codePoint ?? 0x20, at: 64)  // usFirstCharIndex
                os2.set16(mapped.last?.codePoint ?? 0x20, at: 66)  // usLastCharIndex
            },
            "post": try postScript(of: font),
            "name": try names(of: font, postScriptName: tag + "+" + font.postScriptName),
        ]
        return FontSubset(bytes: SFNTWriter.file(tables), tag: tag, glyphCount: kept.count, mapping: mapping)
    }

    /// `.notdef`, `glyphs` and, recursively, the components of composite glyphs, in order.
    static func keptGlyphs(of font: TrueTypeFont, _ glyphs: [Int]) throws(PDFError) -> [Int] {
        var kept = [Bool](repeating: false, count: font.glyphCount)
        var pending = [0] + glyphs
        while let glyph = pending.popLast() {
            guard !kept[glyph] else { continue }
            kept[glyph] = true
            for component in try font.components(of: glyph) where !kept[component.glyph] {
                pending.append(component.glyph)
            }
        }
        return kept.indices.filter { kept[$0] }
    }

    /// `glyf` and `loca`: each outline copied without instructions, component references
    /// renumbered, padded to 4 bytes; short offsets when they fit.
    private static func outlines(
        of font: TrueTypeFont, _ kept: [Int], _ newIndex: [Int]
    ) throws(PDFError) -> (glyf: [UInt8], loca: [UInt8], long: Bool) {
        var glyf = FontWriter(capacity: kept.reduce(0) { $0 + font.outlines[$1].count + 3 })
        var offsets: [Int] = [0]
        for glyph in kept {
            let start = glyf.bytes.count
            glyf.append(try font.outlineWithoutInstructions(of: glyph))
            for component in try font.components(of: glyph) {
                glyf.set16(UInt16(newIndex[component.glyph]), at: start + component.offset)
            }
            glyf.pad(to: 4)
            offsets.append(glyf.bytes.count)
        }
        let long = glyf.bytes.count / 2 > 0xFFFF
        var loca = FontWriter(capacity: offsets.count * 4)
        for offset in offsets {
            if long { loca.u32(UInt32(offset)) } else { loca.u16(UInt16(offset / 2)) }
        }
        return (glyf.bytes, loca.bytes, long)
    }

    /// `hmtx` with a full metric (advance, left side bearing) for every glyph.
    private static func metrics(of font: TrueTypeFont, _ kept: [Int]) -> [UInt8] {
        var hmtx = FontWriter(capacity: 4 * kept.count)
        for glyph in kept {
            hmtx.u16(font.advances[glyph])
            hmtx.i16(font.leftBearings[glyph])
        }
        return hmtx.bytes
    }

    /// A source table copied and then changed by `change`.
    private static func copy(
        _ tag: String, of font: TrueTypeFont, _ change: (inout FontWriter) -> Void
    ) throws(PDFError) -> [UInt8] {
        guard let range = font.tables[tag] else {
            throw PDFError(errorCode: 0x1060, detailCode: 0, message: "subsetting font \(font.path): no '\(tag)' table")
        }
        var writer = FontWriter(capacity: range.count)
        writer.append(font.bytes[range])
        change(&writer)
        return writer.bytes
    }

    /// `post` version 3: the source's angle, underline and pitch, no glyph names.
    private static func postScript(of font: TrueTypeFont) throws(PDFError) -> [UInt8] {
        let source = try copy("post", of: font) { _ in }
        guard source.count >= 32 else {
            throw PDFError(
                errorCode: 0x105F, detailCode: 0, message: "subsetting font \(font.path): short 'post' table")
        }
        var post = FontWriter(capacity: 32)
        post.u32(0x0003_0000)
        post.append(source[4..<16])  // italicAngle, underlinePosition, underlineThickness
        post.append(source[16..<20])  // isFixedPitch
        post.append([UInt8](repeating: 0, count: 12))  // memory use: unknown
        return post.bytes
    }

    /// A `name` table of Windows Unicode records: the copied IDs and the PostScript name.
    private static func names(of font: TrueTypeFont, postScriptName: String) throws(PDFError) -> [UInt8] {
        let reader = FontReader(bytes: font.bytes, path: font.path)
        let source = try NameRecords(reader, table: font.tables["name"] ?? 0..<0)
        var strings: [(id: Int, bytes: [UInt8])] = Self.copiedNames.compactMap { id in
            source.windows[id].map { (id, Array(font.bytes[$0])) }
        }
        strings.append((6, postScriptName.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
        strings.sort { $0.id < $1.id }
        var name = FontWriter()
        name.u16(0)
        name.u16(UInt16(strings.count))
        name.u16(UInt16(6 + 12 * strings.count))
        var offset = 0
        for string in strings {
            for field in [3, 1, 0x0409, string.id, string.bytes.count, offset] { name.u16(UInt16(field)) }
            offset += string.bytes.count
        }
        for string in strings { name.append(string.bytes) }
        return name.bytes
    }

    /// Six capital letters from a hash (FNV-1a) of the code points and the font's name: the
    /// same characters give the same tag, so the same document gives the same bytes.
    static func tag(for codePoints: [UInt16], name: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        name.utf8.forEach(mix)
        for code in codePoints {
            mix(UInt8(code >> 8))
            mix(UInt8(code & 0xFF))
        }
        var letters = ""
        for _ in 0..<6 {
            letters.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "A") + UInt8(hash % 26)))
            hash /= 26
        }
        return letters
    }
}

/// Assembles an sfnt file: the table directory (tags in order, as the format asks), each table
/// on a 4-byte boundary with its checksum, and `head`'s checkSumAdjustment.
enum SFNTWriter {
    static func file(_ tables: [String: [UInt8]]) -> [UInt8] {
        let tags = tables.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var power = 1
        var log = 0
        while power * 2 <= tags.count {
            power *= 2
            log += 1
        }
        var file = FontWriter(capacity: tables.values.reduce(12 + 16 * tags.count) { $0 + $1.count + 3 })
        file.u32(0x0001_0000)
        file.u16(UInt16(tags.count))
        file.u16(UInt16(16 * power))
        file.u16(UInt16(log))
        file.u16(UInt16(16 * (tags.count - power)))
        var offset = 12 + 16 * tags.count
        for tag in tags {
            let table = tables[tag]!
            file.append(Array(tag.utf8))
            file.u32(FontWriter.checksum(table))
            file.u32(UInt32(offset))
            file.u32(UInt32(table.count))
            offset += (table.count + 3) / 4 * 4
        }
        var headAt = 0
        for tag in tags {
            if tag == "head" { headAt = file.bytes.count }
            file.append(tables[tag]!)
            file.pad(to: 4)
        }
        if tables["head"] != nil {
            file.set32(0xB1B0_AFBA &- FontWriter.checksum(file.bytes), at: headAt + 8)
        }
        return file.bytes
    }
}
