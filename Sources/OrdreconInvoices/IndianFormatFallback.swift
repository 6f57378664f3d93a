// TEMPORARY FALLBACK, to delete when OrdreconCore's `IndianFormat` is committed (same API).
// Kept internal and module-local so the renderer's calls read `IndianFormat.…` already.
import OrdreconCore

/// Stand-in for OrdreconCore's Indian number and date formatting.
enum IndianFormat {
    /// `₹1,23,45,678.50`.
    static func rupees(_ amount: Money) -> String {
        amount.paise < 0 ? "-₹" + grouped(Money(paise: -amount.paise)) : "₹" + grouped(amount)
    }

    /// `1,23,45,678.50`: the last three digits of the rupees, then groups of two.
    static func grouped(_ amount: Money) -> String {
        let sign = amount.paise < 0 ? "-" : ""
        let magnitude = amount.paise.magnitude
        var digits = Array(String(magnitude / 100))
        var groups: [String] = [String(digits.suffix(3))]
        digits.removeLast(min(3, digits.count))
        while !digits.isEmpty {
            groups.insert(String(digits.suffix(2)), at: 0)
            digits.removeLast(min(2, digits.count))
        }
        let paise = magnitude % 100
        return sign + groups.joined(separator: ",") + "." + (paise < 10 ? "0" : "") + String(paise)
    }

    /// `27-11-2026`.
    static func date(_ time: CivilTime) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(time.day))-\(two(time.month))-\(time.year)"
    }

    /// `18%`, `2.5%`, `0.25%`.
    static func percent(basisPoints: Int) -> String {
        let whole = basisPoints / 100
        var fraction = basisPoints % 100
        guard fraction != 0 else { return "\(whole)%" }
        var text = fraction < 10 ? "0\(fraction)" : "\(fraction)"
        if fraction % 10 == 0 {
            fraction /= 10
            text = "\(fraction)"
        }
        return "\(whole).\(text)%"
    }
}
