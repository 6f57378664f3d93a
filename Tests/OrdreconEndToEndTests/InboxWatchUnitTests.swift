import Foundation
import Testing

@testable import OrdreconEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The readiness rules with a fixed clock, and how one wait's events are summed up.
struct InboxWatchUnitTests {
    @Test func eachNameIsListedByItsLastEvent() {
        var collector = WatchEvents.Collector()
        collector.written("f", "a.csv", complete: false)
        collector.written("f", "a.csv", complete: true)
        collector.written("f", "b.csv", complete: true)
        collector.written("f", "b.csv", complete: false)
        collector.written("f", "c.csv", complete: true)
        collector.removed("f", "c.csv")
        collector.removed("f", "d.csv")
        collector.written("f", "d.csv", complete: true)
        let events = collector.built
        #expect(events.closedOrMovedIn.map(\.name) == ["a.csv", "d.csv"])
        #expect(events.modified.map(\.name) == ["b.csv"])
        #expect(events.removed.map(\.name) == ["c.csv", "d.csv"])
        #expect(!events.isEmpty)
        #expect(WatchEvents().isEmpty)
    }

    @Test func closeOrMoveInIsReadyAtOnceUnlessWrittenAgain() {
        var readiness = FileReadiness(settle: 2)
        readiness.modified(feed: "f", name: "a.csv", at: 10)
        #expect(!readiness.isReady(feed: "f", name: "a.csv", at: 10))
        readiness.closed(feed: "f", name: "a.csv", at: 10.1)
        #expect(readiness.isReady(feed: "f", name: "a.csv", at: 10.1))
        readiness.modified(feed: "f", name: "a.csv", at: 10.2)
        #expect(!readiness.isReady(feed: "f", name: "a.csv", at: 11))
        #expect(readiness.nextDeadline == 12.2)
        readiness.observe(feed: "f", name: "a.csv", size: 10, mtime: 1, at: 12.2)
        #expect(readiness.isReady(feed: "f", name: "a.csv", at: 12.2))
    }

    @Test func appendsEvery200msAreReadyOnlySettleAfterTheLastWrite() {
        var readiness = FileReadiness(settle: 1)
        var size: Int64 = 0
        var lastWrite = 0.0
        var readyAt: Double?
        for step in 0...60 {
            let time = Double(step) * 0.1
            if step % 2 == 0, time <= 2 {
                size += 10
                lastWrite = time
            }
            readiness.observe(feed: "f", name: "slow.csv", size: size, mtime: Int64(lastWrite * 1e9), at: time)
            if readyAt == nil, readiness.readyFiles(at: time).count == 1 { readyAt = time }
        }
        #expect(readyAt != nil)
        #expect((readyAt ?? 0) >= lastWrite + 1)
    }

    @Test func aFileListedTwiceWithAnOldMtimeIsReadyAtOnce() {
        var readiness = FileReadiness(settle: 2)
        readiness.observe(feed: "f", name: "old.csv", size: 5, mtime: 1, age: 3600, at: 100)
        readiness.observe(feed: "f", name: "young.csv", size: 5, mtime: 2, age: 0.5, at: 100)
        // One listing may have missed older names: not ready until a second one saw them too.
        #expect(readiness.readyFiles(at: 100).isEmpty)
        #expect(readiness.awaitsListing)
        #expect(readiness.nextDeadline(after: 100) == nil)
        readiness.observe(feed: "f", name: "old.csv", size: 5, mtime: 1, age: 3600, at: 100.01)
        readiness.observe(feed: "f", name: "young.csv", size: 5, mtime: 2, age: 0.51, at: 100.01)
        #expect(!readiness.awaitsListing)
        #expect(readiness.readyFiles(at: 100.01).map(\.name) == ["old.csv"])
        // Unchanged since its mtime, half a second before it was first seen: 1.5 s more.
        #expect(readiness.nextDeadline(after: 100.01) == 101.5)
        #expect(readiness.isReady(feed: "f", name: "young.csv", at: 101.5))
        // A stat is no listing.
        readiness.observe(feed: "f", name: "stat.csv", size: 1, mtime: 1, age: 3600, listed: false, at: 100)
        #expect(!readiness.isReady(feed: "f", name: "stat.csv", at: 200))
    }

    @Test func firstObservationKeepsTheEventTime() {
        var readiness = FileReadiness(settle: 1)
        readiness.modified(feed: "f", name: "linked.csv", at: 5)
        #expect(readiness.candidates(at: 5.5).isEmpty)
        #expect(readiness.candidates(at: 6).count == 1)
        readiness.observe(feed: "f", name: "linked.csv", size: 3, mtime: 7, at: 6)
        #expect(readiness.isReady(feed: "f", name: "linked.csv", at: 6))
        readiness.forget(feed: "f", name: "linked.csv")
        #expect(readiness.tracked.isEmpty)
        #expect(readiness.nextDeadline == nil)
    }
}
