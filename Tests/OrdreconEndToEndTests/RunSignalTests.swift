import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT to the one-shot commands: the batch in hand is committed, the summary so
/// far is printed (marked interrupted), the run is recorded as finished, the exit status is 75,
/// and the next run finishes the work exactly once.
@Suite(.serialized)
struct RunSignalTests {
    /// - Parameter inheritedBlocked: the binary is started from a thread that blocks SIGTERM and
    ///   SIGINT, a mask the child inherits (swift-corelibs-foundation#4772): it must unblock them.
    @Test(arguments: [(SIGTERM, false), (SIGINT, false), (SIGTERM, true)])
    func aSignalInTheMiddleOfALargeFileStopsAfterTheBatchAndTheNextRunFinishes(signal: Int32, inheritedBlocked: Bool) throws {
        // PDFs are left out: rendering them is most of a debug build's time here, and stopping
        // between them is what `invoices render` shows.
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: "batch_size = 5000", with: "batch_size = 250")
            .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false")
        #expect(config.contains("batch_size = 250") && config.contains("write_pdfs = false"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let gateway = try ws.startGateway()
        defer { gateway.stop() }
        // One wave: every feed's file holds thousands of events.
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 3000, seed: 23, ordersPerWave: 3000), to: ws.root)

        let running = try startedWithSignalsBlocked(inheritedBlocked ? [SIGTERM, SIGINT] : []) { try ws.start(["run", "--json", "--quiet"]) }
        let output = ProcessOutput(running)
        let midway = waitUntil(timeout: 120) {
            !running.process.isRunning || ((try? ws.count("SELECT COUNT(*) FROM audit_events")) ?? 0) > 0
        }
        #expect(midway && running.process.isRunning, "the run ended before any record was seen")
        let signalled = Date()
        kill(running.process.processIdentifier, signal)
        let (stdout, stderr) = output.finish()
        let took = Date().timeIntervalSince(signalled)
        #expect(running.process.terminationReason == .exit, "killed by the signal")
        #expect(running.process.terminationStatus == 75, "\(stderr)")
        #expect(took < 10, "exit \(took) s after the signal")
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(stderr.contains("\(name): run stopped after committing the work in hand"), "\(stderr)")

        let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "\(stdout)")
        #expect(summary["interrupted"] as? Bool == true)
        #expect(summary["stopped_by"] as? String == name)
        let runId = try #require(summary["run_id"] as? Int)
        // The run is recorded as finished, interrupted.
        let row = try ws.query("SELECT finished_at IS NOT NULL, summary_json FROM runs WHERE id = \(runId)")
        #expect(row.first?[0] == "1")
        #expect(row.first?[1]?.contains(#""interrupted":true"#) == true)
        let partial = try ws.count("SELECT COUNT(*) FROM audit_events")
        let rejectedFiles = expected.rejectedByCode["bad_file", default: 0] + expected.rejectedByCode["unsupported_file_type", default: 0]
        #expect(partial > 0 && partial < expected.events + rejectedFiles, "\(partial) records after the signal")
        // What the summary says is cut short is what the database holds for it.
        for entry in summary["cut_short"] as? [[String: Any]] ?? [] {
            let file = try #require(entry["file"] as? String)
            #expect(try ws.count("SELECT COUNT(*) FROM audit_events a JOIN files f ON f.id = a.file_id WHERE f.name = '\(file)'")
                == entry["events"] as? Int)
            #expect(try ws.count("SELECT events FROM files WHERE name = '\(file)' AND state = 'processing'") == entry["events"] as? Int)
        }
        print("run: \(name) at \(partial) records -> exit 75 in \(Int(took * 1000)) ms; cut short: \(summary["cut_short"] ?? "-")")

        let next = try ws.run(["run", "--quiet"])
        #expect(next.status == 65 || next.status == 0, "\(next.stderr)")
        // Every event exactly once, with the generator's outcomes.
        #expect(try ws.count("SELECT COUNT(*) FROM (SELECT file_id, line FROM audit_events WHERE line IS NOT NULL GROUP BY file_id, line HAVING COUNT(*) > 1)") == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == expected.events + rejectedFiles)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == expected.applied)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'duplicate'") == expected.duplicate)
        #expect(try ws.count("SELECT COUNT(*) FROM invoices") == expected.invoices)
        #expect(try ws.count("SELECT COUNT(*) FROM refunds") == expected.refunds)
        #expect(try ws.count("SELECT COUNT(*) FROM files WHERE finalized = 0") == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM files") == expected.files)
        try RefundDispatchTests.expectPaidExactlyOnce(ws, gateway)
    }

    /// Sixteen refund requests in flight (concurrency 16) to a gateway that answers after 4 s:
    /// the command exits 75 well before that, without waiting for `timeout_ms`; the sixteen
    /// attempts are recorded as interrupted and the four refunds not started have no attempt in
    /// that run; the next dispatches send every refund again with the same key, and the gateway
    /// pays each once (the ones it had taken are answered from its memory).
    @Test(arguments: [("run", SIGTERM), ("dispatch", SIGINT)])
    func aSignalWithSixteenRequestsInFlightStopsPromptlyAndEachRefundIsPaidOnce(command: String, signal: Int32) throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try RefundDispatchTests.dropCancelledOrders(ws, count: 20)
        if command == "dispatch" {
            // The files first, with a gateway that refuses connections: the refunds stay pending.
            try ws.pointGateway(at: "http://127.0.0.1:\(try closedPort())", maxAttempts: 1)
            let first = try ws.run(["run", "--quiet"])
            #expect(first.status == 75, "\(first.stderr)")
            #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == 20)
            Thread.sleep(forTimeInterval: 0.3)  // past the stored next attempts (backoff_max_ms 200)
        }
        let gateway = try ws.startGateway(
            arguments: ["--delay-ms", "4000"], timeoutMilliseconds: 30_000, backoffMax: 1500, extra: ["concurrency = 16"])
        defer { gateway.stop() }

        let running = try ws.start([command])
        let output = ProcessOutput(running)
        let inFlight = waitUntil(timeout: 60) {
            !running.process.isRunning
                || ((try? ws.count("SELECT COUNT(*) FROM refund_attempts WHERE outcome = 'in_flight'")) ?? 0) == 16
        }
        #expect(inFlight && running.process.isRunning, "16 requests in flight were not seen")
        // Let the requests reach the gateway (it holds each for 4 s).
        _ = waitUntil(timeout: 10) { ((try? gateway.entries().count) ?? 0) >= 16 }
        let signalled = Date()
        kill(running.process.processIdentifier, signal)
        let (stdout, stderr) = output.finish()
        let took = Date().timeIntervalSince(signalled)
        #expect(running.process.terminationReason == .exit && running.process.terminationStatus == 75, "\(stdout)\n\(stderr)")
        #expect(took < 2, "exit \(took) s after the signal")
        #expect(stdout.contains("stopped on request before the end"), "\(stdout)")
        let lastRun = "(SELECT MAX(id) FROM runs)"
        #expect(try ws.count("SELECT COUNT(*) FROM refund_attempts WHERE run_id = \(lastRun) AND outcome = 'interrupted'") == 16)
        #expect(try ws.count("SELECT COUNT(*) FROM refund_attempts WHERE run_id = \(lastRun) AND outcome <> 'interrupted'") == 0)
        let message = try ws.query("SELECT message FROM refund_attempts WHERE outcome = 'interrupted' AND run_id = \(lastRun) LIMIT 1")
        #expect(message.first?.first??.contains("the next attempt sends the same key") == true)
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == 20)
        #expect(try ws.count("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL") == 0)
        print("\(command): signal \(signal) with 16 requests in flight -> exit 75 in \(Int(took * 1000)) ms")

        // The gateway may still be working on the keys it took (409, Retry-After: 1): dispatch
        // again until nothing is left.
        var statuses: [Int32] = []
        for _ in 0..<10 {
            let next = try ws.run(["dispatch", "--quiet"], timeout: 120)
            statuses.append(next.status)
            if next.status != 75 { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(statuses.last == 0, "dispatch statuses \(statuses)")
        try RefundDispatchTests.expectPaidExactlyOnce(ws, gateway)
        // A key cut short after the gateway took it was answered from the gateway's memory (or
        // told to come back while it still worked on it), never paid again.
        let taken = try gateway.entries().filter { $0.outcome == "accepted" }.map(\.key)
        for key in taken {
            let outcomes = try gateway.entries().filter { $0.key == key }.map(\.outcome)
            #expect(outcomes.first == "accepted" && outcomes.dropFirst().allSatisfy { $0 == "replayed" || $0 == "conflict" }, "\(key): \(outcomes)")
        }
        print("\(command): the gateway saw \(try gateway.entries().count) requests for 20 refunds")
    }
}
