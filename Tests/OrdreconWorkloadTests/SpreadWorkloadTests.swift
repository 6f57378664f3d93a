import Foundation
import OrdreconCore
import Testing

@testable import OrdreconWorkload

@Suite("Spread lifecycle")
struct SpreadWorkloadTests {
    static let start: Int64 = 1_772_335_800
    static let india = TimeZone(secondsFromGMT: 19_800)!

    static func spread(
        _ orders: Int, seed: UInt64 = 1, formats: WorkloadOptions.Formats = .mixed, fileEvents: Int? = nil,
        windowHours: Int = WorkloadOptions.defaultWindowHours
    ) -> WorkloadOptions {
        WorkloadOptions(
            orders: orders, seed: seed, faults: false, lifecycle: .spread, formats: formats, fileEvents: fileEvents,
            windowHours: windowHours)
    }

    @Test("60,000 orders: more than 20,000 open at once (waves: at most 5,000), only open orders in memory")
    func spreadIsSpread() {
        // The timeline alone (no events rendered, no files): open = placed, not yet DELIVERED or
        // CANCELLED, and with an event still to come (as the oracle counts it).
        var rng = SplitMix64(seed: 1)
        var nextReturn = 1
        var timeline = SpreadTimeline(orders: 60_000, start: Self.start, rng: &rng)
        var open = 0
        var peak = 0
        var peakWithEvents = 0
        var events = 0
        var lastTime = Int64.min
        while let step = timeline.next(nextReturnNumber: &nextReturn, rng: &rng) {
            events += 1
            #expect(step.time >= lastTime)
            lastTime = step.time
            let fate = timeline.slots[Int(step.slot)]!.plan.fate
            switch step.stage {
            case .orders:
                open += 1
                peak = max(peak, open)
            case .deliveries, .cancellations: open -= 1
            default: break
            }
            peakWithEvents = max(peakWithEvents, timeline.openCount)
            if timeline.emitted(step.slot), fate != .delivered, !fate.isCancelled { open -= 1 }
        }
        #expect(timeline.placed == 60_000 && open == 0 && timeline.openCount == 0)
        #expect(SpreadTimeline.ordersPerDay(for: 60_000) == 4899)
        #expect(peak > 20_000, "peak open orders \(peak)")
        #expect(peak > 4 * WorkloadOptions(orders: 60_000).ordersPerWave)
        // Memory holds the orders with events still to come (returns last weeks), not all of them.
        #expect(timeline.slots.count == peakWithEvents && peakWithEvents < 60_000 * 3 / 4)
        #expect(events > 5 * 60_000)
        print(
            "spread, 60,000 orders: \(events) events, peak open orders \(peak), with events to come \(peakWithEvents)")
    }

    @Test("the waves lifecycle has at most a wave open; the spread one reports its peak")
    func peaks() throws {
        let waves = try TempRoot.withReport(WorkloadOptions(orders: 1200, seed: 3, faults: false, ordersPerWave: 300)) {
            _, report in report.peakOpenOrders
        }
        #expect(waves == 300)
        let spread = try TempRoot.withReport(Self.spread(3000)) { _, report in report }
        #expect(spread.ordersPerDay == 1095)
        #expect(spread.peakOpenOrders > 2000 && spread.peakOpenOrders < 3000)
    }

