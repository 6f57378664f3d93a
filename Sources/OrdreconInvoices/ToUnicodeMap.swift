/// The ToUnicode CMap of a document's font: how a PDF reader turns the codes in the page text
/// back into characters (copying, searching, `pdftotext`).
///
/// libharu writes its UTF-8 text as `Identity-H` codes, one per character: the code is the
/// character's code point (UTF-16, the BMP only). As the font's ToUnicode stream libharu 2.3
/// writes its UTF-8 encoder's own CMap, an encoding CMap that maps codes to CIDs:
/// `/CMapType 1`, `1 beginnotdefrange <00> <1F> 1` (one-byte codes in a two-byte code space)
/// and `1 begincidrange <0000> <FFFF> 0`, in a stream dictionary saying `/Type /CMap
/// /CMapName /UTF-8`. A ToUnicode map takes `beginbfchar` and `beginbfrange` only (PDF
/// 32000-1, 9.10.3), hence poppler's `Invalid 'begincidrange' operator in ToUnicode CMap` on
/// every file; readers found the text only by guessing from the font. This map replaces it:
/// every code point the document draws (those the font lacks too) mapped to itself,
/// consecutive ones as ranges.
enum ToUnicodeMap {
    /// The CMap text for `codePoints` (in any order; repeats and code points past U+FFFF are
    /// ignored).
    static func text(for codePoints: some Sequence<UInt32>) -> String {
        let sorted = Set(codePoints.lazy.filter { $0 <= 0xFFFF && !(0xD800...0xDFFF).contains($0) }).sorted()
        // Runs of consecutive code points that share their high byte (a bfrange may only vary
        // the last byte).
        var runs: [ClosedRange<UInt32>] = []
        for code in sorted {
            if let last = runs.last, last.upperBound + 1 == code, last.upperBound >> 8 == code >> 8 {
                runs[runs.count - 1] = last.lowerBound...code
            } else {
                runs.append(code...code)
            }
        }
        let ranges = runs.filter { $0.count > 1 }
        let singles = runs.filter { $0.count == 1 }
        var text = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        // At most 100 entries between a begin and its end (PDF 32000-1, 9.10.3).
        for start in stride(from: 0, to: ranges.count, by: 100) {
            let block = ranges[start..<min(start + 100, ranges.count)]
            text += "\(block.count) beginbfrange\n"
            for range in block {
                text += "<\(hex(range.lowerBound))> <\(hex(range.upperBound))> <\(hex(range.lowerBound))>\n"
            }
            text += "endbfrange\n"
        }
        for start in stride(from: 0, to: singles.count, by: 100) {
            let block = singles[start..<min(start + 100, singles.count)]
            text += "\(block.count) beginbfchar\n"
            for single in block { text += "<\(hex(single.lowerBound))> <\(hex(single.lowerBound))>\n" }
            text += "endbfchar\n"
        }
        text += """
            endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end

            """
        return text
    }

    /// Four upper-case hex digits.
    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
