/// Money, dates and rates written the way Indian invoices write them.
///
/// Pure integer formatting: Foundation's number formatters are not used, because their Indian
/// grouping is not dependable on Linux.
public enum IndianFormat {
    /// The amount with Indian digit grouping and two paise digits: `1,23,45,678.50`, `999.00`,
    /// `0.50`; a negative amount gets a leading `-`.
    public static func grouped(_ money: Money) -> String {
        (money.paise < 0 ? "-" : "") + unsignedGrouped(money)
    }

    /// The grouped amount after the rupee sign: `₹1,23,45,678.50`; negative: `-₹50.00`.
    public static func rupees(_ money: Money) -> String {
        (money.paise < 0 ? "-₹" : "₹") + unsignedGrouped(money)
    }

    /// The date as `dd-mm-yyyy`, e.g. `27-11-2026`.
    public static func date(_ civil: CivilTime) -> String {
        "\(pad(civil.day, 2))-\(pad(civil.month, 2))-\(pad(civil.year, 4))"
    }

    /// A GST rate in basis points as a percentage without trailing zeros: `18%`, `12.5%`, `0.25%`, `0%`.
    public static func percent(basisPoints: Int) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = basisPoints.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)%" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)%" }
        return "\(sign)\(whole).\(twoDigits(UInt64(fraction)))%"
    }

    /// `grouped` without the sign.
    private static func unsignedGrouped(_ money: Money) -> String {
        let magnitude = money.paise.magnitude
        return groupedDigits(magnitude / 100) + "." + twoDigits(magnitude % 100)
    }

    /// `12345678` as `1,23,45,678`: the last three digits, then groups of two.
    static func groupedDigits(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var text = ""
        text.reserveCapacity(digits.count + digits.count / 2)
        for (index, digit) in digits.enumerated() {
            text.append(digit)
            let placesAfter = digits.count - 1 - index
            if placesAfter >= 3 && (placesAfter - 3) % 2 == 0 { text.append(",") }
        }
        return text
    }

    private static func twoDigits(_ value: UInt64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
