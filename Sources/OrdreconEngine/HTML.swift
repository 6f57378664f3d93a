/// A piece of an HTML page in which text is escaped unless it is marked as markup: the run
/// report is built from these, so text from a feed, a file name or the configuration cannot
/// end up in the page as markup by mistake.
///
/// - A string literal in the source (`"<td>"`, and the literal parts of an interpolation) is
///   markup: the program wrote it.
/// - An interpolated `String` (`"<td>\(name)</td>"`) or ``init(text:)`` is text: `&`, `<`, `>`,
///   `"` and `'` are written as character references (so it is safe in element content and in
///   quoted attribute values) and NUL as U+FFFD.
/// - An interpolated `HTML` is inserted as it is; ``init(trusted:)`` marks a string built at run
///   time as markup, which is only ever right for text the program made itself.
struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The markup, ready to be written.
    private(set) var markup: String

    /// Text, escaped.
    init(text: String) {
        markup = HTML.escape(text)
    }

    /// Markup the program made itself, used as it is.
    init(trusted markup: String) {
        self.markup = markup
    }

    init(stringLiteral markup: String) {
        self.markup = markup
    }

    init(stringInterpolation: StringInterpolation) {
        markup = stringInterpolation.markup
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// A literal part of the source: markup.
        mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) {
            markup += HTML.escape(text)
        }

        /// A whole number, as its digits.
        mutating func appendInterpolation(_ number: Int) {
            markup += String(number)
        }

        /// Markup: as it is.
        mutating func appendInterpolation(_ html: HTML) {
            markup += html.markup
        }
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(trusted: lhs.markup + rhs.markup)
    }

    static func += (lhs: inout HTML, rhs: HTML) {
        lhs.markup += rhs.markup
    }

    /// `text` with the characters that mean something in HTML written as character references.
    static func escape(_ text: String) -> String {
        guard
            text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0 })
        else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Sequence<HTML> {
    /// The pieces one after the other, `separator` between two.
    func joined(separator: HTML = "") -> HTML {
        var out = HTML(trusted: "")
        for (index, piece) in enumerated() {
            if index > 0 { out += separator }
            out += piece
        }
        return out
    }
}
