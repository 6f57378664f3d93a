/// Names of files as partners give them (any bytes but `/` and NUL) and the names ordrecon
/// derives from them, kept within what a Linux file system allows.
enum FileNames {
    /// The longest name a Linux file system takes, in bytes.
    static let maximumBytes = 255

    /// A name that can be shown, logged and recorded: the name itself when it is UTF-8 without
    /// control characters; otherwise each byte that is not part of a valid UTF-8 character, and
    /// each ASCII control byte (a line break in a name must not forge a log or report line), is
    /// written `\xNN`.
    static func display(_ bytes: [UInt8]) -> String {
        if !bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F }) {
            return String(decoding: bytes, as: UTF8.self)  // plain ASCII, the usual case
        }
        var text = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x7F {
                    text += escaped(byte)
                } else {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                }
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if length > 1, index + length <= bytes.count,
                let character = String(validating: bytes[index..<index + length], as: UTF8.self)
            {
                text += character
                index += length
            } else {
                text += escaped(byte)
                index += 1
            }
        }
        return text
    }

    private static func escaped(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }

    /// `name + suffix`, or, when that is longer than a file system allows, the name with its stem
    /// shortened and a short hash of the whole name added (`stem~1a2b3c4d5e6f.ext` + suffix), so
    /// two long names that start alike still get different names. The extension is kept (it
    /// decides the format).
    static func fitted(_ name: String, suffix: String = "") -> String {
        let whole = name + suffix
        if whole.utf8.count <= maximumBytes { return whole }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        var ext = dot.map { String(name[$0...]) } ?? ""
        if ext.utf8.count > 16 { ext = "" }  // not an extension that means anything
        let stem = dot.map { ext.isEmpty ? name : String(name[..<$0]) } ?? name
        let tag = "~" + hash(name)
        let room = maximumBytes - tag.utf8.count - ext.utf8.count - suffix.utf8.count
        var kept = ""
        var used = 0
        for scalar in stem.unicodeScalars {
            let size = String(scalar).utf8.count
            if used + size > room { break }
            kept.unicodeScalars.append(scalar)
            used += size
        }
        return kept + tag + ext + suffix
    }

    /// 12 hex digits of the FNV-1a hash of the name's bytes.
    static func hash(_ name: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        let hex = String(value, radix: 16)
        return String((String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(12))
    }
}
