import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ordrecon watch`, the built binary as a daemon: the ways partners drop files, SIGTERM in the
/// middle of a file, `/metrics` and `/healthz` against the database, `run --metrics-file`, and
/// SIGHUP. Each test has its own workspace and daemon (on a free metrics port, its standard
/// error in a file of the workspace); the daemon is always stopped, with SIGKILL as a last resort.
@Suite(.serialized)
struct WatchDaemonTests {
    // MARK: 1. How partners drop files

    /// A file renamed into the inbox (`.part`, then rename) is taken at once; one written in place
    /// with a single open/write/close once it has not changed for the settle time (3 s here): a
    /// close alone proves nothing, the writer may reopen it to append. Each exactly once, byte for byte.
    @Test func renamedAndWrittenInPlaceFilesAreEachTakenOnceOnRenameOrClose() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, ["--settle-ms", "3000", "--rescan-seconds", "600"])
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()

        let renamed = orderHeader + (1...3).map { orderRow("R\($0)") }.joined()
        let inPlace = orderHeader + (1...3).map { orderRow("W\($0)") }.joined()
        let started = now()
        try dropRenamed(ws, "storefront", "renamed.csv", renamed)
        try writeFile(ws.root + "/inbox/storefront/in-place.csv", inPlace)
        let renamedTaken = eventually(timeout: 2.5) { ws.files(in: "archive/storefront") == ["renamed.csv"] }
        #expect(renamedTaken, "the renamed file was not taken at once (or the in-place one before it settled)\n\(daemon.tail())")
        let taken = eventually(timeout: 25) {
            ws.files(in: "archive/storefront") == ["in-place.csv", "renamed.csv"]
                && (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == 2
        }
        let seconds = now() - started
        #expect(taken, "not both archived within 25 s\n\(daemon.tail())")
        #expect(now() - started >= 3, "the in-place file was taken before it settled")
        Thread.sleep(forTimeInterval: 0.5)  // nothing more may happen to them

        #expect(try ws.query("SELECT name, state, finalized, events, applied FROM files ORDER BY name") == [
            ["in-place.csv", "done", "1", "3", "3"], ["renamed.csv", "done", "1", "3", "3"],
        ])
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == 6)
        #expect(try ws.count("SELECT COUNT(DISTINCT event_id) FROM audit_log") == 6)
        #expect(try ws.query("SELECT file_name, COUNT(*) FROM audit_log GROUP BY file_name ORDER BY file_name") == [
            ["in-place.csv", "3"], ["renamed.csv", "3"],
        ])
        #expect(try ws.read("archive/storefront/renamed.csv") == renamed)
        #expect(try ws.read("archive/storefront/in-place.csv") == inPlace)
        #expect(visible(ws.files(in: "inbox/storefront")).isEmpty)
        #expect(ws.files(in: "failed/storefront").isEmpty)
        print("watch: rename and in-place close -> both archived in \(milliseconds(seconds)) ms")
        #expect(daemon.stop() == 0, "\(daemon.tail())")
    }

    /// One report per period, not per pass: after `watch_every_files` files, and on stop for
    /// what is left; each covers its passes' rejections.
    @Test func reportsArePerPeriodNotPerPass() throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: "watch_every_files = 1000", with: "watch_every_files = 2")
        #expect(config.contains("watch_every_files = 2"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, ["--settle-ms", "200"])
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()
        let rejected = "E-X,order,O-X,PAID,2026-01-01T10:00:00+05:30,,,,\n"  // rejected: missing_field (amount)
        for (index, name) in ["one.csv", "two.csv", "three.csv"].enumerated() {
            try dropRenamed(ws, "storefront", name, orderHeader + orderRow("P\(index)") + (index == 0 ? rejected : ""))
            let archived = eventually(timeout: 20) { ws.files(in: "archive/storefront").contains(name) }
            #expect(archived, "\(name) not archived\n\(daemon.tail())")
        }
        // Two files: one report; the third waits for its period.
        let first = eventually(timeout: 10) { ws.files(in: "outbox/reports").filter { $0.hasSuffix(".html") }.count == 1 }
        #expect(first, "\(ws.files(in: "outbox/reports"))\n\(daemon.tail())")
        #expect(daemon.stop() == 0)
        let reports = ws.files(in: "outbox/reports")
        let html = reports.filter { $0.hasSuffix(".html") }
        #expect(html.count == 2 && html.allSatisfy { $0.hasPrefix("watch-") }, "\(reports)\n\(daemon.tail(60))")
        #expect(reports.count == 4, "\(reports)")
        let texts = try html.map { try ws.read("outbox/reports/" + $0) }
        #expect(texts.filter { $0.contains("one.csv") && $0.contains("two.csv") }.count == 1)
        #expect(texts.filter { $0.contains("three.csv") && !$0.contains("one.csv") }.count == 1)
        #expect(texts.contains { $0.contains("<h1>Watch, runs ") && $0.contains("E-X") })
    }

    /// A partner appending a row every 200 ms for 2 s, opening and closing the file each time:
    /// with `--settle-ms 1000` the file must be taken only once complete (all rows in the audit
    /// log, archived once, nothing refused).
    ///
    /// With inotify this is a known issue: every close after writing makes the file ready at once
    /// (`FileReadiness.closed`), so the daemon takes the header and the first row, and each later
    /// append creates a new `slow.csv` without a header, refused as `bad_file`. Polling passes.
    @Test(arguments: ["inotify", "poll"])
    func slowInPlaceWriterIsTakenOnlyWhenComplete(mode: String) throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, ["--settle-ms", "1000"] + (mode == "poll" ? ["--poll"] : []))
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()

        let path = ws.root + "/inbox/storefront/slow.csv"
        let rows = 10
        var content = ""
        var lastClose = 0.0
        for row in 0...rows {
            let text = row == 0 ? orderHeader : orderRow("SLOW\(row)")
            try writeFile(path, text, append: true)  // open, append, close (like `>>`)
            lastClose = now()
            content += text
            if row < rows { Thread.sleep(forTimeInterval: 0.2) }
        }
        let settled = eventually(timeout: 30) {
            visible(ws.files(in: "inbox/storefront")).isEmpty
                && (try? ws.count("SELECT COUNT(*) FROM files")) ?? 0 > 0
                && (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 0")) == 0
        }
        #expect(settled, "slow.csv was not handled within 30 s of its last write\n\(daemon.tail())")
        Thread.sleep(forTimeInterval: 0.5)

        let check = {
            let files = try ws.query("SELECT name, state, events, applied, COALESCE(final_name, '') FROM files ORDER BY id")
            #expect(files == [["slow.csv", "done", "\(rows)", "\(rows)", "slow.csv"]], "files taken: \(files)")
            #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE file_name = 'slow.csv' AND outcome = 'applied'") == rows)
            #expect(try ws.count("SELECT COUNT(DISTINCT event_id) FROM audit_log") == rows)
            #expect(ws.files(in: "archive/storefront") == ["slow.csv"])
            #expect(ws.files(in: "failed/storefront").isEmpty)
            #expect((try? ws.read("archive/storefront/slow.csv")) == content)
            // Taken after the last write, not before.
            let started = try ws.count("SELECT MIN(started_at) FROM files")
            #expect(Double(started) >= (lastClose * 1000).rounded(.down), "taken \(Double(started) / 1000 - lastClose) s after the last write")
        }
        try check()
        #expect(daemon.stop() == 0, "\(daemon.tail())")
    }

    /// 200 small files (one order event each, distinct ids) renamed into the inbox one after the
    /// other as fast as possible: each archived exactly once, each event audited once, and taken
    /// in the contract's order (modification time, feed, name).
    @Test(arguments: ["inotify", "poll"])
    func burstOfTwoHundredFilesIsTakenOnceEachInContractOrder(mode: String) throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, mode == "poll" ? ["--poll", "--settle-ms", "300"] : [])
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()

        let count = 200
        var dropped: [(mtime: Int64, feed: String, name: String, event: String)] = []
        let started = now()
        for n in 0..<count {
            let name = "burst-" + String(1000 + n).dropFirst() + ".csv"
            let mtime = try dropRenamed(ws, "storefront", name, orderHeader + orderRow("B\(n)"))
            dropped.append((mtime, "storefront", name, "E-B\(n)"))
        }
        let droppedIn = now() - started
        let expected = dropped.sorted { a, b in
            if a.mtime != b.mtime { return a.mtime < b.mtime }
            if a.feed != b.feed { return a.feed < b.feed }
            return a.name < b.name
        }
        let done = eventually(timeout: 120, every: 0.1) {
            (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == count
        }
        let seconds = now() - started
        #expect(done, "\((try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) ?? -1) of \(count) files handled after 120 s\n\(daemon.tail())")
        Thread.sleep(forTimeInterval: 0.5)

        // Each file once, archived, in order.
        #expect(try ws.count("SELECT COUNT(*) FROM files") == count)
        #expect(try ws.count("SELECT COUNT(DISTINCT name) FROM files") == count)
        #expect(try ws.count("SELECT COUNT(*) FROM files WHERE state = 'done' AND events = 1 AND applied = 1 AND final_name = name") == count)
        let taken = try ws.query("SELECT name FROM files ORDER BY id").map { $0[0] ?? "" }
        #expect(taken == expected.map(\.name), "files not taken in (mtime, feed, name) order: first difference at \(firstDifference(taken, expected.map(\.name)))")
        #expect(ws.files(in: "archive/storefront") == dropped.map(\.name).sorted())
        #expect(visible(ws.files(in: "inbox/storefront")).isEmpty)
        #expect(ws.files(in: "failed/storefront").isEmpty)
        #expect(ws.files(in: "var/processing/storefront").isEmpty)
        // Each event once, in the same order.
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == count)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == count)
        let events = try ws.query("SELECT event_id FROM audit_events ORDER BY id").map { $0[0] ?? "" }
        #expect(events == expected.map(\.event))
        print("watch (\(mode)): burst of \(count) renamed in \(milliseconds(droppedIn)) ms, all archived \(milliseconds(seconds)) ms after the first")
        #expect(daemon.stop() == 0, "\(daemon.tail())")
    }

    // MARK: 2. SIGTERM in the middle of a large file

    /// SIGTERM while a 60 000-event file is being applied in batches of 500: exit 0 within 5 s,
    /// part of the file applied; the next daemon finishes it: every (file, line) exactly once,
    /// as many audit records as rows, the file archived once.
    @Test func sigtermInTheMiddleOfALargeFileStopsWithinFiveSecondsAndTheFileResumes() throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: "batch_size = 5000", with: "batch_size = 500")
        #expect(config.contains("batch_size = 500\n"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let rows = 60_000
        var content = orderHeader
        content.reserveCapacity(rows * 90)
        for n in 0..<rows { content += orderRow("L\(n)") }

        let first = try WatchDaemon(ws, [], logName: "watch-1")
        defer { first.stopOrKill() }
        try first.waitUntilReady()
        let blocked = first.signalSet("SigBlk")
        try dropRenamed(ws, "storefront", "large.csv", content)

        var seen = 0
        let midway = eventually(timeout: 60, every: 0.005) {
            seen = (try? ws.count("SELECT COUNT(*) FROM audit_events")) ?? 0
            return seen > 0
        }
        #expect(midway && seen < rows, "no point in the middle of the file seen (\(seen) of \(rows))\n\(first.tail())")
        let signalled = now()
        kill(first.pid, SIGTERM)
        let exited = first.waitForExit(timeout: 5)
        let took = now() - signalled
        #expect(
            exited,
            """
            not stopped 5 s after SIGTERM (SigBlk \(hex(blocked)) SigPnd \(hex(first.signalSet("SigPnd"))) ShdPnd \
            \(hex(first.signalSet("ShdPnd"))); SIGTERM blocked at start: \(contains(blocked, SIGTERM)))\n\(first.tail())
            """)
        if !exited { first.stopOrKill() }
        #expect(first.exitStatus == 0, "exit \(String(describing: first.exitStatus))\n\(first.tail())")

        let partial = try ws.count("SELECT COUNT(*) FROM audit_events")
        #expect(partial > 0 && partial < rows, "audit records after SIGTERM: \(partial) of \(rows)")
        #expect(partial % 500 == 0, "not a whole number of batches: \(partial)")
        #expect(try ws.query("SELECT state, finalized FROM files") == [["processing", "0"]])
        #expect(ws.files(in: "var/processing/storefront") == ["large.csv"])
        #expect(first.log.contains("run stopped on request"), "\(first.tail())")
        print("watch: daemon's blocked signals at start: \(hex(blocked)) (SIGTERM blocked: \(contains(blocked, SIGTERM)))")
        print("watch: SIGTERM at \(seen) of \(rows) events -> exit \(String(describing: first.exitStatus)) in \(milliseconds(took)) ms with \(partial) committed")

        let second = try WatchDaemon(ws, [], logName: "watch-2")
        defer { second.stopOrKill() }
        try second.waitUntilReady()
        let finished = eventually(timeout: 120, every: 0.1) {
            (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == 1
        }
        #expect(finished, "\((try? ws.count("SELECT COUNT(*) FROM audit_events")) ?? -1) of \(rows) after restart\n\(second.tail())")
        #expect(try ws.count("SELECT COUNT(*) FROM audit_events") == rows)
        #expect(try ws.count("SELECT COUNT(*) FROM (SELECT file_id, line FROM audit_events GROUP BY file_id, line HAVING COUNT(*) > 1)") == 0)
        #expect(try ws.count("SELECT COUNT(DISTINCT line) FROM audit_events") == rows)
        #expect(try ws.count("SELECT COUNT(DISTINCT event_id) FROM audit_events") == rows)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'applied'") == rows)
        #expect(try ws.query("SELECT name, state, finalized, events, applied, final_name FROM files") == [
            ["large.csv", "done", "1", "\(rows)", "\(rows)", "large.csv"]
        ])
        #expect(ws.files(in: "archive/storefront") == ["large.csv"])
        #expect(ws.files(in: "var/processing/storefront").isEmpty)
        #expect(visible(ws.files(in: "inbox/storefront")).isEmpty)
        #expect(FileManager.default.contents(atPath: ws.root + "/archive/storefront/large.csv") == Data(content.utf8))
        // A file's events are counted when it is finished, all of them, by the process that
        // finishes it.
        let metrics = try eventuallyScrape(second) { $0.value("ordrecon_files_total", ["feed": "storefront", "result": "processed"]) == 1 }
        #expect(metrics.value("ordrecon_files_resumed_total", ["feed": "storefront"]) == 1)
        #expect(metrics.value("ordrecon_events_total", ["feed": "storefront", "outcome": "applied"]) == Double(rows))
        #expect(second.stop() == 0, "\(second.tail())")
    }

    /// SIGTERM in the middle of a large file while a refund request is in flight (the gateway takes
    /// 4 s to answer): the README promises that only the batch in hand is committed.
    ///
    /// Known issue: `ServiceGroup` shuts its services down one at a time in reverse order of
    /// registration, and `Daemon.run` registers ingestion first, so ingestion is told to stop only
    /// once the dispatcher (waiting for the gateway), the reload and the metrics services have
    /// finished; meanwhile it goes on applying batches, here to the end of the file.
    @Test func sigtermWhileARefundRequestIsInFlightStopsIngestionAfterTheBatchInHand() throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: "batch_size = 5000", with: "batch_size = 500")
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let gateway = try ws.startGateway(arguments: ["--delay-ms", "4000"], timeoutMilliseconds: 10_000)
        defer { gateway.stop() }
        let rows = 60_000
        var content = orderHeader
        content.reserveCapacity(rows * 90)
        for n in 0..<rows { content += orderRow("L\(n)") }

        let daemon = try WatchDaemon(ws)
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()
        // One paid order cancelled: a refund, whose request the gateway holds for 4 s.
        try dropRenamed(ws, "storefront", "orders.csv", orderHeader + orderRow("R1"))
        try dropRenamed(ws, "payments", "payments.csv", "event_id,entity,order_id,status,occurred_at,amount,payment_ref\nP-R1,order,O-R1,PAID,2026-01-01T10:05:00+05:30,99.00,PAY-R1\n")
        try dropRenamed(ws, "storefront", "cancels.csv", "event_id,entity,order_id,status,occurred_at,reason\nX-R1,order,O-R1,CANCELLED,2026-01-01T11:00:00+05:30,customer asked\n")
        #expect(eventually(timeout: 30) { (try? ws.count("SELECT COUNT(*) FROM refund_attempts WHERE outcome = 'in_flight'")) == 1 }, "\(daemon.tail())")

        try dropRenamed(ws, "storefront", "large.csv", content)
        var seen = 0
        #expect(eventually(timeout: 60, every: 0.005) {
            seen = (try? ws.count("SELECT COUNT(*) FROM audit_events a JOIN files f ON f.id = a.file_id WHERE f.name = 'large.csv'")) ?? 0
            return seen > 0
        })
        #expect(seen < rows)
        let signalled = now()
        kill(daemon.pid, SIGTERM)
        let exited = daemon.waitForExit(timeout: 15)
        let took = now() - signalled
        #expect(exited, "\(daemon.tail())")
        if !exited { daemon.stopOrKill() }
        #expect(daemon.exitStatus == 0, "\(daemon.tail())")
        let committed = try ws.count("SELECT COUNT(*) FROM audit_events a JOIN files f ON f.id = a.file_id WHERE f.name = 'large.csv'")
        print("watch: SIGTERM with a refund request in flight at \(seen) of \(rows) events -> exit in \(milliseconds(took)) ms with \(committed) committed")
        #expect(committed - seen <= 2 * 500, "\(committed - seen) events applied after SIGTERM")
        #expect(committed < rows, "the whole file was applied after SIGTERM")
        // Whatever was applied, it was applied once.
        #expect(try ws.count("SELECT COUNT(*) FROM (SELECT file_id, line FROM audit_events GROUP BY file_id, line HAVING COUNT(*) > 1)") == 0)
    }

    /// A daemon started from a thread that blocks SIGTERM, SIGINT and SIGHUP (it inherits that
    /// mask, swift-corelibs-foundation#4772) still stops gracefully on SIGTERM.
    @Test func sigtermStopsADaemonThatInheritedABlockedSignalMask() throws {
        // The mask is passed on to children here: a child started the same way reports it.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/grep")
        probe.arguments = ["^SigBlk:", "/proc/self/status"]
        let output = Pipe()
        probe.standardOutput = output
        try withSignalsBlocked([SIGTERM, SIGINT, SIGHUP]) { try probe.run() }
        let line = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        probe.waitUntilExit()
        let inherited = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) ?? 0
        #expect(contains(inherited, SIGTERM), "a child did not inherit the blocked mask: \(line)")

        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, blockedSignals: [SIGTERM, SIGINT, SIGHUP])
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()
        try dropRenamed(ws, "storefront", "orders.csv", orderHeader + orderRow("M1"))
        #expect(eventually(timeout: 30) { ws.files(in: "archive/storefront") == ["orders.csv"] }, "\(daemon.tail())")
        let blocked = daemon.signalSet("SigBlk")
        kill(daemon.pid, SIGTERM)
        let exited = daemon.waitForExit(timeout: 5)
        #expect(exited, "SIGTERM not taken within 5 s (SigBlk \(hex(blocked)) SigPnd \(hex(daemon.signalSet("SigPnd"))) ShdPnd \(hex(daemon.signalSet("ShdPnd"))))\n\(daemon.tail())")
        if !exited { daemon.stopOrKill() }
        #expect(daemon.exitStatus == 0, "\(daemon.tail())")
        #expect(daemon.log.contains("ordrecon watch stopped"), "\(daemon.tail())")
    }

    // MARK: 3. /metrics and /healthz

    /// A generated workload (all feeds, faults, refunds to the mock gateway) through the daemon:
    /// `/metrics` parses and its numbers are the database's; `/healthz` is 200 `ok`, 503 with a
    /// reason while an inbox folder is a regular file or the database is gone, 200 again after.
    @Test func metricsAgreeWithTheDatabaseAndHealthzReportsABrokenWorkspace() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try ws.startGateway()
        defer { gateway.stop() }
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 150, seed: 5), to: ws.root)
        #expect(expected.refunds > 0 && expected.badFiles > 0)
        let daemon = try WatchDaemon(ws, ["--settle-ms", "200", "--rescan-seconds", "600"])
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()
        let done = eventually(timeout: 120, every: 0.1) {
            (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == expected.files
                && (try? ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")) == expected.refunds
        }
        #expect(done, "workload not done within 120 s\n\(daemon.tail())")
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == expected.applied)

        // Counts from the database, as the metrics should show them.
        var events: [String: Double] = [:]  // feed/outcome; whole-file refusals are files, not events
        for row in try ws.query("""
            SELECT feed, outcome, COUNT(*) FROM audit_log
            WHERE reason_code IS NULL OR reason_code NOT IN ('bad_file', 'unsupported_file_type') GROUP BY feed, outcome
            """) { events[row[0]! + "/" + row[1]!] = Double(row[2]!)! }
        var rejections: [String: Double] = [:]  // feed/code
        for row in try ws.query("SELECT feed, reason_code, COUNT(*) FROM audit_log WHERE outcome = 'rejected' GROUP BY feed, reason_code") {
            rejections[row[0]! + "/" + row[1]!] = Double(row[2]!)!
        }
        var files: [String: Double] = [:]  // feed/result
        for row in try ws.query("SELECT feed, state, COUNT(*) FROM files WHERE finalized = 1 GROUP BY feed, state") {
            files[row[0]! + "/" + (row[1] == "done" ? "processed" : "refused")] = Double(row[2]!)!
        }
        let feeds = ["storefront", "payments", "warehouse", "carrier", "returns-desk"]
        for feed in feeds {
            // What is archived is what the files table calls done.
            #expect(Double(ws.files(in: "archive/\(feed)").count) == files[feed + "/processed", default: 0], "\(feed)")
        }
        var refunds: [String: Double] = [:]
        for row in try ws.query("SELECT status, COUNT(*) FROM refunds GROUP BY status") { refunds[row[0]!] = Double(row[1]!)! }

        func agrees(_ m: Exposition) -> Bool {
            m.series("ordrecon_events_total").allSatisfy { events[$0.labels["feed", default: ""] + "/" + $0.labels["outcome", default: ""], default: 0] == $0.value }
                && m.series("ordrecon_rejections_total").allSatisfy { rejections[$0.labels["feed", default: ""] + "/" + $0.labels["code", default: ""], default: 0] == $0.value }
                && m.series("ordrecon_files_total").allSatisfy { files[$0.labels["feed", default: ""] + "/" + $0.labels["result", default: ""], default: 0] == $0.value }
        }
        // The numbers of a pass reach the metrics just after its commit: scrape until they agree.
        let metrics = try eventuallyScrape(daemon, agrees)
        let eventSeries = metrics.series("ordrecon_events_total")
        #expect(eventSeries.count == feeds.count * 3)
        for series in eventSeries {
            let key = series.labels["feed", default: ""] + "/" + series.labels["outcome", default: ""]
            #expect(series.value == events[key, default: 0], "ordrecon_events_total \(key)")
        }
        #expect(Set(events.keys).isSubset(of: Set(eventSeries.map { $0.labels["feed", default: ""] + "/" + $0.labels["outcome", default: ""] })))
        let rejectionSeries = metrics.series("ordrecon_rejections_total")
        for series in rejectionSeries {
            let key = series.labels["feed", default: ""] + "/" + series.labels["code", default: ""]
            #expect(series.value == rejections[key, default: 0], "ordrecon_rejections_total \(key)")
        }
        #expect(Set(rejections.keys).isSubset(of: Set(rejectionSeries.map { $0.labels["feed", default: ""] + "/" + $0.labels["code", default: ""] })))
        for series in metrics.series("ordrecon_files_total") {
            let key = series.labels["feed", default: ""] + "/" + series.labels["result", default: ""]
            #expect(series.value == files[key, default: 0], "ordrecon_files_total \(key)")
        }
        #expect(metrics.series("ordrecon_files_total").filter { $0.labels["result"] == "processed" }.map(\.value).reduce(0, +) == Double(expected.files - expected.badFiles))
        for state in ["pending", "sent", "failed"] {
            #expect(metrics.value("ordrecon_refunds", ["state": state]) == refunds[state, default: 0], "ordrecon_refunds \(state)")
        }
        #expect(metrics.value("ordrecon_refunds", ["state": "sent"]) == Double(expected.refunds))
        let lastSuccess = metrics.value("ordrecon_last_success_timestamp_seconds") ?? 0
        #expect(lastSuccess > 0 && lastSuccess <= now() + 1, "last success \(lastSuccess)")
        #expect(metrics.value("ordrecon_inbox_backlog_files") == 0)
        #expect((metrics.value("ordrecon_runs_total") ?? 0) >= 1)

        // /healthz: fine, then an inbox folder that is a regular file, then no database.
        let healthy = daemon.get("/healthz")
        #expect(healthy?.status == 200 && healthy?.body == "ok\n", "\(String(describing: healthy))")
        let folder = ws.root + "/inbox/storefront"
        try FileManager.default.removeItem(atPath: folder)
        try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: folder))
        var reply = daemon.get("/healthz")
        #expect(reply?.status == 503, "\(String(describing: reply))")
        #expect(reply?.body.hasPrefix("unhealthy: ") == true && reply?.body.contains("inbox/storefront") == true, "\(String(describing: reply))")
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        reply = daemon.get("/healthz")
        #expect(reply?.status == 200 && reply?.body == "ok\n", "\(String(describing: reply))")

        let database = ws.database
        #expect(rename(database, database + ".away") == 0)
        reply = daemon.get("/healthz")
        #expect(rename(database + ".away", database) == 0)
        #expect(reply?.status == 503, "\(String(describing: reply))")
        #expect(reply?.body.hasPrefix("unhealthy: ") == true && reply?.body.contains("database") == true, "\(String(describing: reply))")
        reply = daemon.get("/healthz")
        #expect(reply?.status == 200 && reply?.body == "ok\n", "\(String(describing: reply))")

        // The daemon still works, and watches the folder made again.
        try dropRenamed(ws, "storefront", "after-healthz.csv", orderHeader + orderRow("AFTER1"))
        #expect(eventually(timeout: 30) { ws.files(in: "archive/storefront").contains("after-healthz.csv") }, "\(daemon.tail())")
        #expect(daemon.stop() == 0, "\(daemon.tail())")
    }

    // MARK: 4. run --metrics-file

    /// `ordrecon run --metrics-file` on a small workload: the file is there (no temporary left),
    /// parses, holds the run's numbers and a last success time of about now; a name that does
    /// not end in `.prom` is a usage error (64).
    @Test func runWritesTheMetricsFileForTheTextfileCollector() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try ws.startGateway()
        defer { gateway.stop() }
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 40, seed: 3), to: ws.root)
        let path = ws.root + "/m.prom"
        let before = now()
        let run = try ws.run(["run", "--json", "--quiet", "--metrics-file", path])
        let after = now()
        #expect(run.status == 65 || run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(ws.files(in: "").filter { $0.hasSuffix(".tmp") || $0.contains(".prom.") || ($0.hasPrefix(".") && $0.contains("prom")) }.isEmpty, "\(ws.files(in: ""))")
        let metrics = try Exposition.parse(try ws.read("m.prom"))

        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let files = summary?["files"] as? [[String: Any]] ?? []
        #expect(files.count == expected.files)
        var events: [String: Double] = [:]
        var rejections: [String: Double] = [:]
        var results: [String: Double] = [:]
        for file in files {
            let feed = file["feed"] as? String ?? "?"
            for outcome in ["applied", "duplicate", "rejected"] {
                events[feed + "/" + outcome, default: 0] += Double(file[outcome] as? Int ?? 0)
            }
            for (code, count) in file["rejected_by_code"] as? [String: Int] ?? [:] { rejections[feed + "/" + code, default: 0] += Double(count) }
            if let refused = file["file_rejected"] as? [String: Any] {
                rejections[feed + "/" + (refused["code"] as? String ?? "?"), default: 0] += 1
                results[feed + "/refused", default: 0] += 1
            } else {
                results[feed + "/processed", default: 0] += 1
            }
        }
        for series in metrics.series("ordrecon_events_total") {
            let key = series.labels["feed", default: ""] + "/" + series.labels["outcome", default: ""]
            #expect(series.value == events[key, default: 0], "ordrecon_events_total \(key)")
        }
        for series in metrics.series("ordrecon_rejections_total") {
            let key = series.labels["feed", default: ""] + "/" + series.labels["code", default: ""]
            #expect(series.value == rejections[key, default: 0], "ordrecon_rejections_total \(key)")
        }
        for series in metrics.series("ordrecon_files_total") {
            let key = series.labels["feed", default: ""] + "/" + series.labels["result", default: ""]
            #expect(series.value == results[key, default: 0], "ordrecon_files_total \(key)")
        }
        // The run's numbers are the database's.
        #expect(metrics.series("ordrecon_events_total").filter { $0.labels["outcome"] == "applied" }.map(\.value).reduce(0, +) == Double(expected.applied))
        #expect(metrics.series("ordrecon_events_total").filter { $0.labels["outcome"] == "applied" }.map(\.value).reduce(0, +)
            == Double(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'")))
        #expect(metrics.series("ordrecon_files_total").map(\.value).reduce(0, +) == Double(try ws.count("SELECT COUNT(*) FROM files")))
        #expect(metrics.value("ordrecon_refunds", ["state": "sent"]) == Double(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")))
        #expect(metrics.value("ordrecon_refunds", ["state": "sent"]) == Double(expected.refunds))
        #expect(metrics.value("ordrecon_runs_total") == 1)
        let lastSuccess = metrics.value("ordrecon_last_success_timestamp_seconds") ?? 0
        #expect(lastSuccess >= before - 1 && lastSuccess <= after + 1, "last success \(lastSuccess), run from \(before) to \(after)")

        let wrong = try ws.run(["run", "--quiet", "--metrics-file", ws.root + "/m.txt"])
        #expect(wrong.status == 64, "\(wrong.stderr)")
        #expect(wrong.stderr.contains(".prom"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/m.txt"))
    }

    // MARK: 5. SIGHUP

    /// SIGHUP with a broken configuration: the daemon keeps running on the old one (and says so),
    /// still takes files; SIGHUP with `[logging] format = "json"`: the lines after it are JSON.
    @Test func sighupKeepsTheOldConfigurationWhenBrokenAndAppliesANewLogFormat() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let configPath = ws.root + "/config/ordrecon.toml"
        let original = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(original.contains("format = \"logfmt\""))
        let daemon = try WatchDaemon(ws)
        defer { daemon.stopOrKill() }
        try daemon.waitUntilReady()

        // A broken file: not reloaded, the daemon goes on.
        try (original + "\nthis line is not TOML\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        #expect(eventually(timeout: 10) { daemon.log.contains("not reloaded") }, "\(daemon.tail())")
        let refusal = daemon.lines.first { $0.contains("not reloaded") } ?? ""
        #expect(refusal.hasPrefix("time=") && refusal.contains("level=error") && refusal.contains("ordrecon.toml"), "\(refusal)")
        #expect(daemon.isRunning)
        try dropRenamed(ws, "storefront", "after-broken.csv", orderHeader + orderRow("HUP1"))
        #expect(eventually(timeout: 30) { ws.files(in: "archive/storefront").contains("after-broken.csv") }, "\(daemon.tail())")
        #expect(daemon.isRunning)

        // JSON lines from the reload on.
        try original.replacingOccurrences(of: "format = \"logfmt\"", with: "format = \"json\"")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let offset = daemon.lines.count
        kill(daemon.pid, SIGHUP)
        #expect(eventually(timeout: 10) { daemon.log.contains("configuration reloaded") }, "\(daemon.tail())")
        try dropRenamed(ws, "storefront", "after-json.csv", orderHeader + orderRow("HUP2"))
        #expect(eventually(timeout: 30) {
            ws.files(in: "archive/storefront").contains("after-json.csv") && daemon.log.contains("after-json.csv")
        }, "\(daemon.tail())")
        Thread.sleep(forTimeInterval: 0.3)
        let after = Array(daemon.lines.dropFirst(offset))
        let objects = after.map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!after.isEmpty && objects.allSatisfy { $0 != nil }, "lines after the reload that are not JSON:\n\(zip(after, objects).filter { $0.1 == nil }.map(\.0).joined(separator: "\n"))")
        #expect(objects.contains { $0?["msg"] as? String == "SIGHUP: configuration reloaded" && $0?["level"] as? String == "notice" })
        #expect(objects.contains {
            ($0?["msg"] as? String)?.hasPrefix("file done") == true && $0?["file.name"] as? String == "after-json.csv" && $0?["feed"] as? String == "storefront"
        }, "\(after.joined(separator: "\n"))")
        #expect(daemon.stop() == 0, "\(daemon.tail())")
    }
}

// MARK: - The daemon as a process

/// `ordrecon watch` started in a workspace with `--metrics-port` on a free port, its standard
/// output and error going to a file in the workspace. Stopped by SIGTERM (``stop(timeout:)``) or,
/// failing that and always on release, SIGKILL.
private final class WatchDaemon {
    let workspace: TestWorkspace
    let process = Process()
    let port: Int
    let logPath: String
    /// The highest `runs.id` before the start (the daemon's own run and its passes come after).
    private let runsBefore: Int

    /// - Parameter blockedSignals: signals blocked in the thread that starts the process (which
    ///   the child inherits, as from a Swift concurrency or Dispatch thread: swift-corelibs-foundation#4772).
    init(_ workspace: TestWorkspace, _ options: [String] = [], logName: String = "watch", blockedSignals: [Int32] = []) throws {
        self.workspace = workspace
        port = try freePort()
        logPath = workspace.root + "/\(logName).log"
        runsBefore = (try? workspace.count("SELECT COALESCE(MAX(id), 0) FROM runs")) ?? 0
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else { throw TestError("cannot create \(logPath)") }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        process.executableURL = URL(fileURLWithPath: TestWorkspace.binary)
        process.arguments = ["watch", "--metrics-port", "\(port)"] + options
        process.currentDirectoryURL = URL(fileURLWithPath: workspace.root)
        var environment = ProcessInfo.processInfo.environment
        environment["ORDRECON_LOG_FORMAT"] = nil
        environment["ORDRECON_LOG_LEVEL"] = nil
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try withSignalsBlocked(blockedSignals) { try process.run() }
    }

    deinit { stopOrKill() }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The exit status, when it exited (not killed by a signal).
    var exitStatus: Int32? {
        process.isRunning || process.terminationReason != .exit ? nil : process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var lines: [String] { log.split(separator: "\n").map(String.init) }

    /// The last lines of the log, for failure messages.
    func tail(_ count: Int = 30) -> String {
        "--- \(logPath) (last \(count) lines) ---\n" + lines.suffix(count).joined(separator: "\n")
    }

    /// Waits until `/healthz` answers 200, SIGTERM and SIGHUP have handlers, and the first pass
    /// started (so inotify watches are in place).
    func waitUntilReady(timeout: Double = 60) throws {
        let ready = eventually(timeout: timeout) {
            guard process.isRunning else { return true }
            let passes = (try? workspace.count("SELECT COUNT(*) FROM runs WHERE id > \(runsBefore)")) ?? 0
            return passes >= 2 && contains(signalSet("SigCgt"), SIGTERM) && contains(signalSet("SigCgt"), SIGHUP)
                && get("/healthz", timeout: 2)?.status == 200
        }
        guard process.isRunning else {
            throw TestError("ordrecon watch exited at start (\(process.terminationStatus))\n\(tail())")
        }
        guard ready else { throw TestError("ordrecon watch not ready within \(timeout) s\n\(tail())") }
    }

    /// A signal set from `/proc/<pid>/status` (`SigBlk`, `SigPnd`, `ShdPnd`, `SigCgt`, `SigIgn`).
    func signalSet(_ field: String) -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
        }
        return 0
    }

    /// Waits up to `timeout` seconds for the process to end. - Returns: whether it did.
    func waitForExit(timeout: Double) -> Bool {
        eventually(timeout: timeout, every: 0.01) { !process.isRunning }
    }

    /// SIGTERM; SIGKILL when still running after `timeout` seconds. - Returns: the exit status
    /// (nil when it had to be killed or died of a signal).
    @discardableResult
    func stop(timeout: Double = 10) -> Int32? {
        if process.isRunning {
            kill(pid, SIGTERM)
            if !waitForExit(timeout: timeout) {
                stopOrKill()
                return nil
            }
        }
        return exitStatus
    }

    /// SIGKILL when still running, and waits.
    func stopOrKill() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// `GET path` on the metrics port.
    func get(_ path: String, timeout: Double = 10) -> HTTPReply? {
        httpGet(port: port, path: path, timeout: timeout)
    }
}

/// Scrapes `/metrics` until `condition` holds (up to 15 s) and returns the last scrape.
private func eventuallyScrape(_ daemon: WatchDaemon, _ condition: (Exposition) -> Bool) throws -> Exposition {
    var last: Exposition?
    var lastError: (any Error)?
    _ = eventually(timeout: 15, every: 0.1) {
        guard let reply = daemon.get("/metrics"), reply.status == 200 else { return false }
        do {
            let parsed = try Exposition.parse(reply.body)
            last = parsed
            return condition(parsed)
        } catch {
            lastError = error
            return false
        }
    }
    guard let last else { throw lastError ?? TestError("/metrics could not be scraped\n\(daemon.tail())") }
    return last
}

// MARK: - Prometheus text

/// A parsed Prometheus text exposition (format 0.0.4): samples by name and labels. Parsing is
/// strict: a line that is neither a comment (`# HELP`, `# TYPE` or other `#`) nor a well-formed
/// sample throws.
private struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    static func parse(_ text: String) throws -> Exposition {
        var result = Exposition()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3)
                if parts.count >= 4, parts[1] == "TYPE" {
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3])) else {
                        throw TestError("line \(index + 1): unknown type: \(line)")
                    }
                    result.types[String(parts[2])] = String(parts[3])
                }
                continue
            }
            guard let sample = Sample(line) else { throw TestError("line \(index + 1) is not a sample: \(line)") }
            result.samples.append(sample)
        }
        return result
    }

    /// Every sample of a metric.
    func series(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    /// The value of the sample with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}

extension Exposition.Sample {
    /// `name{label="value",...} value [timestamp]`
    init?(_ line: Substring) {
        let characters = Array(line)
        var i = 0
        func isNameCharacter(_ c: Character, first: Bool) -> Bool {
            c == "_" || c == ":" || (c.isASCII && c.isLetter) || (!first && c.isASCII && c.isNumber)
        }
        while i < characters.count, isNameCharacter(characters[i], first: i == 0) { i += 1 }
        guard i > 0 else { return nil }
        name = String(characters[0..<i])
        labels = [:]
        if i < characters.count, characters[i] == "{" {
            i += 1
            while i < characters.count, characters[i] != "}" {
                let start = i
                while i < characters.count, isNameCharacter(characters[i], first: i == start) { i += 1 }
                guard i > start, i + 1 < characters.count, characters[i] == "=", characters[i + 1] == "\"" else { return nil }
                let key = String(characters[start..<i])
                i += 2
                var value = ""
                while i < characters.count, characters[i] != "\"" {
                    if characters[i] == "\\" {
                        i += 1
                        guard i < characters.count else { return nil }
                        switch characters[i] {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: return nil
                        }
                    } else {
                        value.append(characters[i])
                    }
                    i += 1
                }
                guard i < characters.count, labels[key] == nil else { return nil }
                labels[key] = value
                i += 1  // closing quote
                if i < characters.count, characters[i] == "," { i += 1 }
            }
            guard i < characters.count else { return nil }
            i += 1  // }
        }
        guard i < characters.count, characters[i] == " " else { return nil }
        let rest = String(characters[(i + 1)...]).split(separator: " ")
        guard rest.count == 1 || rest.count == 2, rest.count == 1 || Int64(rest[1]) != nil else { return nil }
        switch rest[0] {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let number = Double(rest[0]) else { return nil }
            value = number
        }
    }
}

// MARK: - HTTP

private struct HTTPReply: CustomStringConvertible {
    var status: Int
    var body: String
    var description: String { "HTTP \(status): \(body)" }
}

/// A plain HTTP/1.1 GET to 127.0.0.1:`port` (`Connection: close`; the body by `Content-Length`,
/// or up to the end). nil when there is no answer within `timeout` seconds.
private func httpGet(port: Int, path: String, timeout: Double) -> HTTPReply? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = loopback(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
    var sent = 0
    while sent < request.count {
        let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
        guard n > 0 else { return nil }
        sent += n
    }
    let separator = Array("\r\n\r\n".utf8)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var headerEnd: Int?
    var contentLength: Int?
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n <= 0 { break }
        received += buffer[0..<n]
        if headerEnd == nil, let end = find(separator, in: received) {
            headerEnd = end + separator.count
            let head = String(decoding: received[0..<end], as: UTF8.self)
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == "content-length" {
                    contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces))
                }
            }
        }
        if let headerEnd, let contentLength, received.count >= headerEnd + contentLength { break }
    }
    guard let headerEnd else { return nil }
    let statusLine = String(decoding: received[0..<headerEnd], as: UTF8.self).split(separator: "\r\n").first ?? ""
    let fields = statusLine.split(separator: " ")
    guard fields.count >= 2, let status = Int(fields[1]) else { return nil }
    let bodyEnd = contentLength.map { min(received.count, headerEnd + $0) } ?? received.count
    if let contentLength, received.count < headerEnd + contentLength { return nil }  // cut short
    return HTTPReply(status: status, body: String(decoding: received[headerEnd..<bodyEnd], as: UTF8.self))
}

