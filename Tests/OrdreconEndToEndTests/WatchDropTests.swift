import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordrecon watch`, the built binary as a daemon, and the ways partners drop files: renamed or
/// written in place, slowly, in bursts; one report per period. Each test has its own workspace and
/// daemon (on a free metrics port, its output kept in memory); the daemon is always stopped, with
/// SIGKILL as a last resort. Signals are in WatchSignalTests, metrics in WatchMetricsTests.
@Suite(.runsPrograms)
struct WatchDropTests {
    /// A file renamed into the inbox (`.part`, then rename) is taken at once; one written in place
    /// with a single open/write/close once it has not changed for the settle time (6 s here): a
    /// close alone proves nothing, the writer may reopen it to append. Each exactly once, byte for byte.
    @Test func renamedAndWrittenInPlaceFilesAreEachTakenOnceOnRenameOrClose() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, ["--settle-ms", "6000", "--rescan-seconds", "600"])
        defer { daemon.stopOrKill() }
        try await daemon.waitUntilReady()

        let renamed = orderHeader + (1...3).map { orderRow("R\($0)") }.joined()
        let inPlace = orderHeader + (1...3).map { orderRow("W\($0)") }.joined()
        let started = epochSeconds()
        try dropRenamed(ws, "storefront", "renamed.csv", renamed)
        try writeFile(ws.root + "/inbox/storefront/in-place.csv", inPlace)
        // The renamed file without waiting for any settle time: taken while the in-place one
        // still waits. Timed by the daemon's own records: within 5 s of the drop (far more than a
        // rename takes to be seen, less than the settle time).
        let renamedTaken = await eventually(timeout: .seconds(60)) {
            ws.files(in: "archive/storefront").contains("renamed.csv")
        }
        #expect(renamedTaken, "the renamed file was not taken\n\(daemon.tail())")
        #expect(
            try ws.count("SELECT MIN(started_at) FROM files WHERE name = 'renamed.csv'") <= Int((started + 5) * 1000),
            "the renamed file was not taken at once")
        let taken = await eventually(timeout: .seconds(60)) {
            ws.files(in: "archive/storefront") == ["in-place.csv", "renamed.csv"]
                && (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == 2
        }
        let seconds = epochSeconds() - started
        #expect(taken, "not both archived within 60 s\n\(daemon.tail())")
        #expect(
            try ws.count("SELECT MIN(started_at) FROM files WHERE name = 'in-place.csv'") >= Int((started + 6) * 1000)
                - 1,
            "the in-place file was taken before it settled")
        // Nothing more may happen to them.
        #expect(await holds(for: .milliseconds(500)) { (try? ws.count("SELECT COUNT(*) FROM audit_log")) == 6 })

        #expect(
            try ws.query("SELECT name, state, finalized, events, applied FROM files ORDER BY name") == [
                ["in-place.csv", "done", "1", "3", "3"], ["renamed.csv", "done", "1", "3", "3"],
            ])
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == 6)
        #expect(try ws.count("SELECT COUNT(DISTINCT event_id) FROM audit_log") == 6)
        #expect(
            try ws.query("SELECT file_name, COUNT(*) FROM audit_log GROUP BY file_name ORDER BY file_name") == [
                ["in-place.csv", "3"], ["renamed.csv", "3"],
            ])
        #expect(try ws.read("archive/storefront/renamed.csv") == renamed)
        #expect(try ws.read("archive/storefront/in-place.csv") == inPlace)
        #expect(visible(ws.files(in: "inbox/storefront")).isEmpty)
        #expect(ws.files(in: "failed/storefront").isEmpty)
        print("watch: rename and in-place close -> both archived in \(wholeMilliseconds(seconds)) ms")
        #expect(await daemon.stop() == 0, "\(daemon.tail())")
    }

    /// One report per period, not per pass: after `watch_every_files` files, and on stop for
    /// what is left; each covers its passes' rejections.
    @Test func reportsArePerPeriodNotPerPass() async throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(
            of: "watch_every_files = 1000", with: "watch_every_files = 2")
        #expect(config.contains("watch_every_files = 2"))
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, ["--settle-ms", "200"])
        defer { daemon.stopOrKill() }
        try await daemon.waitUntilReady()
        let rejected = "E-X,order,O-X,PAID,2026-01-01T10:00:00+05:30,,,,\n"  // rejected: missing_field (amount)
        for (index, name) in ["one.csv", "two.csv", "three.csv"].enumerated() {
            try dropRenamed(ws, "storefront", name, orderHeader + orderRow("P\(index)") + (index == 0 ? rejected : ""))
            // Archived, and the pass that took it over: the next file comes in a pass of its own.
            let archived = await eventually(timeout: .seconds(60)) {
                (try? ws.count(
                    """
                    SELECT COUNT(*) FROM files f JOIN runs r ON r.id = f.last_run_id
                    WHERE f.name = '\(name)' AND f.finalized = 1 AND r.finished_at IS NOT NULL
                    """)) == 1
            }
            #expect(
                archived && ws.files(in: "archive/storefront").contains(name), "\(name) not archived\n\(daemon.tail())")
        }
        // Two files: one report; the third waits for its period.
        let first = await eventually(timeout: .seconds(30)) {
            ws.files(in: "outbox/reports").filter { $0.hasSuffix(".html") }.count == 1
        }
        #expect(first, "\(ws.files(in: "outbox/reports"))\n\(daemon.tail())")
        #expect(await daemon.stop() == 0)
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
    func slowInPlaceWriterIsTakenOnlyWhenComplete(mode: String) async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, ["--settle-ms", "1000"] + (mode == "poll" ? ["--poll"] : []))
        defer { daemon.stopOrKill() }
        try await daemon.waitUntilReady()

        let path = ws.root + "/inbox/storefront/slow.csv"
        let rows = 10
        // The partner, on a thread of its own (its pace must not wait for a busy pool).
        let (content, lastClose) = try await onOwnThread { () throws -> (String, Double) in
            var content = ""
            var lastClose = 0.0
            for row in 0...rows {
                let text = row == 0 ? orderHeader : orderRow("SLOW\(row)")
                try writeFile(path, text, append: true)  // open, append, close (like `>>`)
                lastClose = epochSeconds()
                content += text
                if row < rows { Thread.sleep(forTimeInterval: 0.2) }  // the partner's pace
            }
            return (content, lastClose)
        }
        let settled = await eventually(timeout: .seconds(60)) {
            visible(ws.files(in: "inbox/storefront")).isEmpty
                && (try? ws.count("SELECT COUNT(*) FROM files")) ?? 0 > 0
                && (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 0")) == 0
        }
        #expect(settled, "slow.csv was not handled within 60 s of its last write\n\(daemon.tail())")
        // Nothing more may be taken once it settled (a later piece would be a second file).
        #expect(await holds(for: .milliseconds(500)) { (try? ws.count("SELECT COUNT(*) FROM files")) == 1 })

        let check = {
            let files = try ws.query(
                "SELECT name, state, events, applied, COALESCE(final_name, '') FROM files ORDER BY id")
            #expect(files == [["slow.csv", "done", "\(rows)", "\(rows)", "slow.csv"]], "files taken: \(files)")
            #expect(
                try ws.count("SELECT COUNT(*) FROM audit_log WHERE file_name = 'slow.csv' AND outcome = 'applied'")
                    == rows)
            #expect(try ws.count("SELECT COUNT(DISTINCT event_id) FROM audit_log") == rows)
            #expect(ws.files(in: "archive/storefront") == ["slow.csv"])
            #expect(ws.files(in: "failed/storefront").isEmpty)
            #expect((try? ws.read("archive/storefront/slow.csv")) == content)
            // Taken after the last write, not before.
            let started = try ws.count("SELECT MIN(started_at) FROM files")
            #expect(
                Double(started) >= (lastClose * 1000).rounded(.down),
                "taken \(Double(started) / 1000 - lastClose) s after the last write")
        }
        try check()
        #expect(await daemon.stop() == 0, "\(daemon.tail())")
    }

    /// 200 small files (one order event each, distinct ids) renamed into the inbox one after the
    /// other as fast as possible: each archived exactly once, each event audited once, and taken
    /// in the contract's order (modification time, feed, name).
    @Test(arguments: ["inotify", "poll"])
    func burstOfTwoHundredFilesIsTakenOnceEachInContractOrder(mode: String) async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let daemon = try WatchDaemon(ws, mode == "poll" ? ["--poll", "--settle-ms", "300"] : [])
        defer { daemon.stopOrKill() }
        try await daemon.waitUntilReady()

        let count = 200
        var dropped: [(mtime: Int64, feed: String, name: String, event: String)] = []
        let started = epochSeconds()
        for n in 0..<count {
            let name = "burst-" + String(1000 + n).dropFirst() + ".csv"
            let mtime = try dropRenamed(ws, "storefront", name, orderHeader + orderRow("B\(n)"))
            dropped.append((mtime, "storefront", name, "E-B\(n)"))
        }
        let droppedIn = epochSeconds() - started
        let expected = dropped.sorted { a, b in
            if a.mtime != b.mtime { return a.mtime < b.mtime }
            if a.feed != b.feed { return a.feed < b.feed }
            return a.name < b.name
        }
        let done = await eventually(timeout: .seconds(120), every: .milliseconds(100)) {
            (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == count
        }
        let seconds = epochSeconds() - started
        #expect(
            done,
            "\((try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) ?? -1) of \(count) files handled after 120 s\n\(daemon.tail())"
        )
        // Nothing more may be taken: each file once.
        #expect(await holds(for: .milliseconds(500)) { (try? ws.count("SELECT COUNT(*) FROM files")) == count })

        // Each file once, archived, in order.
        #expect(try ws.count("SELECT COUNT(*) FROM files") == count)
        #expect(try ws.count("SELECT COUNT(DISTINCT name) FROM files") == count)
        #expect(
            try ws.count(
                "SELECT COUNT(*) FROM files WHERE state = 'done' AND events = 1 AND applied = 1 AND final_name = name")
                == count)
        let taken = try ws.query("SELECT name FROM files ORDER BY id").map { $0[0] ?? "" }
        #expect(
            taken == expected.map(\.name),
            "files not taken in (mtime, feed, name) order: first difference at \(firstDifference(taken, expected.map(\.name)))"
        )
        #expect(ws.files(in: "archive/storefront") == dropped.map(\.name).sorted())
        #expect(visible(ws.files(in: "inbox/storefront")).isEmpty)
        #expect(ws.files(in: "failed/storefront").isEmpty)
        #expect(ws.files(in: "var/processing/storefront").isEmpty)
        // Each event once, in the same order.
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == count)
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == count)
        let events = try ws.query("SELECT event_id FROM audit_events ORDER BY id").map { $0[0] ?? "" }
        #expect(events == expected.map(\.event))
        print(
            "watch (\(mode)): burst of \(count) renamed in \(wholeMilliseconds(droppedIn)) ms, all archived \(wholeMilliseconds(seconds)) ms after the first"
        )
        #expect(await daemon.stop() == 0, "\(daemon.tail())")
    }
}
