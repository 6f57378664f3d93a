import Foundation
import OrdreconCore
import OrdreconTestSupport
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import OrdreconDaemon

/// The services' times on a clock the test moves: the pause after a failed pass (1 s doubling
/// to 60 s), the pass tried again after it, and the watch report's period. Nothing sleeps: the
/// test awaits each wait the service begins on the clock, checks how long it is, and moves the
/// clock by that much.
@Suite struct ServiceTimingTests {
    struct ClientSetUpFailed: Error {}

    /// The refund sender cannot be set up eight times running: dispatch pauses 1, 2, 4, …, 60,
    /// 60 s on the clock between its passes, logging each; once it can, the next pass sends the
    /// pending refund and dispatch goes back to its one-second look.
    @Test func dispatchPausesOneSecondDoublingToSixtyThenTriesAgain() async throws {
        let h = try DaemonHarness()
        try await h.recordOneRefund()
        let setUps = Mutex(0)
        let accepting = ScriptedHTTPClient { _, _ in .answer(status: 201) }
        let context = h.context { _ in
            let failed = setUps.withLock { count in
                count += 1
                return count <= 8
            }
            if failed { throw ClientSetUpFailed() }
            return accepting
        }
        let pauses: [Double] = [1, 2, 4, 8, 16, 32, 60, 60]
        let before = h.clock.waits.count

        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await DispatchService(context: context).run() }
                defer { trigger.triggerGracefulShutdown() }
                for (index, pause) in pauses.enumerated() {
                    #expect(await h.clock.waitsBegun(before + index + 1), "pause \(index + 1) never began")
                    #expect(h.clock.waits.last == pause)
                    #expect(
                        h.logs.count("refund dispatch failed; trying again in \(Int(pause)) s")
                            == pauses.prefix(index + 1).count { $0 == pause })
                    #expect(accepting.requests.isEmpty)
                    h.clock.advance(by: pause)
                }
                #expect(await h.logs.line("refunds: 1 sent"))
                #expect(await h.clock.waitsBegun(before + pauses.count + 1))
                #expect(h.clock.waits.last == 1, "the look after a pass that worked")
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(setUps.withLock { $0 } == 9)
        #expect(accepting.requests.map(\.key) == ["RF.O1.C"])
        #expect(try h.attempts("RF.O1.C") == ["sent:201"])
        #expect(h.logs.count("refund dispatch failed") == 8)
    }

    /// The database cannot be opened (a folder stands where the file goes): ingestion pauses
    /// 1 s, then 2 s, on the clock; once the folder is gone, the pass after the pause takes the
    /// waiting file, and no further pause begins.
    @Test func aFailedIngestionPassIsTriedAgainAfterItsPause() async throws {
        let h = try DaemonHarness(openStore: false)
        try FileManager.default.createDirectory(atPath: h.workspace.database, withIntermediateDirectories: true)
        try h.workspace.drop("shop", "orders.csv", DaemonHarness.newOrders(3))
        let context = h.context()

        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await IngestService(context: context).run() }
                defer { trigger.triggerGracefulShutdown() }
                #expect(await h.clock.waitsBegun(1))
                #expect(h.clock.waits == [1])
                h.clock.advance(by: 1)
                #expect(await h.clock.waitsBegun(2))
                #expect(h.clock.waits == [1, 2])
                #expect(h.logs.count("ingestion pass failed; trying again in 1 s") == 1)
                #expect(h.logs.count("ingestion pass failed; trying again in 2 s") == 1)
                #expect(h.logs.count("file done") == 0)

                try FileManager.default.removeItem(atPath: h.workspace.database)
                h.clock.advance(by: 2)
                #expect(await h.logs.line("file done"))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(h.clock.waits == [1, 2])
        #expect(h.logs.count("ingestion pass failed") == 2)
        #expect(try h.workspace.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'applied'") == 3)
        #expect(h.workspace.files(in: "archive/shop").count == 1)
    }

    /// `watch_every_minutes = 1`: the passes of a minute of the clock go into one report,
    /// written once the minute has passed since the first of them, not before.
    ///
    /// Three files, each in a pass of its own (each dropped once the pass before has taken its
    /// files). The clock is moved on the worker's thread as a pass begins (its log line "… ready
    /// file(s)"), so the pass before has certainly been counted in the period and checked
    /// against it: the second pass begins 59 s after the first, the third 60 s after it.
    @Test func oneWatchReportPerMinuteOfTheClock() async throws {
        let h = try DaemonHarness()
        let context = h.context()
        let reportsAt59 = Mutex<Int?>(nil)
        h.logs.on("ready file(s)", occurrence: 2) { h.clock.advance(by: 59) }
        h.logs.on("ready file(s)", occurrence: 3) {
            reportsAt59.withLock { $0 = h.logs.count("run report written") }
            h.clock.advance(by: 1)
        }

        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await IngestService(context: context).run() }
                defer { trigger.triggerGracefulShutdown() }
                for (index, name) in ["first.csv", "second.csv", "third.csv"].enumerated() {
                    try h.workspace.drop("shop", name, DaemonHarness.newOrders(2, from: 2 * index + 1))
                    #expect(await h.logs.line("files done", occurrence: index + 1), "\(name) was not taken")
                }
                #expect(await h.logs.line("run report written"))
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(h.logs.count("ready file(s)") == 3, "each file in a pass of its own")
        #expect(reportsAt59.withLock { $0 } == 0, "a report before the minute was over")
        // One report for the three passes; the period after it is empty, so stopping writes none.
        #expect(h.logs.count("run report written") == 1)
        let reports = h.workspace.files(in: "outbox/reports").filter { $0.hasSuffix(".json") }
        #expect(reports.count == 1 && reports.first?.hasPrefix("watch-") == true, "\(reports)")
        let report = try h.workspace.read("outbox/reports/" + (reports.first ?? ""))
        #expect(["first.csv", "second.csv", "third.csv"].allSatisfy { report.contains($0) })
        #expect(h.clock.now == 1060 && h.clock.waits.isEmpty)
    }
}
