/// An exact amount of Indian rupees, held as a whole number of paise.
///
/// Amounts never pass through binary floating point: they are parsed from their text and
/// computed with integers.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in paise (1/100 rupee).
    public var paise: Int64

    /// Creates an amount from a number of paise.
    public init(paise: Int64) {
        self.paise = paise
    }

    public static let zero = Money(paise: 0)

    /// The largest amount accepted from a feed: ₹10,000,000,000,000 (keeps every sum far from overflow).
    public static let maximum = Money(paise: 1_000_000_000_000_000)

    /// Why a money text was refused.
    public enum ParseError: Error, Sendable, Equatable {
        case empty
        case negative
        case exponent
        case tooManyFractionDigits
        case notANumber
        case tooLarge
    }

    /// Parses a non-negative decimal rupee amount with at most two fraction digits.
    ///
    /// Accepted: `1299`, `1299.5`, `1299.50`, `0.99`. Refused: `-1`, `1e3`, `12.345`, `1,299`, ``.
    public init(parsing text: String) throws(ParseError) {
        var utf8 = Substring(text).utf8[...]
        if utf8.isEmpty { throw .empty }
        if utf8.first == UInt8(ascii: "-") { throw .negative }
        if utf8.first == UInt8(ascii: "+") { utf8 = utf8.dropFirst() }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var digits = 0
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte &- UInt8(ascii: "0"))
                digits += 1
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits > 2 { throw .tooManyFractionDigits }
                    fraction = fraction * 10 + digit
                } else {
                    whole = whole * 10 + digit
                    if whole > Money.maximum.paise / 100 { throw .tooLarge }
                }
            case UInt8(ascii: "."):
                if seenPoint { throw .notANumber }
                seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                throw .exponent
            default:
                throw .notANumber
            }
        }
        if digits == 0 { throw .notANumber }
        if fractionDigits == 1 { fraction *= 10 }
        self.paise = whole * 100 + fraction
    }

    /// The amount as plain decimal rupees with two fraction digits, e.g. `1299.50`.
    public var decimalText: String {
        let sign = paise < 0 ? "-" : ""
        let magnitude = paise.magnitude
        let rupees = magnitude / 100
        let rest = magnitude % 100
        return "\(sign)\(rupees).\(rest < 10 ? "0" : "")\(rest)"
    }

    public var description: String { "\(decimalText) INR" }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.paise < rhs.paise }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(paise: lhs.paise + rhs.paise) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(paise: lhs.paise - rhs.paise) }
    public static func * (lhs: Money, rhs: Int64) -> Money { Money(paise: lhs.paise * rhs) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.paise += rhs.paise }
}

extension Money.ParseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty: "is empty"
        case .negative: "is negative"
        case .exponent: "uses an exponent"
        case .tooManyFractionDigits: "has more than 2 fraction digits"
        case .notANumber: "is not a decimal number"
        case .tooLarge: "is too large"
        }
    }
}
