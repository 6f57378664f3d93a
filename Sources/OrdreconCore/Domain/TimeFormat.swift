/// The program's one writer of instants as ISO 8601 text (`2026-11-27T14:05:00.123+05:30`):
/// what commands, reports, messages, log lines, the mock gateway and generated feeds show.
/// ``Timestamp`` reads what it writes.
///
/// The calendar is the proleptic Gregorian one, worked out with integers (no Foundation
/// formatter, no locale); the zone enters only as the UTC offset the caller gives.
public struct TimeFormat: Sendable, Hashable {
    /// Which fraction of a second is written.
    public enum Fraction: Sendable, Hashable {
        /// Whole seconds only: `14:05:00`.
        case none
        /// Always three digits: `14:05:00.000`.
        case milliseconds
        /// Three digits when the instant is not on a whole second: `14:05:00`, `14:05:00.250`.
        case millisecondsWhenNotZero
    }

    /// How the UTC offset is written.
    public enum Offset: Sendable, Hashable {
        /// `Z`: for UTC; the instant is shown in UTC whatever offset is given.
        case zulu
        /// `+05:30`.
        case colon
        /// `+0530` (`+0000` in UTC, the shape of swift-log's own handler).
        case compact
        /// No offset: local time.
        case omitted
    }

    public var fraction: Fraction
    public var offset: Offset

    public init(fraction: Fraction, offset: Offset) {
        self.fraction = fraction
        self.offset = offset
    }

    /// `2026-11-27T08:35:00.000Z`: UTC with milliseconds (log lines, the mock gateway's journal).
    public static let utcMilliseconds = TimeFormat(fraction: .milliseconds, offset: .zulu)

    /// The instant `milliseconds` after the epoch as text, shown `offsetSeconds` east of UTC.
    public func string(milliseconds: Int64, offsetSeconds: Int = 0) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        append(milliseconds: milliseconds, offsetSeconds: offsetSeconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the instant `milliseconds` after the epoch as UTF-8 text, shown `offsetSeconds`
    /// east of UTC.
    public func append(milliseconds: Int64, offsetSeconds: Int = 0, to out: inout [UInt8]) {
        let shown = offset == .zulu ? 0 : offsetSeconds
        let seconds = milliseconds.floorDivided(by: 1000)
        let millis = Int(milliseconds - seconds * 1000)
        let t = Timestamp.civil(fromLocalSeconds: seconds + Int64(shown))
        Self.digits(t.year, 4, &out)
        out.append(UInt8(ascii: "-"))
        Self.digits(t.month, 2, &out)
        out.append(UInt8(ascii: "-"))
        Self.digits(t.day, 2, &out)
        out.append(UInt8(ascii: "T"))
        Self.digits(t.hour, 2, &out)
        out.append(UInt8(ascii: ":"))
        Self.digits(t.minute, 2, &out)
        out.append(UInt8(ascii: ":"))
        Self.digits(t.second, 2, &out)
        if fraction == .milliseconds || (fraction == .millisecondsWhenNotZero && millis != 0) {
            out.append(UInt8(ascii: "."))
            Self.digits(millis, 3, &out)
        }
        switch offset {
        case .zulu: out.append(UInt8(ascii: "Z"))
        case .omitted: break
        case .colon, .compact:
            let magnitude = abs(shown)
            out.append(UInt8(ascii: shown < 0 ? "-" : "+"))
            Self.digits(magnitude / 3600, 2, &out)
            if offset == .colon { out.append(UInt8(ascii: ":")) }
            Self.digits(magnitude % 3600 / 60, 2, &out)
        }
    }

    /// `value` in decimal, zero-padded to `width` digits (more digits when it needs them).
    @inline(__always)
    private static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var rest = value
        if rest < 0 {
            out.append(UInt8(ascii: "-"))
            rest = -rest
        }
        var divisor = 1
        var count = 1
        while divisor <= rest / 10 {
            divisor *= 10
            count += 1
        }
        if count < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - count)) }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            divisor /= 10
        }
    }
}
