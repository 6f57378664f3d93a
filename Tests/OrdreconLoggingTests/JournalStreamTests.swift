import Foundation
import Logging
import OrdreconLogging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real pipe, both ends closed by ``close()``.
private struct RealPipe {
    let read: Int32
    let write: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
        read = fds[0]
        write = fds[1]
    }

    /// `dev:ino` of the pipe, as systemd writes JOURNAL_STREAM.
    var journalStream: String {
        var status = stat()
        _ = fstat(write, &status)
        return "\(status.st_dev):\(status.st_ino)"
    }

    /// What was written so far (the write end must be closed first for a complete read).
    func readAll() -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    func close() {
        _ = Glibc.close(read)
        _ = Glibc.close(write)
    }
}

@Suite("JournalStream")
struct JournalStreamTests {
    @Test("swift-log levels map to syslog priorities")
    func priorities() {
        let expected: [(Logger.Level, Int)] = [
            (.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
        for (level, priority) in expected {
            #expect(JournalStream.priority(of: level) == priority, "\(level)")
            #expect(JournalStream.prefix(for: level) == "<\(priority)>")
        }
        #expect(Set(Logger.Level.allCases.map(JournalStream.priority(of:))) == [2, 3, 4, 5, 6, 7])
    }

    @Test("a descriptor is the journal stream only when JOURNAL_STREAM names its device and inode")
    func detection() throws {
        let journal = try RealPipe()
        let other = try RealPipe()
        defer {
            journal.close()
            other.close()
        }
        let environment = ["JOURNAL_STREAM": journal.journalStream]
        #expect(JournalStream.isConnected(fileDescriptor: journal.write, environment: environment))
        // The same variable inherited by a process whose descriptor went elsewhere.
        #expect(!JournalStream.isConnected(fileDescriptor: other.write, environment: environment))
        #expect(!JournalStream.isConnected(fileDescriptor: journal.write, environment: [:]))
        let parts = journal.journalStream.split(separator: ":")
        for bad in [
            "", ":", "\(parts[0])", "\(parts[0]):", "\(parts[0]):x", "x:\(parts[1])", "\(parts[0]):\(parts[1]):1",
            "\(parts[0]):\(UInt64(parts[1])! + 1)",
        ] {
            #expect(
                !JournalStream.isConnected(fileDescriptor: journal.write, environment: ["JOURNAL_STREAM": bad]),
                "\(bad)")
        }
        #expect(!JournalStream.isConnected(fileDescriptor: -1, environment: environment))
    }

    @Test("with the journal as the sink's descriptor, every line starts with its priority")
    func prefixedLinesThroughARealPipe() throws {
        let journal = try RealPipe()
        defer { journal.close() }
        let sink = FileDescriptorLogSink(fileDescriptor: journal.write)
        for (environment, prefixed) in [(["JOURNAL_STREAM": journal.journalStream], true), ([:], false)] {
            let options = StructuredLogging.effectiveOptions(
                LoggingOptions(format: .logfmt, level: .trace), sink: sink, environment: environment)
            #expect(options.syslogPriorityPrefix == prefixed)
            let factory = LogHandlerFactory(options: options, sink: sink)
            let logger = Logger(label: "ordrecon") { factory.makeHandler(label: $0) }
            for level in Logger.Level.allCases { logger.log(level: level, "a \(level.rawValue) line") }
        }
        // JSON too: the prefix goes before the object, which journald then stores as the message.
        let json = StructuredLogging.effectiveOptions(
            LoggingOptions(format: .json), sink: sink, environment: ["JOURNAL_STREAM": journal.journalStream])
        let jsonFactory = LogHandlerFactory(options: json, sink: sink)
        Logger(label: "ordrecon") { jsonFactory.makeHandler(label: $0) }.error("failed")
        _ = Glibc.close(journal.write)
        let lines = journal.readAll().split(separator: "\n").map(String.init)
        try #require(lines.count == 15)
        let priorities = ["<7>", "<7>", "<6>", "<5>", "<4>", "<3>", "<2>"]
        for (index, level) in Logger.Level.allCases.enumerated() {
            #expect(lines[index].hasPrefix(priorities[index] + "time="), "\(lines[index])")
            #expect(lines[index].contains("level=\(level.rawValue)"))
            #expect(lines[index + 7].hasPrefix("time="), "not the journal: no prefix: \(lines[index + 7])")
        }
        #expect(lines[14].hasPrefix("<3>{"))
        let object = try JSONSerialization.jsonObject(with: Data(lines[14].dropFirst(3).utf8)) as? [String: Any]
        #expect(object?["msg"] as? String == "failed")
    }
}