private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
        return start
    }
    return nil
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// A TCP port on 127.0.0.1 that is free now (bound to port 0, then released).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw TestError("bind() to port 0 failed: errno \(errno)") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestError("getsockname() failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

// MARK: - Dropping files (with the current modification time)

private let orderHeader = "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"

/// One order-creation row: event `E-<id>`, order `O-<id>`.
private func orderRow(_ id: String) -> String {
    "E-\(id),order,O-\(id),PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C-\(id),SKU-A,2,49.50\n"
}

/// Writes `inbox/<feed>/<name>.part` (one open/write/close, modification time now), then renames
/// it to `<name>`. - Returns: the file's modification time in nanoseconds (a rename keeps it).
@discardableResult
private func dropRenamed(_ ws: TestWorkspace, _ feed: String, _ name: String, _ content: String) throws -> Int64 {
    let directory = ws.root + "/inbox/" + feed
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let partial = directory + "/" + name + ".part"
    try writeFile(partial, content)
    var info = stat()
    guard stat(partial, &info) == 0 else { throw TestError("stat \(partial): errno \(errno)") }
    guard rename(partial, directory + "/" + name) == 0 else { throw TestError("rename \(partial): errno \(errno)") }
    return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
}

/// One `open`, `write` (repeated only if the kernel takes less), `close`; `append` opens with
/// `O_APPEND` instead of truncating.
private func writeFile(_ path: String, _ content: String, append: Bool = false) throws {
    let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
    guard fd >= 0 else { throw TestError("open \(path): errno \(errno)") }
    let bytes = Array(content.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        guard n > 0 else {
            close(fd)
            throw TestError("write \(path): errno \(errno)")
        }
        written += n
    }
    guard close(fd) == 0 else { throw TestError("close \(path): errno \(errno)") }
}

