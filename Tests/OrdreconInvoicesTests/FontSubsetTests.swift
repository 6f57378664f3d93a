import Foundation
import Testing

@testable import OrdreconInvoices

/// The TrueType subsetter and the ToUnicode map, on Debian's DejaVu Sans: each subset is read
/// back with the same parser and compared with the source font.
@Suite struct FontSubsetTests {
    static let source = Result { () throws(PDFError) in
        try TrueTypeFont(path: TaxDocumentPDF.defaultFontDirectory + "/DejaVuSans.ttf")
    }

    private func font() throws -> TrueTypeFont { try Self.source.get() }

    /// A subset's outline is the source's followed by up to 3 bytes of padding (to 4 bytes).
    static func same(_ subset: [UInt8], _ source: [UInt8]) -> Bool {
        (0..<4).contains(subset.count - source.count) && subset.starts(with: source)
            && subset.dropFirst(source.count).allSatisfy { $0 == 0 }
    }

    private func subset(_ text: String) throws -> (FontSubset, TrueTypeFont) {
        let made = try FontSubsetter.subset(of: try font(), for: text.unicodeScalars)
        return (made, try TrueTypeFont(bytes: made.bytes, path: "subset of \(text)"))
    }

    @Test func aCompositeGlyphKeepsItsComponentsRenumbered() throws {
        let font = try font()
        let sourceGlyph = font.glyph(for: "Ś")
        let sourceParts = try font.components(of: sourceGlyph)
        try #require(!sourceParts.isEmpty, "Ś is a composite glyph in DejaVu Sans (S and an acute)")
        let (made, parsed) = try subset("Ś")
        // .notdef, Ś and its parts, nothing else.
        #expect(made.glyphCount == 2 + Set(sourceParts.map(\.glyph)).count)
        #expect(parsed.glyphCount == made.glyphCount)
        let glyph = parsed.glyph(for: "Ś")
        #expect(glyph != 0)
        let parts = try parsed.components(of: glyph)
        #expect(parts.count == sourceParts.count)
        for (part, sourcePart) in zip(parts, sourceParts) {
            #expect(part.glyph > 0 && part.glyph < parsed.glyphCount)
            // The part is the same outline (less hinting) with the same advance.
            #expect(
                try Self.same(
                    parsed.outlineWithoutInstructions(of: part.glyph),
                    font.outlineWithoutInstructions(of: sourcePart.glyph)))
            #expect(parsed.advances[part.glyph] == font.advances[sourcePart.glyph])
            #expect(!parsed.outlines[part.glyph].isEmpty)
        }
    }

    @Test func unknownCodePointsGetNotdefAndNoGlyphOfTheirOwn() throws {
        let (made, parsed) = try subset("A中\u{E000}😀")
        #expect(made.glyphCount == 2)  // .notdef and A
        #expect(parsed.glyph(for: "A") == 1)
        #expect(parsed.glyph(for: "中") == 0)
        #expect(parsed.glyph(for: "\u{E000}") == 0)
        #expect(parsed.glyph(for: "😀") == 0)
        // .notdef keeps its outline and width: it is what libharu draws for them.
        let font = try font()
        #expect(parsed.advances[0] == font.advances[0])
        #expect(try Self.same(parsed.outlineWithoutInstructions(of: 0), font.outlineWithoutInstructions(of: 0)))
        let empty = try FontSubsetter.subset(of: font, for: "".unicodeScalars)
        #expect(empty.glyphCount == 1)
    }

    /// Latin-1, Latin Extended-A, General Punctuation, ₹ and Cyrillic: every code point maps
    /// to a glyph in the subset exactly when it does in the source, with the same advance and
    /// outline (the cmap's segments with holes, glyph numbering, hmtx and loca).
    @Test func everyCodePointOfABigSubsetMapsToTheSameGlyph() throws {
        let font = try font()
        var text = String.UnicodeScalarView()
        for range in [0x20...0x17F, 0x2000...0x206F, 0x20B9...0x20B9, 0x400...0x44F] {
            for value in range { text.append(Unicode.Scalar(UInt32(value))!) }
        }
        let (made, parsed) = try subset(String(text))
        var mapped = 0
        for scalar in text {
            let sourceGlyph = font.glyph(for: scalar)
            let glyph = parsed.glyph(for: scalar)
            #expect((glyph == 0) == (sourceGlyph == 0), "U+\(String(scalar.value, radix: 16))")
            guard glyph != 0, sourceGlyph != 0 else { continue }
            mapped += 1
            #expect(parsed.advances[glyph] == font.advances[sourceGlyph])
            #expect(parsed.leftBearings[glyph] == font.leftBearings[sourceGlyph])
            if try font.components(of: sourceGlyph).isEmpty {
                #expect(
                    try Self.same(
                        parsed.outlineWithoutInstructions(of: glyph), font.outlineWithoutInstructions(of: sourceGlyph)))
            }
        }
        #expect(mapped > 400)
        #expect(made.glyphCount >= mapped)
        #expect(made.bytes.count < 100_000)
    }

    /// Every BMP character at once (hostile text): the cmap no longer fits with holes between
    /// code points and is written without them; the whole font comes back as it was.
    @Test func aSubsetOfEveryCharacterStillMapsLikeTheSource() throws {
        let font = try font()
        let all = (0x20...0xFFFD).compactMap { Unicode.Scalar(UInt32($0)) }
        let made = try FontSubsetter.subset(of: font, for: all)
        let parsed = try TrueTypeFont(bytes: made.bytes, path: "everything")
        var mapped = 0
        for scalar in all {
            let source = font.glyph(for: scalar)
            let glyph = parsed.glyph(for: scalar)
            #expect((glyph == 0) == (source == 0), "U+\(String(scalar.value, radix: 16))")
            if glyph != 0 {
                mapped += 1
                #expect(parsed.advances[glyph] == font.advances[source])
            }
        }
        #expect(mapped > 5_000)
    }

    @Test func theCIDToGIDMapEndsAtTheLastCodePointDrawn() throws {
        let (made, parsed) = try subset("A₹中")
        let map = made.cidToGIDMap(through: 0x4E2D)
        #expect(map.count == 2 * 0x4E2E)
        let glyphs = stride(from: 0, to: map.count, by: 2).map { UInt16(map[$0]) << 8 | UInt16(map[$0 + 1]) }
        #expect(glyphs[0x41] == UInt16(parsed.glyph(for: "A")) && glyphs[0x41] != 0)
        #expect(glyphs[0x20B9] == UInt16(parsed.glyph(for: "₹")) && glyphs[0x20B9] != 0)
        #expect(glyphs.enumerated().allSatisfy { [0x41, 0x20B9].contains($0.offset) || $0.element == 0 })
    }

    @Test func theTagIsSixCapitalsAndFollowsTheCharacters() throws {
        let (first, parsed) = try subset("Invoice ₹")
        let (again, _) = try subset("₹ Invoice")
        let (other, _) = try subset("Invoice ₹1")
        #expect(first.tag.count == 6 && first.tag.allSatisfy { ("A"..."Z").contains($0) })
        #expect(first.tag == again.tag && first.bytes == again.bytes)
        #expect(first.tag != other.tag)
        #expect(parsed.postScriptName == first.tag + "+DejaVuSans")
    }

    @Test func aDamagedFontIsAnErrorNotACrash() throws {
        let bytes = try font().bytes
        for cut in [0, 11, 100, 1_000, 60_000, bytes.count / 2] {
            #expect(throws: PDFError.self) { try TrueTypeFont(bytes: Array(bytes.prefix(cut)), path: "cut") }
        }
        var scrambled = bytes
        for index in stride(from: 12, to: 400, by: 7) { scrambled[index] = 0xFF }  // the table directory
        #expect(throws: PDFError.self) { try TrueTypeFont(bytes: scrambled, path: "scrambled") }
    }

    @Test func widthsAreTheFontsAdvancesInThousandths() throws {
        let fonts = PDFFonts(face: try font())
        // DejaVu Sans: 2048 units per em; A advances 1401, the space 651, .notdef 1229.
        #expect(fonts.width("A", size: 1000) == Float(1401 * 1000 / 2048))
        #expect(fonts.width("A A", size: 10) == Float(2 * (1401 * 1000 / 2048) + 651 * 1000 / 2048) / 100)
        #expect(fonts.width("中", size: 1000) == Float(1229 * 1000 / 2048))
    }

    @Test func theToUnicodeMapUsesBfrangesWithinOneHighByte() {
        let text = ToUnicodeMap.text(for: [0x41, 0x42, 0x43, 0x20B9, 0xFF, 0x100, 0x1F600, 0x41])
        #expect(text.contains("/CMapType 2 def"))
        #expect(text.contains("1 beginbfrange\n<0041> <0043> <0041>\nendbfrange"))
        #expect(text.contains("3 beginbfchar\n<00FF> <00FF>\n<0100> <0100>\n<20B9> <20B9>\nendbfchar"))
        #expect(!text.contains("1F600") && !text.contains("cidrange") && !text.contains("notdef"))
        let many = ToUnicodeMap.text(for: (0..<250).map { UInt32(0x400 + 2 * $0) })
        #expect(many.contains("100 beginbfchar") && many.contains("50 beginbfchar"))
    }
}
