import Foundation
import Logging
import OrdreconLogging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// 2026-11-27T14:05:00.123Z
private let fixedDate = Date(timeIntervalSince1970: 1_795_788_300.123)
private let fixedTime = "2026-11-27T14:05:00.123Z"

/// A logger writing to `sink` at a fixed time.
private func makeLogger(
    _ sink: MemoryLogSink,
    format: LogFormat = .logfmt,
    level: Logger.Level = .info,
    label: String = "ordrecon",
    includeSource: Bool = false,
    metadataProvider: Logger.MetadataProvider? = nil
) -> Logger {
    let options = LoggingOptions(format: format, level: level, includeSource: includeSource)
    return Logger(label: label) { label in
        StructuredLogHandler(
            label: label,
            options: options,
            sink: sink,
            metadataProvider: metadataProvider,
            clock: { fixedDate }
        )
    }
}

/// Parses one JSON line into a dictionary, failing the test when it is not one.
private func parseJSON(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [])
    return try #require(object as? [String: Any], sourceLocation: sourceLocation)
}

/// The keys of a logfmt line, in order (values may be quoted and contain spaces).
private func logfmtKeys(_ line: String) -> [String] {
    var keys: [String] = []
    var index = line.startIndex
    while index < line.endIndex {
        let keyStart = index
        while index < line.endIndex && line[index] != "=" { index = line.index(after: index) }
        keys.append(String(line[keyStart..<index]))
        guard index < line.endIndex else { break }
        index = line.index(after: index)
        if index < line.endIndex && line[index] == "\"" {
            index = line.index(after: index)
            while index < line.endIndex && line[index] != "\"" {
                if line[index] == "\\" { index = line.index(after: index) }
                index = line.index(after: index)
            }
            index = line.index(after: index)
        } else {
            while index < line.endIndex && line[index] != " " { index = line.index(after: index) }
        }
        if index < line.endIndex { index = line.index(after: index) }
    }
    return keys
}

