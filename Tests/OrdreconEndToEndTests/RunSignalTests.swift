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
@Suite(.runsPrograms)
struct RunSignalTests {
    /// - Parameter inheritedBlocked: the binary is started from a thread that blocks SIGTERM and
    ///   SIGINT, a mask the child inherits (swift-corelibs-foundation#4772): it must unblock them.
    @Test(.longRunning, arguments: [(SIGTERM, false), (SIGINT, false), (SIGTERM, true)])
    func aSignalInTheMiddleOfALargeFileStopsAfterTheBatchAndTheNextRunFinishes(signal: Int32, inheritedBlocked: Bool)
        async throws
    {
        // PDFs are left out: rendering them is most of a debug build's time here, and stopping
        // between them is what `invoices render` shows.
        let config = TestWorkspace.defaultConfig(batchSize: 250)
            .replacingOccurrences(of: "write_pdfs = true", with: "write_pdfs = false")
        #expect(config.contains("batch_size = 250") && config.contains("write_pdfs = false"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        // One wave: every feed's file holds many batches of 250 events (1 500 orders: the size of
        // the files is not the point, that a signal comes in the middle of one is).
        let expected = try WorkloadGenerator.write(
            WorkloadOptions(orders: 1500, seed: 23, ordersPerWave: 1500), to: ws.root)

        let running = try ws.start(
            ["run", "--json", "--quiet"], blockedSignals: inheritedBlocked ? [SIGTERM, SIGINT] : [])
        // The signal as soon as the first batch is committed (from a thread of its own: the test's
        // task may wait for a thread of the pool while the run goes on).
        let sent = await running.signal(signal) { ((try? ws.count("SELECT COUNT(*) FROM audit_events")) ?? 0) > 0 }
        #expect(sent != nil, "the run ended before any record was seen")
        let signalled = sent ?? .now
        let result = await running.finish()
        let (stdout, stderr) = (result.stdout, result.stderr)
        let took = ((running.exit?.at ?? .now) - signalled) / .seconds(1)
        #expect(!result.signalled, "killed by the signal")
        #expect(result.status == 75, "\(stderr)")
        // The batch in hand (250 events) is finished first: a few seconds at most, even on a busy machine.
        #expect(took < 20, "exit \(took) s after the signal")
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(stderr.contains("\(name): run stopped after committing the work in hand"), "\(stderr)")

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "\(stdout)")
        #expect(summary["interrupted"] as? Bool == true)
        #expect(summary["stopped_by"] as? String == name)
        let runId = try #require(summary["run_id"] as? Int)
        // The run is recorded as finished, interrupted.
        let row = try ws.query("SELECT finished_at IS NOT NULL, summary_json FROM runs WHERE id = \(runId)")
        #expect(row.first?[0] == "1")
        #expect(row.first?[1]?.contains(#""interrupted":true"#) == true)
        let partial = try ws.count("SELECT COUNT(*) FROM audit_events")
        let rejectedFiles =
            expected.rejectedByCode["bad_file", default: 0]
            + expected.rejectedByCode["unsupported_file_type", default: 0]
        #expect(partial > 0 && partial < expected.events + rejectedFiles, "\(partial) records after the signal")
        // What the summary says is cut short is what the database holds for it.
        for entry in summary["cut_short"] as? [[String: Any]] ?? [] {
            let file = try #require(entry["file"] as? String)
            #expect(
                try ws.count(
                    "SELECT COUNT(*) FROM audit_events a JOIN files f ON f.id = a.file_id WHERE f.name = '\(file)'")
                    == entry["events"] as? Int)
            #expect(
                try ws.count("SELECT events FROM files WHERE name = '\(file)' AND state = 'processing'") == entry[
                    "events"] as? Int)
        }
        print(
            "run: \(name) at \(partial) records -> exit 75 in \(Int(took * 1000)) ms; cut short: \(summary["cut_short"] ?? "-")"
        )

        let next = try await ws.run(["run", "--quiet"])
        #expect(next.status == 65 || next.status == 0, "\(next.stderr)")
        // Every event exactly once, with the generator's outcomes.
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM (SELECT file_id, line FROM audit_events WHERE line IS NOT NULL GROUP BY file_id, line HAVING COUNT(*) > 1)"
            ) == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == expected.events + rejectedFiles)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == expected.applied)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'duplicate'") == expected.duplicate)
        #expect(try ws.count("SELECT COUNT(*) FROM invoices") == expected.invoices)
        #expect(
            try ws.count("SELECT COUNT(*) FROM invoices WHERE missing IS NOT NULL") == expected.invoicesIncomplete)
        #expect(try ws.count("SELECT COUNT(*) FROM refunds") == expected.refunds)
        #expect(try ws.count("SELECT COUNT(*) FROM files WHERE finalized = 0") == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM files") == expected.files)
        try RefundDispatchTests.expectPaidExactlyOnce(ws, gateway)
    }

    /// Sixteen refund requests in flight (concurrency 16) to a gateway that answers after 6 s:
    /// the command exits 75 well before that, without waiting for `timeout_ms`; the sixteen
    /// attempts are recorded as interrupted and the four refunds not started have no attempt in
    /// that run; the next dispatches send every refund again with the same key, and the gateway
    /// pays each once (the ones it had taken are answered from its memory).
    @Test(.longRunning, arguments: [("run", SIGTERM), ("dispatch", SIGINT)])
    func aSignalWithSixteenRequestsInFlightStopsPromptlyAndEachRefundIsPaidOnce(command: String, signal: Int32)
        async throws
    {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try RefundDispatchTests.dropCancelledOrders(ws, count: 20)
        if command == "dispatch" {
            // The files first, with a gateway that refuses connections: the refunds stay pending.
            try ws.pointGateway(at: "http://127.0.0.1:\(TestWorkspace.closedPort)", maxAttempts: 1)
            let first = try await ws.run(["run", "--quiet"])
            #expect(first.status == 75, "\(first.stderr)")
            #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == 20)
            #expect(try await ws.waitUntilPendingRefundsAreDue())  // their stored next attempts have come
        }
        let gateway = try await ws.startGateway(
            arguments: ["--delay-ms", "6000"], timeoutMilliseconds: 30_000, backoffMax: 1500,
            extra: ["concurrency = 16"])
        defer { gateway.terminate() }

        let running = try ws.start([command])
        // The signal once 16 attempts are recorded in flight and the gateway has taken the 16
        // requests (it holds each for 6 s: longer than the exit may take, even on a busy machine).
        let sent = await running.signal(signal) {
            ((try? ws.count("SELECT COUNT(*) FROM refund_attempts WHERE outcome = 'in_flight'")) ?? 0) == 16
                && ((try? gateway.entries().count) ?? 0) >= 16
        }
        #expect(sent != nil, "16 requests in flight were not seen")
        let signalled = sent ?? .now
        let result = await running.finish()
        let (stdout, stderr) = (result.stdout, result.stderr)
        let took = ((running.exit?.at ?? .now) - signalled) / .seconds(1)
        #expect(!result.signalled && result.status == 75, "\(stdout)\n\(stderr)")
        // Promptly, without waiting for the answers (each 6 s away; none was recorded, below).
        #expect(took < 5, "exit \(took) s after the signal")
        #expect(stdout.contains("stopped on request before the end"), "\(stdout)")
        let lastRun = "(SELECT MAX(id) FROM runs)"
        #expect(
            try ws.count("SELECT COUNT(*) FROM refund_attempts WHERE run_id = \(lastRun) AND outcome = 'interrupted'")
                == 16)
        #expect(
            try ws.count("SELECT COUNT(*) FROM refund_attempts WHERE run_id = \(lastRun) AND outcome <> 'interrupted'")
                == 0)
        let message = try ws.query(
            "SELECT message FROM refund_attempts WHERE outcome = 'interrupted' AND run_id = \(lastRun) LIMIT 1")
        #expect(message.first?.first??.contains("the next attempt sends the same key") == true)
        #expect(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'pending'") == 20)
        #expect(try ws.count("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL") == 0)
        print("\(command): signal \(signal) with 16 requests in flight -> exit 75 in \(Int(took * 1000)) ms")

        // The gateway may still be working on the keys it took (409, Retry-After: 1): dispatch
        // again until nothing is left.
        var statuses: [Int32] = []
        for _ in 0..<10 {
            let next = try await ws.run(["dispatch", "--quiet"], timeout: .seconds(120))
            statuses.append(next.status)
            if next.status != 75 { break }
            #expect(try await ws.waitUntilPendingRefundsAreDue())  // the gateway's Retry-After has passed
        }
        #expect(statuses.last == 0, "dispatch statuses \(statuses)")
        try RefundDispatchTests.expectPaidExactlyOnce(ws, gateway)
        // A key cut short after the gateway took it was answered from the gateway's memory (or
        // told to come back while it still worked on it), never paid again.
        let taken = try gateway.entries().filter { $0.outcome == "accepted" }.map(\.key)
        for key in taken {
            let outcomes = try gateway.entries().filter { $0.key == key }.map(\.outcome)
            #expect(
                outcomes.first == "accepted"
                    && outcomes.dropFirst().allSatisfy { $0 == "replayed" || $0 == "conflict" }, "\(key): \(outcomes)")
        }
        print("\(command): the gateway saw \(try gateway.entries().count) requests for 20 refunds")
    }
}