    @Test("every event is applied, files are read in causal order and hold orders of several days")
    func causalOrder() throws {
        try TempRoot.withReport(Self.spread(2500, seed: 4, formats: .csv, windowHours: 2)) { root, report in
            let s = report.summary
            #expect(s.events > 2500 * 5 && s.applied == s.events && s.badFiles == 0)
            #expect(s.rejectedByCode.values.allSatisfy { $0 == 0 })
            #expect(s.ordersByStatus.values.reduce(0, +) == 2500)
            let files = try inboxFilesInProcessingOrder(root)
            #expect(files.count == s.files)
            #expect(files.map(\.sequence) == Array(1...files.count))
            for (a, b) in zip(files, files.dropFirst()) { #expect(b.mtime == a.mtime + 1) }

            var orderStatus: [String: OrderStatus] = [:]
            var returnStatus: [String: ReturnStatus] = [:]
            var lastTime: [String: Int64] = [:]
            var createdDay: [String: Int64] = [:]
            var deliveredAt: [String: Int64] = [:]
            var mostDays = 0
            var counted = 0
            var lateUploads = 0
            for file in files {
                let events = try #require(try csvEvents(file.path), "\(file.name)")
                counted += events.count
                let window = Int64(file.name.split(separator: "-")[1].dropFirst().prefix(5))!
                var days: Set<Int64> = []
                for e in events {
                    let time = try Timestamp(iso8601: e["occurred_at"], zone: Self.india).milliseconds / 1000
                    if (time - Self.start) / 7200 < window { lateUploads += 1 }
                    let key = e["entity"].lowercased() == "order" ? e["order_id"] : e["return_id"]
                    #expect(time >= lastTime[key, default: .min], "\(key) goes back in time in \(file.name)")
                    lastTime[key] = time
                    if e["entity"].lowercased() == "order" {
                        let status = try #require(OrderStatus(caseInsensitive: e["status"]))
                        if let previous = orderStatus[key] {
                            #expect(previous.allows(status), "\(key): \(previous) -> \(status) in \(file.name)")
                        } else {
                            #expect(status == .pendingPayment, "\(key) starts with \(status)")
                            createdDay[key] = (time + 19_800) / 86_400
                        }
                        orderStatus[key] = status
                        if status == .delivered { deliveredAt[key] = time }
                    } else {
                        let status = try #require(ReturnStatus(caseInsensitive: e["status"]))
                        if let previous = returnStatus[key] {
                            #expect(previous.allows(status), "\(key): \(previous) -> \(status) in \(file.name)")
                        } else {
                            #expect(status == .requested)
                            let delivered = try #require(deliveredAt[e["order_id"]], "\(key) before its delivery")
                            #expect(time >= delivered && time - delivered <= 30 * 86_400)
                        }
                        returnStatus[key] = status
                    }
                    if let day = createdDay[e["order_id"]] { days.insert(day) }
                }
                mostDays = max(mostDays, days.count)
            }
            #expect(counted == s.events)
            #expect(lateUploads > 0, "no event had to wait for a later file")
            #expect(mostDays >= 3, "files hold orders of at most \(mostDays) days")
            var finals: [String: Int] = [:]
            for status in orderStatus.values { finals[status.rawValue, default: 0] += 1 }
            #expect(finals == s.ordersByStatus.filter { $0.value > 0 })
        }
    }

    @Test("the same seed gives the same bytes and times; another seed does not")
    func determinism() throws {
        let first = try TempRoot.withReport(Self.spread(700, seed: 5, fileEvents: 150)) { root, _ in
            try workloadDigest(root)
        }
        let second = try TempRoot.withReport(Self.spread(700, seed: 5, fileEvents: 150)) { root, _ in
            try workloadDigest(root)
        }
        let other = try TempRoot.withReport(Self.spread(700, seed: 6, fileEvents: 150)) { root, _ in
            try workloadDigest(root)
        }
        #expect(first == second)
        #expect(first != other)
    }

    @Test("mixed formats: CSV, JSON and JSON Lines files that hold exactly the events")
    func mixedFormats() throws {
        try TempRoot.withReport(Self.spread(1500, seed: 2, fileEvents: 100)) { root, report in
            let files = try inboxFiles(root)
            #expect(Set(files.map(\.ext)).isSuperset(of: ["csv", "json", "jsonl", "ndjson"]))
            var counted = 0
            for file in files {
                let count = try #require(try eventCount(file), "\(file.name) does not parse")
                #expect(count > 0 && count <= 100, "\(file.name): \(count) events")
                counted += count
            }
            #expect(counted == report.summary.events)
            #expect(files.contains { $0.name.contains("-p2.") })
        }
    }

    @Test("the spread lifecycle refuses faults")
    func refusesFaults() throws {
        var options = Self.spread(10)
        options.faults = true
        #expect(throws: WorkloadError.self) { try TempRoot.withReport(options) { _, _ in } }
    }
}