/// A metadata provider giving fixed values.
private func provider(_ metadata: Logger.Metadata) -> Logger.MetadataProvider {
    Logger.MetadataProvider { metadata }
}

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
            "\(value)", metadata: ["v": .string(value), value: "as key", "nested": ["k": .string(value), "a": [.string(value)]]])
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
        #expect(sink.lines == [#"time=2026-11-27T14:05:00.123Z level=info label=ordrecon msg=m order="{\"id\":\"7\"}" tags="[\"a\",\"b c\"]""#])
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
        #expect(Array(logfmtKeysOfJSON(lines[1]).prefix(8)) == ["time", "level", "label", "msg", "source", "code.file", "code.function", "code.line"])
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
            StructuredLogHandler(label: $0, options: .init(format: .json), sink: sink, metadataProvider: nil, clock: {
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
                StructuredLogHandler(label: $0, options: .init(format: .json), sink: sink, metadataProvider: nil, clock: { date })
            }.info("m")
            #expect(try parseJSON(try #require(sink.lines.first))["time"] as? String == formatter.string(from: date))
        }
    }

    // MARK: metadata

    @Test("per-call metadata wins over the provider, which wins over the handler's")
    func mergeOrder() {
        let sink = MemoryLogSink()
        var logger = makeLogger(
            sink, metadataProvider: provider(["b": "provider", "c": "provider", "p": "provider"]))
        logger[metadataKey: "a"] = "handler"
        logger[metadataKey: "b"] = "handler"
        logger[metadataKey: "c"] = "handler"
        logger.info("m", metadata: ["c": "call", "d": "call"])
        logger.info("m")
        #expect(
            sink.lines == [
                "time=\(fixedTime) level=info label=ordrecon msg=m a=handler b=provider c=call d=call p=provider",
                "time=\(fixedTime) level=info label=ordrecon msg=m a=handler b=provider c=provider p=provider",
            ])
    }

    @Test("handler metadata is a value: a copy's changes stay in the copy")
    func metadataValueSemantics() {
        let sink = MemoryLogSink()
        var first = makeLogger(sink)
        first[metadataKey: "run.id"] = "1"
        var second = first
        second[metadataKey: "run.id"] = "2"
        first.info("m")
        second.info("m")
        #expect(sink.lines.map { $0.hasSuffix("run.id=1") } == [true, false])
    }

    @Test("keys come in a stable order: fixed keys, then metadata sorted by key")
    func stableOrder() throws {
        let keys = ["zeta", "a.b", "file.name", "Upper", "event.id", "run.id", "a", "b_c", "éclair"]
        var lines: Set<String> = []
        var jsonLines: Set<String> = []
        for _ in 0..<20 {
            var metadata = Logger.Metadata()
            for key in keys.shuffled() { metadata[key] = .string("v") }
            let sink = MemoryLogSink()
            makeLogger(sink).info("m", metadata: metadata)
            makeLogger(sink, format: .json).info("m", metadata: metadata)
            lines.insert(sink.lines[0])
            jsonLines.insert(sink.lines[1])
        }
        #expect(lines.count == 1 && jsonLines.count == 1)
        let expected = ["time", "level", "label", "msg"] + keys.sorted()
        #expect(logfmtKeys(try #require(lines.first)) == expected)
        #expect(logfmtKeysOfJSON(try #require(jsonLines.first)) == expected)
    }

    @Test("metadata named like a fixed key does not hide it")
    func fixedKeyClash() throws {
        let sink = MemoryLogSink()
        makeLogger(sink).info("real", metadata: ["msg": "fake", "level": "critical", "time": "0"])
        makeLogger(sink, format: .json).info("real", metadata: ["msg": "fake"])
        #expect(
            sink.lines[0]
                == "time=\(fixedTime) level=info label=ordrecon msg=real metadata.level=critical metadata.msg=fake metadata.time=0"
        )
        let object = try parseJSON(sink.lines[1])
        #expect(object["msg"] as? String == "real")
        #expect(object["metadata.msg"] as? String == "fake")
    }

    // MARK: levels

    @Test("levels below the handler's are not written")
    func levelFiltering() {
        let sink = MemoryLogSink()
        var logger = makeLogger(sink, level: .notice)
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.notice("n")
        logger.warning("w")
        logger.logLevel = .error
        logger.warning("w2")
        logger.error("e")
        logger.critical("c")
        #expect(sink.lines.map { logfmtValue($0, "msg") } == ["n", "w", "e", "c"])
        #expect(sink.lines.map { logfmtValue($0, "level") } == ["notice", "warning", "error", "critical"])
    }

    // MARK: secrets

    @Test(
        "secret keys are masked",
        arguments: [
            "gateway.token", "http.authorization", "Authorization", "refresh_token", "token", "TOKEN",
            "db.password", "client.Secret", "gateway.api_key", "oauth.access_token", "x.ID_TOKEN",
        ])
    func secretMasked(key: String) throws {
        #expect(SecretKeys.isSecret(key))
        let sink = MemoryLogSink()
        makeLogger(sink).info("m", metadata: [key: "Bearer abc.def"])
        makeLogger(sink, format: .json).info("m", metadata: [key: "Bearer abc.def"])
        makeLogger(sink, format: .text).info("m", metadata: [key: "Bearer abc.def"])
        makeLogger(sink, format: .json).info("m", metadata: [key: ["nested": "Bearer abc.def"]])
        #expect(sink.lines.allSatisfy { !$0.contains("abc.def") })
        #expect(sink.lines[0].hasSuffix(" \(key)=***"))
        #expect(try parseJSON(sink.lines[1])[key] as? String == "***")
        #expect(try parseJSON(sink.lines[3])[key] as? String == "***")
    }

    @Test(
        "keys that only contain a secret word are not masked",
        arguments: [
            "token_count", "tokens", "token.count", "password_policy", "gateway.api_key_id", "secretary",
            "authorization.status", "tokenizer", "file.name",
        ])
    func notMasked(key: String) {
        #expect(!SecretKeys.isSecret(key))
        let sink = MemoryLogSink()
        makeLogger(sink).info("m", metadata: [key: "12"])
        #expect(sink.lines == ["time=\(fixedTime) level=info label=ordrecon msg=m \(key)=12"])
    }

    @Test("secrets inside nested metadata are masked; the message is never rewritten")
    func nestedSecretsAndMessage() throws {
        let sink = MemoryLogSink()
        var logger = makeLogger(sink, format: .json)
        logger[metadataKey: "gateway.token"] = "handler-secret"
        logger.info(
            "password=hunter2 stays as written",
            metadata: ["http": ["headers": ["Authorization": "Bearer xyz", "accept": "json"]], "list": [["token": "t1"]]])
        let line = try #require(sink.lines.first)
        #expect(!line.contains("handler-secret") && !line.contains("xyz") && !line.contains("t1"))
        let object = try parseJSON(line)
        #expect(object["msg"] as? String == "password=hunter2 stays as written")
        let headers = try #require((object["http"] as? [String: Any])?["headers"] as? [String: Any])
        #expect(headers["Authorization"] as? String == "***")
        #expect(headers["accept"] as? String == "json")
        #expect((object["list"] as? [[String: String]]) == [["token": "***"]])
    }

    // MARK: concurrency

    @Test("8 threads × 1000 messages to one memory sink: every line whole")
    func concurrentMemorySink() throws {
        let sink = MemoryLogSink()
        let logger = makeLogger(sink, format: .json)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<1000 {
                logger.info("message", metadata: ["thread": "\(thread)", "index": "\(index)", "text": "a \"b\"\nc"])
            }
        }
        try checkLines(sink.lines, threads: 8, perThread: 1000)
    }

    @Test("8 threads × 1000 messages to one file descriptor: lines never interleave")
    func concurrentFileDescriptorSink() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ordrecon-logging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("log.jsonl").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let sink = FileDescriptorLogSink(fileDescriptor: fd)
        let logger = Logger(label: "ordrecon") {
            StructuredLogHandler(label: $0, options: .init(format: .json), sink: sink, metadataProvider: nil)
        }
        let long = String(repeating: "x", count: 9000)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<1000 {
                logger.info(
                    "message", metadata: ["thread": "\(thread)", "index": "\(index)", "pad": index % 50 == 0 ? .string(long) : "y"])
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        try checkLines(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), threads: 8, perThread: 1000)
    }

    private func checkLines(_ lines: [String], threads: Int, perThread: Int) throws {
        #expect(lines.count == threads * perThread)
        var seen: [Int: Set<Int>] = [:]
        for line in lines {
            let object = try parseJSON(line)
            let thread = try #require((object["thread"] as? String).flatMap { Int($0) })
            let index = try #require((object["index"] as? String).flatMap { Int($0) })
            seen[thread, default: []].insert(index)
        }
        #expect(seen.count == threads)
        #expect(seen.values.allSatisfy { $0.count == perThread })
    }

    // MARK: shared options

    @Test("a factory update changes the level and format of loggers that already exist")
    func factoryUpdate() throws {
        let sink = MemoryLogSink()
        let factory = LogHandlerFactory(options: .init(format: .logfmt, level: .info), sink: sink, clock: { fixedDate })
        let logger = Logger(label: "daemon") { factory.makeHandler(label: $0) }
        var pinned = logger
        pinned.logLevel = .error

        logger.debug("hidden")
        logger.info("as logfmt")
        #expect(logger.logLevel == .info)
        factory.update(.init(format: .json, level: .debug))
        #expect(logger.logLevel == .debug)
        logger.debug("now visible")
        pinned.warning("pinned stays at error")
        pinned.error("pinned in json")

        #expect(sink.lines.count == 3)
        #expect(sink.lines[0] == "time=\(fixedTime) level=info label=daemon msg=\"as logfmt\"")
        #expect(try parseJSON(sink.lines[1])["msg"] as? String == "now visible")
        #expect(try parseJSON(sink.lines[2])["msg"] as? String == "pinned in json")
    }
}

