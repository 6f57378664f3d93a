/// Breaks text into lines that fit a width, for descriptions, names and addresses.
///
/// Lines break after a space, else after `-`, `_`, `/`, `,` or `.`, when one lies in the
/// back two thirds of the line, else anywhere (SKUs are often one long word). Text that needs more
/// than `maxLines` lines is cut, and its last line ends in `…`.
enum TextWrapper {
    /// The lines of `text`, each at most `width` wide by `measure`, at most `maxLines` of them.
    ///
    /// - Parameter measure: the width of one character (widths add up: no kerning).
    static func wrap(
        _ text: String, width: Float, maxLines: Int, measure: (Character) -> Float
    ) -> [String] {
        var remaining = Substring(text.trimmingSpaces)
        var lines: [String] = []
        while !remaining.isEmpty, lines.count < maxLines {
            let isLast = lines.count == maxLines - 1
            let end = fittingEnd(of: remaining, width: width, measure: measure)
            if end == remaining.endIndex {
                lines.append(String(remaining))
                remaining = ""
            } else if isLast {
                lines.append(ellipsized(remaining, width: width, measure: measure))
                remaining = ""
            } else {
                let cut = breakIndex(in: remaining[..<end]) ?? end
                lines.append(String(remaining[..<cut]).trimmingSpaces)
                remaining = remaining[cut...].drop { $0 == " " }
            }
        }
        return lines
    }

    /// The end of the longest prefix (at least one character) that fits `width`.
    private static func fittingEnd(
        of text: Substring, width: Float, measure: (Character) -> Float
    ) -> Substring.Index {
        var used: Float = 0
        var index = text.startIndex
        while index < text.endIndex {
            used += measure(text[index])
            if used > width, index > text.startIndex { return index }
            index = text.index(after: index)
        }
        return index
    }

    /// Where to break a line that is too long: after the last space, else after the last
    /// other break character, if that is far enough along not to leave a short stub.
    private static func breakIndex(in line: Substring) -> Substring.Index? {
        for candidates in [[" "], breakAfter] as [Set<Character>] {
            if let last = line.lastIndex(where: { candidates.contains($0) }) {
                let after = line.index(after: last)
                if line.distance(from: line.startIndex, to: after) * 3 >= line.count { return after }
            }
        }
        return nil
    }

    /// The longest prefix of `text` that, followed by `…`, fits `width`.
    private static func ellipsized(_ text: Substring, width: Float, measure: (Character) -> Float) -> String {
        let end = fittingEnd(of: text, width: width - measure(ellipsis), measure: measure)
        return String(text[..<end]).trimmingSpaces + String(ellipsis)
    }

    private static let ellipsis: Character = "…"
    private static let breakAfter: Set<Character> = [" ", "-", "_", "/", ",", "."]
}

extension String {
    /// The text without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