// MARK: - Small helpers

/// Runs `body` with `signals` blocked in the calling thread (what a child started by `body`
/// inherits), then restores the thread's mask.
private func withSignalsBlocked<T>(_ signals: [Int32], _ body: () throws -> T) rethrows -> T {
    guard !signals.isEmpty else { return try body() }
    var set = sigset_t()
    sigemptyset(&set)
    for signal in signals { sigaddset(&set, signal) }
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &set, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}

/// Checks `condition` every `interval` seconds until it holds or `timeout` seconds have passed.
/// - Returns: whether it held.
@discardableResult
private func eventually(timeout: Double, every interval: Double = 0.05, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while true {
        if condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}

/// Seconds since the epoch.
private func now() -> Double { Date().timeIntervalSince1970 }

private func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

/// Names that are not hidden (the daemon's own files start with a dot).
private func visible(_ names: [String]) -> [String] { names.filter { !$0.hasPrefix(".") } }

/// Whether a `/proc` signal set holds `signal`.
private func contains(_ set: UInt64, _ signal: Int32) -> Bool { set & (UInt64(1) << UInt64(signal - 1)) != 0 }

private func hex(_ value: UInt64) -> String { String(value, radix: 16) }

private func firstDifference(_ a: [String], _ b: [String]) -> String {
    for (index, (x, y)) in zip(a, b).enumerated() where x != y { return "#\(index): \(x) instead of \(y)" }
    return a.count == b.count ? "none" : "lengths \(a.count) and \(b.count)"
}
