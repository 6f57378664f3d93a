import Glibc

/// How text travels to and from PostgreSQL, whose `text` cannot hold U+0000 (a NUL byte is
/// refused with an encoding error, and a parameter sent as a C string would be cut at it).
///
/// A partner's feed may hold NUL bytes (nothing before the store refuses them: a CSV field, an
/// id, a reason). SQLite keeps such text as it is, so the PostgreSQL store must too: a row with
/// a NUL must be recorded, not fail its batch (the batch would be rolled back and the file
/// failed for one row), and not be cut short (its `.rejected.csv` line would then differ from
/// what the partner sent, silently). Replacing the NUL (by U+FFFD, say) would lose it.
///
/// So a text that holds a NUL is stored in an escaped form that no other text has: U+FFFF (a
/// Unicode noncharacter, never in real text) first, then the text with each backslash doubled
/// and each NUL written `\0`. A text that starts with U+FFFF is escaped the same way, so that
/// no stored text is ambiguous; every other text (all real data) is stored as it is. The
/// mapping is one to one, so equality, keys and unique indexes behave as with SQLite; reads
/// undo it (``PGStatement/string(_:)``). Only SQL that takes such a text apart (LIKE, lower,
/// string_agg) sees the escaped form, and so does someone reading the table by hand.
enum PGText {
    /// U+FFFF in UTF-8: the first bytes of an escaped text.
    static let marker: [UInt8] = [0xEF, 0xBF, 0xBF]

    /// The text as PostgreSQL stores it: `text` itself, or its escaped form when it holds a
    /// NUL or starts with the marker.
    static func encode(_ text: String) -> String {
        var text = text
        let plain = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
            if bytes.count >= 3 && bytes[0] == marker[0] && bytes[1] == marker[1] && bytes[2] == marker[2] {
                return false
            }
            return memchr(base, 0, bytes.count) == nil
        }
        if plain { return text }
        var out = marker
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case 0: out += [UInt8(ascii: "\\"), UInt8(ascii: "0")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text a stored value stands for (the inverse of ``encode(_:)``).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count >= 3, bytes[0] == marker[0], bytes[1] == marker[1], bytes[2] == marker[2] else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 3
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                out.append(bytes[index + 1] == UInt8(ascii: "0") ? 0 : bytes[index + 1])
                index += 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A `text[]` literal of `values` (NULL for nil), each element stored as ``encode(_:)`` says.
    static func array(_ values: [String?]) -> String {
        var out = "{"
        for (offset, value) in values.enumerated() {
            if offset > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for character in encode(value).unicodeScalars {
                if character == "\"" || character == "\\" { out += "\\" }
                out.unicodeScalars.append(character)
            }
            out += "\""
        }
        return out + "}"
    }

    /// A `bigint[]` literal of `values` (NULL for nil).
    static func array(_ values: [Int64?]) -> String {
        "{" + values.map { $0.map { String($0) } ?? "NULL" }.joined(separator: ",") + "}"
    }
}
