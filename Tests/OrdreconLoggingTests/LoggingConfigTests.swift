import Foundation
import Logging
import OrdreconLogging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide logging set up from the configuration and the environment. `.serialized`: the
/// second test bootstraps and updates swift-log for the whole test process, state the other
/// would see.
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
            .init(format: .json, level: .info),
            environment: ["ORDRECON_LOG_LEVEL": "warning", "ORDRECON_LOG_FORMAT": "bogus"])
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
