/// An amount in words in the Indian system (crore, lakh, thousand, hundred), as invoices print it.
///
/// `1,23,456.50` → `Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only`.
/// Title case, hyphenated tens, no "and" inside the rupees (`One Hundred Five`); the only "and"
/// joins the rupees to the paise. A crore count of 100 or more is itself said in the same system
/// (`Fifteen Thousand Crore`). One paisa is `One Paisa`; a negative amount starts `Minus Rupees`.
public enum AmountInWords {
    /// The amount in words, e.g. `Rupees One Lakh Only`, `Rupees Zero and Fifty Paise Only`.
    public static func rupees(_ money: Money) -> String {
        let magnitude = money.paise.magnitude
        let rupees = magnitude / 100
        let paise = magnitude % 100
        var text = money.paise < 0 ? "Minus Rupees " : "Rupees "
        text += rupees == 0 ? "Zero" : words(rupees)
        if paise != 0 {
            text += " and " + words(paise) + (paise == 1 ? " Paisa" : " Paise")
        }
        return text + " Only"
    }

    /// A positive whole number in words.
    static func words(_ number: UInt64) -> String {
        var parts: [String] = []
        let crore = number / 10_000_000
        if crore > 0 { parts.append(words(crore) + " Crore") }
        let rest = number % 10_000_000
        let lakh = rest / 100_000
        let thousand = rest / 1_000 % 100
        let hundred = rest / 100 % 10
        let units = rest % 100
        if lakh > 0 { parts.append(belowHundred(lakh) + " Lakh") }
        if thousand > 0 { parts.append(belowHundred(thousand) + " Thousand") }
        if hundred > 0 { parts.append(belowHundred(hundred) + " Hundred") }
        if units > 0 { parts.append(belowHundred(units)) }
        return parts.joined(separator: " ")
    }

    /// 1...99: `Nineteen`, `Twenty`, `Twenty-One`.
    private static func belowHundred(_ number: UInt64) -> String {
        if number < 20 { return small[Int(number)] }
        let ten = tens[Int(number / 10)]
        let unit = number % 10
        return unit == 0 ? ten : ten + "-" + small[Int(unit)]
    }

    private static let small = [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
        "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ]

    private static let tens = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]
}
