/// Writes instants as ISO 8601 text in the three styles partners use.
enum TimeText {
    static let indiaOffsetSeconds: Int64 = 19_800

    /// Appends `seconds` (since the epoch, UTC) in `style`.
    static func append(_ seconds: Int64, _ style: TimeStyle, to out: inout [UInt8]) {
        let local = style == .utc ? seconds : seconds + indiaOffsetSeconds
        var days = local / 86_400
        var secondOfDay = local - days * 86_400
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        digits(year, 4, &out)
        out.append(UInt8(ascii: "-"))
        digits(month, 2, &out)
        out.append(UInt8(ascii: "-"))
        digits(day, 2, &out)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 3600 / 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, &out)
        switch style {
        case .indiaOffset: out.append(contentsOf: "+05:30".utf8)
        case .utc: out.append(UInt8(ascii: "Z"))
        case .localNoOffset: break
        }
    }

    /// `seconds` in `style` as a string.
    static func string(_ seconds: Int64, _ style: TimeStyle) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        append(seconds, style, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    private static func digits(_ value: Int64, _ width: Int, _ out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 48 + (rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
