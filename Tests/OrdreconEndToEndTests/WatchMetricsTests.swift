import Foundation
import OrdreconTestSupport
import OrdreconWorkload
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `/metrics` and `/healthz` of `ordrecon watch` against the database, and `run --metrics-file`
/// for the textfile collector (the built binary, as in WatchDropTests).
@Suite(.runsPrograms)
struct WatchMetricsTests {

    /// A generated workload (all feeds, faults, refunds to the mock gateway) through the daemon:
    /// `/metrics` parses and its numbers are the database's; `/healthz` is 200 `ok`, 503 with a
    /// reason while an inbox folder is a regular file or the database is gone, 200 again after.
    @Test func metricsAgreeWithTheDatabaseAndHealthzReportsABrokenWorkspace() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 150, seed: 5), to: ws.root)
        #expect(expected.refunds > 0 && expected.badFiles > 0)
        let daemon = try WatchDaemon(ws, ["--settle-ms", "200", "--rescan-seconds", "600"])
        defer { daemon.stopOrKill() }
        try await daemon.waitUntilReady()
        let done = await eventually(timeout: .seconds(120), every: .milliseconds(100)) {
            (try? ws.count("SELECT COUNT(*) FROM files WHERE finalized = 1")) == expected.files
                && (try? ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")) == expected.refunds
        }
        #expect(done, "workload not done within 120 s\n\(daemon.tail())")
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == expected.applied)

        // Counts from the database, as the metrics should show them.
        var events: [String: Double] = [:]  // feed/outcome; whole-file refusals are files, not events
        for row in try ws.query(
            """
            SELECT feed, outcome, COUNT(*) FROM audit_log
            WHERE reason_code IS NULL OR reason_code NOT IN ('bad_file', 'unsupported_file_type') GROUP BY feed, outcome
            """)
        { events[row[0]! + "/" + row[1]!] = Double(row[2]!)! }
        var rejections: [String: Double] = [:]  // feed/code
        for row in try ws.query(
            "SELECT feed, reason_code, COUNT(*) FROM audit_log WHERE outcome = 'rejected' GROUP BY feed, reason_code")
        {
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
        for row in try ws.query("SELECT status, COUNT(*) FROM refunds GROUP BY status") {
            refunds[row[0]!] = Double(row[1]!)!
        }

        func agrees(_ m: Exposition) -> Bool {
            m.series("ordrecon_events_total").allSatisfy {
                events[$0.labels["feed", default: ""] + "/" + $0.labels["outcome", default: ""], default: 0] == $0.value
            }
                && m.series("ordrecon_rejections_total").allSatisfy {
                    rejections[$0.labels["feed", default: ""] + "/" + $0.labels["code", default: ""], default: 0]
                        == $0.value
                }
                && m.series("ordrecon_files_total").allSatisfy {
                    files[$0.labels["feed", default: ""] + "/" + $0.labels["result", default: ""], default: 0]
                        == $0.value
                }
        }
        // The numbers of a pass reach the metrics just after its commit: scrape until they agree.
        let metrics = try await eventuallyScrape(daemon, agrees)
        let eventSeries = metrics.series("ordrecon_events_total")
        #expect(eventSeries.count == feeds.count * 3)
        for series in eventSeries {
            let key = series.labels["feed", default: ""] + "/" + series.labels["outcome", default: ""]
            #expect(series.value == events[key, default: 0], "ordrecon_events_total \(key)")
        }
        #expect(
            Set(events.keys).isSubset(
                of: Set(eventSeries.map { $0.labels["feed", default: ""] + "/" + $0.labels["outcome", default: ""] })))
        let rejectionSeries = metrics.series("ordrecon_rejections_total")
        for series in rejectionSeries {
            let key = series.labels["feed", default: ""] + "/" + series.labels["code", default: ""]
            #expect(series.value == rejections[key, default: 0], "ordrecon_rejections_total \(key)")
        }
        #expect(
            Set(rejections.keys).isSubset(
                of: Set(rejectionSeries.map { $0.labels["feed", default: ""] + "/" + $0.labels["code", default: ""] })))
        for series in metrics.series("ordrecon_files_total") {
            let key = series.labels["feed", default: ""] + "/" + series.labels["result", default: ""]
            #expect(series.value == files[key, default: 0], "ordrecon_files_total \(key)")
        }
        #expect(
            metrics.series("ordrecon_files_total").filter { $0.labels["result"] == "processed" }.map(\.value).reduce(
                0, +) == Double(expected.files - expected.badFiles))
        for state in ["pending", "sent", "failed"] {
            #expect(
                metrics.value("ordrecon_refunds", ["state": state]) == refunds[state, default: 0],
                "ordrecon_refunds \(state)")
        }
        #expect(metrics.value("ordrecon_refunds", ["state": "sent"]) == Double(expected.refunds))
        let lastSuccess = metrics.value("ordrecon_last_success_timestamp_seconds") ?? 0
        #expect(lastSuccess > 0 && lastSuccess <= epochSeconds() + 1, "last success \(lastSuccess)")
        #expect(metrics.value("ordrecon_inbox_backlog_files") == 0)
        #expect((metrics.value("ordrecon_runs_total") ?? 0) >= 1)

        // /healthz: fine, then an inbox folder that is a regular file, then no database.
        let healthy = await daemon.get("/healthz")
        #expect(healthy?.status == 200 && healthy?.body == "ok\n", "\(String(describing: healthy))")
        let folder = ws.root + "/inbox/storefront"
        try FileManager.default.removeItem(atPath: folder)
        try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: folder))
        var reply = await daemon.get("/healthz")
        #expect(reply?.status == 503, "\(String(describing: reply))")
        #expect(
            reply?.body.hasPrefix("unhealthy: ") == true && reply?.body.contains("inbox/storefront") == true,
            "\(String(describing: reply))")
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        reply = await daemon.get("/healthz")
        #expect(reply?.status == 200 && reply?.body == "ok\n", "\(String(describing: reply))")

        let database = ws.database
        #expect(rename(database, database + ".away") == 0)
        reply = await daemon.get("/healthz")
        #expect(rename(database + ".away", database) == 0)
        #expect(reply?.status == 503, "\(String(describing: reply))")
        #expect(
            reply?.body.hasPrefix("unhealthy: ") == true && reply?.body.contains("database") == true,
            "\(String(describing: reply))")
        reply = await daemon.get("/healthz")
        #expect(reply?.status == 200 && reply?.body == "ok\n", "\(String(describing: reply))")

        // The daemon still works, and watches the folder made again.
        try dropRenamed(ws, "storefront", "after-healthz.csv", orderHeader + orderRow("AFTER1"))
        #expect(
            await eventually(timeout: .seconds(60)) {
                ws.files(in: "archive/storefront").contains("after-healthz.csv")
            }, "\(daemon.tail())")
        #expect(await daemon.stop() == 0, "\(daemon.tail())")
    }

    /// `ordrecon run --metrics-file` on a small workload: the file is there (no temporary left),
    /// parses, holds the run's numbers and a last success time of about now; a name that does
    /// not end in `.prom` is a usage error (64).
    @Test func runWritesTheMetricsFileForTheTextfileCollector() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        let expected = try WorkloadGenerator.write(WorkloadOptions(orders: 40, seed: 3), to: ws.root)
        let path = ws.root + "/m.prom"
        let before = epochSeconds()
        let run = try await ws.run(["run", "--json", "--quiet", "--metrics-file", path])
        let after = epochSeconds()
        #expect(run.status == 65 || run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(
            ws.files(in: "").filter {
                $0.hasSuffix(".tmp") || $0.contains(".prom.") || ($0.hasPrefix(".") && $0.contains("prom"))
            }.isEmpty, "\(ws.files(in: ""))")
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
            for (code, count) in file["rejected_by_code"] as? [String: Int] ?? [:] {
                rejections[feed + "/" + code, default: 0] += Double(count)
            }
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
        #expect(
            metrics.series("ordrecon_events_total").filter { $0.labels["outcome"] == "applied" }.map(\.value).reduce(
                0, +) == Double(expected.applied))
        #expect(
            metrics.series("ordrecon_events_total").filter { $0.labels["outcome"] == "applied" }.map(\.value).reduce(
                0, +)
                == Double(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'")))
        #expect(
            metrics.series("ordrecon_files_total").map(\.value).reduce(0, +)
                == Double(try ws.count("SELECT COUNT(*) FROM files")))
        #expect(
            metrics.value("ordrecon_refunds", ["state": "sent"])
                == Double(try ws.count("SELECT COUNT(*) FROM refunds WHERE status = 'sent'")))
        #expect(metrics.value("ordrecon_refunds", ["state": "sent"]) == Double(expected.refunds))
        #expect(metrics.value("ordrecon_runs_total") == 1)
        let lastSuccess = metrics.value("ordrecon_last_success_timestamp_seconds") ?? 0
        #expect(
            lastSuccess >= before - 1 && lastSuccess <= after + 1,
            "last success \(lastSuccess), run from \(before) to \(after)")

        let wrong = try await ws.run(["run", "--quiet", "--metrics-file", ws.root + "/m.txt"])
        #expect(wrong.status == 64, "\(wrong.stderr)")
        #expect(wrong.stderr.contains(".prom"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.root + "/m.txt"))
    }
}
