import Foundation
import Logging
import OrdreconLogging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// More of StructuredLogHandlerTests: metadata, levels, secrets, several threads, shared options.

extension StructuredLogHandlerTests {
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
            metadata: [
                "http": ["headers": ["Authorization": "Bearer xyz", "accept": "json"]], "list": [["token": "t1"]],
            ])
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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ordrecon-logging-\(UUID().uuidString)")
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
                    "message",
                    metadata: [
                        "thread": "\(thread)", "index": "\(index)", "pad": index % 50 == 0 ? .string(long) : "y",
                    ])
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        try checkLines(
            text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), threads: 8,
            perThread: 1000)
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
