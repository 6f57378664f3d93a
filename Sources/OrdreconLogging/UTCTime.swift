/// Formats instants as UTC ISO 8601 text without Foundation formatters (no locale, no time zone).
enum UTCTime {
    /// `2026-11-27T14:05:00.123Z`
    static func iso8601Milliseconds(_ millisecondsSinceEpoch: Int64) -> String {
        let parts = Parts(millisecondsSinceEpoch)
        return "\(parts.dateAndTime).\(pad(parts.millisecond, 3))Z"
    }

    /// `2026-11-27T14:05:00+0000`, the shape of swift-log's `StreamLogHandler`.
    static func iso8601Seconds(_ millisecondsSinceEpoch: Int64) -> String {
        "\(Parts(millisecondsSinceEpoch).dateAndTime)+0000"
    }

    private struct Parts {
        var year: Int64, month: Int64, day: Int64
        var hour: Int64, minute: Int64, second: Int64, millisecond: Int64

        init(_ ms: Int64) {
            let msPerDay: Int64 = 86_400_000
            var days = ms / msPerDay
            var rest = ms % msPerDay
            if rest < 0 {
                rest += msPerDay
                days -= 1
            }
            hour = rest / 3_600_000
            minute = rest / 60_000 % 60
            second = rest / 1000 % 60
            millisecond = rest % 1000
            // Days since 1970-01-01 to a civil date (Howard Hinnant, "chrono-compatible
            // low-level date algorithms").
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }

        var dateAndTime: String {
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
