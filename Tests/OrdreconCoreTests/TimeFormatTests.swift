import Foundation
import OrdreconCore
import Testing

/// The one time formatter (``TimeFormat``), read back by ``Timestamp``'s parser.
struct TimeFormatTests {
    let kolkata = TimeZone(identifier: "Asia/Kolkata")!

    @Test("known instants in each shape")
    func knownInstants() {
        let instant: Int64 = 1_795_768_500_123  // 2026-11-27T08:35:00.123Z
        #expect(TimeFormat.utcMilliseconds.string(milliseconds: instant) == "2026-11-27T08:35:00.123Z")
        #expect(
            TimeFormat(fraction: .none, offset: .colon).string(milliseconds: instant, offsetSeconds: 19_800)
                == "2026-11-27T14:05:00+05:30")
        #expect(
            TimeFormat(fraction: .none, offset: .compact).string(milliseconds: instant) == "2026-11-27T08:35:00+0000")
        #expect(
            TimeFormat(fraction: .none, offset: .omitted).string(milliseconds: instant, offsetSeconds: 19_800)
                == "2026-11-27T14:05:00")
        #expect(
            TimeFormat(fraction: .millisecondsWhenNotZero, offset: .colon).string(
                milliseconds: instant - 123, offsetSeconds: -12_600) == "2026-11-27T05:05:00-03:30")
        #expect(TimeFormat.utcMilliseconds.string(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(TimeFormat.utcMilliseconds.string(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(TimeFormat.utcMilliseconds.string(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        // Zulu shows UTC whatever offset it is given.
        #expect(TimeFormat.utcMilliseconds.string(milliseconds: 0, offsetSeconds: 19_800) == "1970-01-01T00:00:00.000Z")
    }

    @Test("Timestamp's own text: milliseconds only when not zero, the zone's offset")
    func timestampText() {
        let instant = Timestamp(milliseconds: 1_795_768_500_000)
        #expect(instant.iso8601(in: kolkata) == "2026-11-27T14:05:00+05:30")
        #expect(Timestamp(milliseconds: 1_795_768_500_250).iso8601(in: kolkata) == "2026-11-27T14:05:00.250+05:30")
        #expect(instant.iso8601(in: TimeZone(secondsFromGMT: 0)!) == "2026-11-27T08:35:00+00:00")
        #expect(instant.utcText == "2026-11-27T08:35:00.000Z")
    }

    @Test(
        "every shape reads back as the same instant",
        arguments: [
            TimeFormat.utcMilliseconds,
            TimeFormat(fraction: .milliseconds, offset: .colon),
            TimeFormat(fraction: .milliseconds, offset: .compact),
            TimeFormat(fraction: .milliseconds, offset: .omitted),
            TimeFormat(fraction: .millisecondsWhenNotZero, offset: .colon),
        ])
    func roundTrip(format: TimeFormat) throws {
        var random = SplitMix64(seed: 42)
        let rules = ZoneRules(kolkata)
        for _ in 0..<2_000 {
            // 1950 to 2100, any millisecond (Asia/Kolkata has been +05:30 throughout, so a time
            // without an offset reads back too).
            let milliseconds = Int64(bitPattern: random.next() % 4_733_510_400_000) - 631_152_000_000
            let text = format.string(milliseconds: milliseconds, offsetSeconds: 19_800)
            #expect(try Timestamp(iso8601: text, rules: rules).milliseconds == milliseconds, "\(text)")
        }
    }

    @Test("the calendar agrees with Foundation's", arguments: [0, 19_800, -36_000])
    func agreesWithFoundation(offset: Int) {
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime]
        foundation.timeZone = TimeZone(secondsFromGMT: offset)!
        var random = SplitMix64(seed: UInt64(offset + 100_000))
        for _ in 0..<500 {
            let seconds = Int64(random.next() % 4_102_444_800)  // 1970 to 2100
            let ours = TimeFormat(fraction: .none, offset: offset == 0 ? .zulu : .colon)
                .string(milliseconds: seconds * 1000, offsetSeconds: offset)
            #expect(ours == foundation.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
    }
}
