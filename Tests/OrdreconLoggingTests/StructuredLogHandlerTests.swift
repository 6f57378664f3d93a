import Foundation
import Logging
import OrdreconLogging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("StructuredLogHandler")
struct StructuredLogHandlerTests {
    // MARK: formats

    @Test("logfmt: the example line")
    func logfmtExample() {
        let sink = MemoryLogSink()
        makeLogger(sink).info("run started", metadata: ["run.id": "7", "file.name": "a b.csv"])
        #expect(
            sink.lines == [
                "time=2026-11-27T14:05:00.123Z level=info label=ordrecon msg=\"run started\" file.name=\"a b.csv\" run.id=7"
            ])
    }

    @Test("json: the example line")
    func jsonExample() {
        let sink = MemoryLogSink()
        makeLogger(sink, format: .json).info(
            "run started", metadata: ["run.id": .stringConvertible(7), "file.name": "a b.csv"])
        #expect(
            sink.lines == [
                #"{"time":"2026-11-27T14:05:00.123Z","level":"info","label":"ordrecon","msg":"run started","file.name":"a b.csv","run.id":7}"#
            ])
    }

    @Test("text: the example line, like swift-log's StreamLogHandler")
    func textExample() {
        let sink = MemoryLogSink()
        makeLogger(sink, format: .text).info("run started", metadata: ["run.id": "7"], source: "module")
        makeLogger(sink, format: .text).warning("no metadata", source: "module")
        #expect(
            sink.lines == [
                "2026-11-27T14:05:00+0000 info ordrecon: run.id=7 [module] run started",
                "2026-11-27T14:05:00+0000 warning ordrecon: [module] no metadata",
            ])
    }

    @Test(
        "logfmt quoting and escaping",
        arguments: [
            ("plain", "plain"),
            ("7", "7"),
            ("", #""""#),
            ("a b.csv", #""a b.csv""#),
            ("k=v", #""k=v""#),
            (#"say "hi""#, #""say \"hi\"""#),
            ("line1\nline2", #""line1\nline2""#),
            ("cr\rtab\t", #""cr\rtab\t""#),
            (#"C:\feeds"#, #"C:\feeds"#),
            (#"C:\my feeds"#, #""C:\\my feeds""#),
            ("nul\u{0}bell\u{7}", #""nul\u0000bell\u0007""#),
            ("del\u{7F}c1\u{85}", #""del\u007fc1\u0085""#),
            ("ls\u{2028}ps\u{2029}", #""ls\u2028ps\u2029""#),
            ("nbsp\u{A0}x", "\"nbsp\u{A0}x\""),
            ("ünïcødé✓🍕", "ünïcødé✓🍕"),
            (#"trailing\"#, #"trailing\"#),
        ])
    func logfmtQuoting(value: String, expected: String) {
        let sink = MemoryLogSink()
        makeLogger(sink).info("m", metadata: ["v": .string(value)])
        #expect(sink.lines == ["time=\(fixedTime) level=info label=ordrecon msg=m v=\(expected)"])
    }

    @Test("logfmt: message, label and awkward keys are quoted or cleaned too")
    func logfmtMessageLabelKeys() {
        let sink = MemoryLogSink()
        makeLogger(sink, label: "ord recon").info(
            "two\nlines \"quoted\"", metadata: ["bad key": "1", "a=b": "2", "": "3"])
        #expect(
            sink.lines == [
                #"time=2026-11-27T14:05:00.123Z level=info label="ord recon" msg="two\nlines \"quoted\"" _=3 a_b=2 bad_key=1"#
            ])
    }

    @Test("text: the message stays on one line")
    func textOneLine() {
        let sink = MemoryLogSink()
        makeLogger(sink, format: .text).error("first\nsecond", metadata: ["file.name": "a b.csv"], source: "m")
        #expect(sink.lines == [#"2026-11-27T14:05:00+0000 error ordrecon: file.name="a b.csv" [m] first\nsecond"#])
    }

    @Test(
        "json: hostile values give valid JSON with the values intact",
        arguments: [
            "", "plain", #"say "hi""#, "line1\nline2\r\n", "k=v", #"back\slash"#, "tab\tnul\u{0}esc\u{1B}[31m",
            "ünïcødé ✓ 🍕 e\u{301}", "\u{7F}\u{85}\u{2028}\u{2029}", #"{"json":"inside"}"#, "</script>",
        ])
    func jsonHostile(value: String) throws {
        let sink = MemoryLogSink()
        makeLogger(sink, format: .json, label: value).info(
            "\(value)",
            metadata: ["v": .string(value), value: "as key", "nested": ["k": .string(value), "a": [.string(value)]]])
        let line = try #require(sink.lines.first)
        #expect(!line.contains("\n") && !line.contains("\r"))
        let object = try parseJSON(line)
        #expect(object["v"] as? String == value)
        #expect(object["msg"] as? String == value)
        #expect(object["label"] as? String == value)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["k"] as? String == value)
        #expect(nested["a"] as? [String] == [value])
        if !["time", "level", "label", "msg", "v", "nested"].contains(value) {
            #expect(object[value] as? String == "as key")
        }
    }

    @Test("json: nested metadata, numbers and booleans")
    func jsonNested() throws {
        let sink = MemoryLogSink()
        makeLogger(sink, format: .json).info(
            "m",
            metadata: [
                "order": ["id": "A-1", "lines": .stringConvertible(3), "tags": ["x", "y"]],
                "ok": .stringConvertible(true),
                "ratio": .stringConvertible(0.5),
                "nan": .stringConvertible(Double.nan),
                "text.number": "42",
            ])
        let line = try #require(sink.lines.first)
        #expect(
            line
                == #"{"time":"2026-11-27T14:05:00.123Z","level":"info","label":"ordrecon","msg":"m","nan":"nan","ok":true,"order":{"id":"A-1","lines":3,"tags":["x","y"]},"ratio":0.5,"text.number":"42"}"#
        )
        _ = try parseJSON(line)
    }

    @Test("logfmt: nested metadata as compact JSON")
    func logfmtNested() {
        let sink = MemoryLogSink()
        makeLogger(sink).info("m", metadata: ["tags": ["a", "b c"], "order": ["id": "7"]])
        #expect(
            sink.lines == [
                #"time=2026-11-27T14:05:00.123Z level=info label=ordrecon msg=m order="{\"id\":\"7\"}" tags="[\"a\",\"b c\"]""#
            ])
    }

    @Test("the call site only when asked for")
    func callSite() throws {
        let sink = MemoryLogSink()
        makeLogger(sink, format: .json).info("m")
        makeLogger(sink, format: .json, includeSource: true).info("m", source: "Engine")
        let lines = sink.lines
        #expect(!lines[0].contains("code.") && !lines[0].contains("source"))
        let object = try parseJSON(lines[1])
        #expect(object["source"] as? String == "Engine")
        #expect((object["code.file"] as? String)?.hasSuffix("StructuredLogHandlerTests.swift") == true)
        #expect(object["code.function"] as? String == "callSite()")
        #expect(object["code.line"] is NSNumber)
        #expect(
            Array(logfmtKeysOfJSON(lines[1]).prefix(8)) == [
                "time", "level", "label", "msg", "source", "code.file", "code.function", "code.line",
            ])
    }

    @Test("an error adds error.message and error.type")
    func errorMetadata() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "disk full" } }
        let sink = MemoryLogSink()
        makeLogger(sink, format: .json).error("write failed", error: Broken())
        let object = try parseJSON(try #require(sink.lines.first))
        #expect(object["error.message"] as? String == "disk full")
        #expect((object["error.type"] as? String)?.hasSuffix("Broken") == true)
    }

    @Test(
        "time is UTC ISO 8601 with milliseconds",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (-0.001, "1969-12-31T23:59:59.999Z"),
            (951_868_800.5, "2000-03-01T00:00:00.500Z"),
            (1_709_251_199.999, "2024-02-29T23:59:59.999Z"),
            (4_102_444_800.0, "2100-01-01T00:00:00.000Z"),
        ])
    func time(seconds: Double, expected: String) throws {
        let sink = MemoryLogSink()
        let logger = Logger(label: "t") {
            StructuredLogHandler(
                label: $0, options: .init(format: .json), sink: sink, metadataProvider: nil,
                clock: {
                    Date(timeIntervalSince1970: seconds)
                })
        }
        logger.info("m")
        #expect(try parseJSON(try #require(sink.lines.first))["time"] as? String == expected)
    }

    @Test("time agrees with Foundation's ISO 8601 formatter")
    func timeAgreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let milliseconds = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let sink = MemoryLogSink()
            Logger(label: "t") {
                StructuredLogHandler(
                    label: $0, options: .init(format: .json), sink: sink, metadataProvider: nil, clock: { date })
            }.info("m")
            #expect(try parseJSON(try #require(sink.lines.first))["time"] as? String == formatter.string(from: date))
        }
    }
}
