public import Foundation

/// An instant, held as whole milliseconds since 1970-01-01T00:00:00Z.
///
/// Feed times are ISO 8601; a time without an offset is read in the configured zone.
/// Times are stored in UTC and shown in the configured zone.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Milliseconds since the Unix epoch, UTC.
    public var milliseconds: Int64

    /// Creates an instant from milliseconds since the Unix epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Creates an instant from a Foundation date (rounded down to the millisecond).
    public init(_ date: Date) {
        self.milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// Why a time text was refused.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The accepted shape, for messages.
    public static let expectedForm = "ISO 8601 date and time, e.g. 2026-11-27T14:05:00+05:30"

    /// Parses an ISO 8601 date and time.
    ///
    /// Accepted: `2026-11-27T14:05`, `2026-11-27T14:05:09`, `2026-11-27 14:05:09.250`, each
    /// optionally followed by `Z`, `+05:30`, `+0530` or `+05`. Without an offset the time is
    /// local time in `zone`.
    /// - Throws: ``ParseError`` naming what is wrong.
    public init(iso8601 text: String, zone: TimeZone) throws(ParseError) {
        try self.init(iso8601: text, rules: ZoneRules(zone))
    }

    /// Parses an ISO 8601 date and time; times without an offset are read with `rules`.
    public init(iso8601 text: String, rules: ZoneRules) throws(ParseError) {
        var text = text
        let parsed: Result<Timestamp, ParseError> = text.withUTF8 { bytes in
            do throws(ParseError) {
                return .success(try Timestamp(utf8: bytes, rules: rules))
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }

    private init(utf8 bytes: UnsafeBufferPointer<UInt8>, rules: ZoneRules) throws(ParseError) {
        var reader = DigitReader(bytes: bytes)
        func fail(_ why: String) -> ParseError { ParseError(description: why) }

        guard let year = reader.digits(4), reader.expect(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.expect(UInt8(ascii: "-")),
            let day = reader.digits(2)
        else { throw fail("is not a date in the form YYYY-MM-DD") }
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year)
        else { throw fail("is not a real calendar date") }
        guard let separator = reader.next(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        else { throw fail("has no time of day (expected 'T' and HH:MM after the date)") }
        guard let hour = reader.digits(2), reader.expect(UInt8(ascii: ":")), let minute = reader.digits(2)
        else { throw fail("has no time of day in the form HH:MM") }
        var second = 0
        var millis = 0
        if reader.peek() == UInt8(ascii: ":") {
            _ = reader.next()
            guard let s = reader.digits(2) else { throw fail("has a bad seconds field") }
            second = s
            if reader.peek() == UInt8(ascii: ".") || reader.peek() == UInt8(ascii: ",") {
                _ = reader.next()
                var count = 0
                while let d = reader.peekDigit() {
                    _ = reader.next()
                    if count < 3 { millis = millis * 10 + d }
                    count += 1
                }
                if count == 0 { throw fail("has an empty fraction of a second") }
                if count < 3 { for _ in count..<3 { millis *= 10 } }
            }
        }
        guard hour <= 23, minute <= 59, second <= 59 else { throw fail("has a time of day out of range") }

        var offsetSeconds: Int?
        if let sign = reader.next() {
            switch sign {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                offsetSeconds = 0
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let oh = reader.digits(2), oh <= 23 else { throw fail("has a bad UTC offset") }
                var om = 0
                if reader.peek() == UInt8(ascii: ":") { _ = reader.next() }
                if !reader.atEnd {
                    guard let m = reader.digits(2), m <= 59 else { throw fail("has a bad UTC offset") }
                    om = m
                }
                let magnitude = oh * 3600 + om * 60
                offsetSeconds = sign == UInt8(ascii: "-") ? -magnitude : magnitude
            default:
                throw fail("has unexpected text after the time")
            }
            if !reader.atEnd { throw fail("has unexpected text after the offset") }
        }

        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let localSeconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let offset = offsetSeconds ?? rules.offset(ofLocalSeconds: localSeconds)
        self.milliseconds = (localSeconds - Int64(offset)) * 1000 + Int64(millis)
    }

    /// The instant as ISO 8601 in `zone`, with its offset, e.g. `2026-11-27T14:05:00+05:30`
    /// (milliseconds only when not zero; `Z` for the zone `UTC`).
    public func iso8601(in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(
            for: Date(timeIntervalSince1970: TimeInterval(milliseconds.floorDivided(by: 1000))))
        let style: TimeFormat.Offset = offset == 0 && zone.identifier == "UTC" ? .zulu : .colon
        return TimeFormat(fraction: .millisecondsWhenNotZero, offset: style).string(
            milliseconds: milliseconds, offsetSeconds: offset)
    }

    /// The instant as ISO 8601 in UTC with a `Z`, e.g. `2026-11-27T08:35:00.000Z`.
    public var utcText: String { TimeFormat.utcMilliseconds.string(milliseconds: milliseconds) }

    /// Calendar fields of this instant's local time in `zone`.
    public func civil(in zone: TimeZone) -> CivilTime {
        let seconds = milliseconds.floorDivided(by: 1000)
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return Timestamp.civil(fromLocalSeconds: seconds + Int64(offset))
    }

    /// This instant plus a number of whole days.
    public func adding(days: Int) -> Timestamp {
        Timestamp(milliseconds: milliseconds + Int64(days) * 86_400_000)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, after H. Hinnant's days_from_civil)

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromLocalSeconds seconds: Int64) -> CivilTime {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        return CivilTime(
            year: year, month: month, day: day,
            hour: secondOfDay / 3600, minute: (secondOfDay % 3600) / 60, second: secondOfDay % 60)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Calendar fields of a local time.
public struct CivilTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// The Indian financial year (April to March) this date falls in, as its first calendar year.
    public var financialYearStart: Int { month >= 4 ? year : year - 1 }

    /// The date as `YYYY-MM-DD`.
    public var dateText: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
}

private struct DigitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index >= bytes.count }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func peekDigit() -> Int? {
        guard let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
        return Int(b - UInt8(ascii: "0"))
    }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let d = peekDigit() else { return nil }
            value = value * 10 + d
            index += 1
        }
        return value
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

/// A time zone, with whether its UTC offset never changes in the years feeds use worked out once
/// (asking Foundation per event is slow). Asia/Kolkata is +05:30 throughout.
public struct ZoneRules: Sendable {
    public let zone: TimeZone
    /// The offset in seconds when it is the same at every sampled instant 1970–2060 and the
    /// zone has no daylight-saving transitions in that span.
    private let fixedOffset: Int?
    private static let fixedSpan: ClosedRange<Int64> = 0...2_871_763_200  // 1970 to 2061

    public init(_ zone: TimeZone) {
        self.zone = zone
        let start = Date(timeIntervalSince1970: 0)
        let first = zone.secondsFromGMT(for: start)
        var fixed =
            zone.nextDaylightSavingTimeTransition(after: start)
            .map { $0.timeIntervalSince1970 > Double(ZoneRules.fixedSpan.upperBound) } ?? true
        var month: Int64 = 0
        while fixed, month * 2_629_746 <= ZoneRules.fixedSpan.upperBound {
            fixed = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(month * 2_629_746))) == first
            month += 1
        }
        fixedOffset = fixed ? first : nil
    }

    /// The UTC offset in force at a local wall-clock time (earlier offset when ambiguous).
    public func offset(ofLocalSeconds local: Int64) -> Int {
        if let fixedOffset, ZoneRules.fixedSpan.contains(local) { return fixedOffset }
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - Int64(guess))))
    }
}
