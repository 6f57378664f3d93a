/// Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3): whole seconds, or an HTTP date.
public enum RetryAfter {
    /// Milliseconds to wait from `now`; nil when the value is neither form. A date in the past gives 0.
    public static func milliseconds(from text: String, now: Timestamp) -> Int64? {
        let value = text.trimmingSpaces()
        if !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard value.utf8.count <= 9, let seconds = Int64(value) else { return nil }
            return seconds * 1000
        }
        guard let date = httpDateMilliseconds(value) else { return nil }
        return max(0, date - now.milliseconds)
    }

    /// Parses the preferred HTTP date form, IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDateMilliseconds(_ text: String) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000 + Int64(second) * 1000
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
