/// Checks a GST identification number (GSTIN) the way the GST portal does, offline.
///
/// Format (15 characters, capitals): a GST state code `01`…`38` (or `97` other territory, `99`
/// centre jurisdiction); the holder's PAN (5 letters, 4 digits, 1 letter); the registration number
/// under that PAN (`1`…`9`, then `A`…`Z`); `Z` (the default for every regular taxpayer, the only
/// kind that issues tax invoices); a check character over the first 14 (GSTN's base-36 scheme).
public enum GSTIN {
    /// What is wrong with `text` as a GSTIN, or nil when it is valid.
    public static func problem(_ text: String) -> String? {
        let characters = Array(text)
        guard characters.count == 15 else {
            return "GSTIN must be 15 characters, got \(characters.count)"
        }
        for (index, character) in characters.enumerated() where value(of: character) == nil {
            if character.isLowercase {
                return "GSTIN must be written in capitals, found '\(character)' at position \(index + 1)"
            }
            return "GSTIN may hold only the letters A-Z and digits 0-9, found '\(character)' at position \(index + 1)"
        }
        let state = String(characters[0..<2])
        guard stateCodes.contains(state) else {
            return "GSTIN must start with a GST state code 01 to 38 (or 97, 99), got '\(state)'"
        }
        let pan = characters[2..<12]
        let panShape = pan.enumerated().allSatisfy { offset, character in
            offset < 5 || offset == 9 ? character.isLetter : character.isNumber
        }
        guard panShape else {
            return "characters 3 to 12 of a GSTIN must be a PAN (5 letters, 4 digits, 1 letter), got '\(String(pan))'"
        }
        guard characters[12] != "0" else {
            return "13th character of a GSTIN (registration number under the PAN) must be 1-9 or A-Z, got '0'"
        }
        guard characters[13] == "Z" else {
            return "14th character of a GSTIN must be 'Z', got '\(characters[13])'"
        }
        let expected = checkCharacter(String(characters[0..<14]))!
        guard characters[14] == expected else {
            return "check character should be '\(expected)', got '\(characters[14])': a character is mistyped"
        }
        return nil
    }

    /// The GST state code a GSTIN starts with (its first two characters), e.g. `29`.
    public static func stateCode(_ gstin: String) -> String {
        String(gstin.prefix(2))
    }

    /// The check character for the first 14 characters of a GSTIN, or nil when `first14` is not
    /// 14 characters of `0-9A-Z`.
    ///
    /// Each character's value (0…35) is multiplied by 1, 2, 1, 2, … from the left; each product
    /// contributes its quotient plus remainder by 36; the check value is `(36 − sum % 36) % 36`.
    public static func checkCharacter(_ first14: String) -> Character? {
        let characters = Array(first14)
        guard characters.count == 14 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = value(of: character) else { return nil }
            let product = value * (index % 2 == 0 ? 1 : 2)
            sum += product / 36 + product % 36
        }
        return alphabet[(36 - sum % 36) % 36]
    }

    /// `0`…`9` → 0…9, `A`…`Z` → 10…35; anything else nil.
    private static func value(of character: Character) -> Int? {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(ascii - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(ascii - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    private static let stateCodes: Set<String> = Set((1...38).map { $0 < 10 ? "0\($0)" : "\($0)" } + ["97", "99"])
}
