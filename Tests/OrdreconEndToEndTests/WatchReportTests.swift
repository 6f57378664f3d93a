import Foundation
import Logging
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconEngine

/// `watch` writes one report per period (time or file count), not one per pass; old reports
/// are deleted after `[reports] keep_days`, and nothing else in the folder is touched.
@Suite
struct WatchReportTests {
    private func pass(_ runId: Int64, files: [String], unfinished: [String] = []) -> RunSummary {
        var summary = RunSummary()
        summary.runId = runId
        summary.seconds = 0.5
        summary.files = files.map { name in
            var file = FileSummary(feed: "storefront", name: name)
            file.events = 3
            file.applied = 2
            file.rejected = 1
            file.rejectedByCode = ["unknown_order": 1]
            return file
        }
        summary.unfinished = unfinished.map {
            UnfinishedFile(feed: "storefront", name: $0, cause: .stillBeingWritten, message: "being written")
        }
        return summary
    }

    @Test func aPeriodIsDueAfterItsFilesOrItsTimeWhicheverComesFirst() async {
        var period = WatchReportPeriod(ReportsConfig(watchEveryMinutes: 10, watchEveryFiles: 3, keepDays: 0))
        #expect(!period.isDue(at: 1_000_000) && period.isEmpty)
        period.add(pass(7, files: []), at: 100)  // a pass with nothing to say does not start a period
        #expect(period.isEmpty && period.secondsUntilDue(at: 100) == nil)

        period.add(pass(8, files: ["a.csv"]), at: 200)
        #expect(!period.isDue(at: 200) && period.secondsUntilDue(at: 260) == 540)
        period.add(pass(9, files: ["b.csv"]), at: 300)
        #expect(!period.isDue(at: 799))
        #expect(period.isDue(at: 800))  // ten minutes after the first file
        period.add(pass(10, files: ["c.csv"]), at: 310)
        #expect(period.isDue(at: 310))  // three files
        #expect(period.runs == 8...10)
        #expect(
            period.summary.events == 9 && period.summary.rejected == 3
                && period.summary.rejectedByCode == ["unknown_order": 3])
        #expect(period.summary.files.map(\.name) == ["a.csv", "b.csv", "c.csv"])
    }

    @Test func aFileFinishedLaterIsNoLongerUnfinished() async {
        var period = WatchReportPeriod(.defaults)
        period.add(pass(1, files: ["a.csv"], unfinished: ["slow.csv", "other.csv"]), at: 0)
        period.add(pass(2, files: [], unfinished: ["other.csv"]), at: 1)
        #expect(period.summary.unfinished.map(\.name).sorted() == ["other.csv", "slow.csv"])
        period.add(pass(3, files: ["slow.csv"]), at: 2)
        #expect(period.summary.unfinished.map(\.name) == ["other.csv"])
        #expect(period.summary.seconds == 1.5)
    }

    @Test func onlyOldReportFilesAreDeleted() async throws {
        let directory = NSTemporaryDirectory() + "ordrecon-reports-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Timestamp(milliseconds: 1_796_632_200_000)
        let old = Date(timeIntervalSince1970: Double(now.milliseconds) / 1000 - 31 * 86_400)
        let recent = Date(timeIntervalSince1970: Double(now.milliseconds) / 1000 - 29 * 86_400)
        let names = [
            "1.html", "1.json", "watch-2-9.html", "watch-2-9.json", "10.html", "notes.html", "1.html.bak",
            "watch-2.html", "watch--1-2.json", "x1.json",
        ]
        for name in names {
            let path = directory + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            try FileManager.default.setAttributes(
                [.modificationDate: name == "10.html" ? recent : old], ofItemAtPath: path)
        }
        // An old link named like a report, pointing at a file outside: neither is deleted.
        let outside = directory + "-target"
        #expect(FileManager.default.createFile(atPath: outside, contents: Data("keep".utf8)))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect(symlink(outside, directory + "/11.html") == 0)

        let logger = Logger(label: "test")
        #expect(RunReport.deleteOld(in: directory, keepDays: 0, now: now, logger: logger) == 0)
        #expect(RunReport.deleteOld(in: directory, keepDays: 30, now: now, logger: logger) == 4)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(
            left == ["1.html.bak", "10.html", "11.html", "notes.html", "watch--1-2.json", "watch-2.html", "x1.json"])
        #expect(FileManager.default.fileExists(atPath: outside))
    }
}