@Suite("LoggingConfig", .serialized)
struct LoggingConfigTests {
    @Test("the environment wins over the options given")
    func environmentOverrides() {
        let base = LoggingOptions(format: .logfmt, level: .info)
        #expect(base.overridden(by: [:]) == base)
        #expect(
            base.overridden(by: ["ORDRECON_LOG_LEVEL": "debug", "ORDRECON_LOG_FORMAT": "json"])
                == LoggingOptions(format: .json, level: .debug))
        #expect(base.overridden(by: ["ORDRECON_LOG_LEVEL": " TRACE "]).level == .trace)
        #expect(base.overridden(by: ["ORDRECON_LOG_FORMAT": "Text"]).format == .text)
        #expect(base.overridden(by: ["ORDRECON_LOG_LEVEL": "loud", "ORDRECON_LOG_FORMAT": "xml"]) == base)
        #expect(base.overridden(by: ["ORDRECON_LOG_LEVEL": "", "ORDRECON_LOG_FORMAT": ""]) == base)
    }

    /// Bootstraps swift-log for the whole test process: lines of other loggers still go to
    /// standard error, only those of this test's labels are kept.
    @Test("bootstrap once; later calls and update change existing loggers")
    func processWide() throws {
        let kept = MemoryLogSink()
        let sink = SplittingSink(keep: kept, labels: ["config.test", "ordrecon.logging"])
        let first = StructuredLogging.bootstrap(
            .init(format: .logfmt, level: .info), sink: sink, clock: { fixedDate }, environment: [:])
        let installedHere = first == StructuredLogging.currentOptions && kept.lines.isEmpty
        let logger = Logger(label: "config.test")
        defer { StructuredLogging.update(.init(format: .text, level: .info), environment: [:]) }

        StructuredLogging.bootstrap(.init(format: .logfmt, level: .info), environment: [:])
        logger.debug("hidden")
        logger.info("first")
        StructuredLogging.update(.init(format: .json, level: .debug), environment: [:])
        logger.debug("second")
        let effective = StructuredLogging.update(
            .init(format: .json, level: .info), environment: ["ORDRECON_LOG_LEVEL": "warning", "ORDRECON_LOG_FORMAT": "bogus"])
        #expect(effective == LoggingOptions(format: .json, level: .warning))
        #expect(StructuredLogging.currentOptions == effective)
        logger.info("hidden again")
        logger.warning("third")

        guard installedHere else { return }  // another suite bootstrapped first, with its own sink
        let lines = kept.lines.filter { !$0.contains("ordrecon.logging") }
        #expect(lines.count == 3)
        #expect(lines.first == "time=\(fixedTime) level=info label=config.test msg=first")
        #expect(try parseJSON(lines[1])["msg"] as? String == "second")
        #expect(try parseJSON(lines[2])["msg"] as? String == "third")
        let warning = try #require(kept.lines.first { $0.contains("ordrecon.logging") })
        let object = try parseJSON(warning)
        #expect(object["env.name"] as? String == "ORDRECON_LOG_FORMAT")
        #expect(object["env.value"] as? String == "bogus")
    }
}

/// Keeps the lines of some labels in memory and passes the others to standard error.
private struct SplittingSink: LogSink {
    var keep: MemoryLogSink
    var labels: [String]

    func write(line: String) {
        if labels.contains(where: { line.contains("label=\($0) ") || line.contains("\"label\":\"\($0)\"") }) {
            keep.write(line: line)
        } else {
            FileDescriptorLogSink.standardError.write(line: line)
        }
    }
}

/// The keys of a flat-enough JSON line, in the order written.
private func logfmtKeysOfJSON(_ line: String) -> [String] {
    // Keys are the strings followed by ':' at nesting depth 1.
    var keys: [String] = []
    var depth = 0
    var inString = false
    var escaped = false
    var current = ""
    var lastString = ""
    for character in line {
        if inString {
            if escaped {
                escaped = false
                current.append(character)
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inString = false
                lastString = current
            } else {
                current.append(character)
            }
            continue
        }
        switch character {
        case "\"":
            inString = true
            current = ""
        case "{", "[": depth += 1
        case "}", "]": depth -= 1
        case ":" where depth == 1: keys.append(lastString)
        default: break
        }
    }
    return keys
}

/// The value of `key` in a logfmt line whose values are bare.
private func logfmtValue(_ line: String, _ key: String) -> String? {
    line.split(separator: " ").first { $0.hasPrefix("\(key)=") }.map { String($0.dropFirst(key.count + 1)) }
}
