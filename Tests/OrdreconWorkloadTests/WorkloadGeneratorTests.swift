import Foundation
import OrdreconCore
import Testing

@testable import OrdreconWorkload

@Suite("Workload generator")
struct WorkloadGeneratorTests {
    static let feeds = ["storefront", "payments", "warehouse", "carrier", "returns-desk"]

    @Test("the same seed gives the same bytes and times; another seed does not")
    func determinism() throws {
        func snapshot(_ seed: UInt64) throws -> [String: (Data, Int64)] {
            try TempRoot.with(WorkloadOptions(orders: 400, seed: seed)) { root, _, _ in
                var result: [String: (Data, Int64)] = [:]
                for file in try inboxFiles(root) {
                    result[file.feed + "/" + file.name] = (
                        try Data(contentsOf: URL(fileURLWithPath: file.path)), file.mtime
                    )
                }
                result["expected.json"] = (try Data(contentsOf: URL(fileURLWithPath: root + "/expected.json")), 0)
                result["config/catalog.csv"] = (
                    try Data(contentsOf: URL(fileURLWithPath: root + "/config/catalog.csv")), 0
                )
                return result
            }
        }
        let first = try snapshot(7)
        let second = try snapshot(7)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (name, (data, mtime)) in first {
            #expect(second[name]?.0 == data, "\(name) differs")
            #expect(second[name]?.1 == mtime, "\(name) has another mtime")
        }
        let other = try snapshot(8)
        #expect(other["expected.json"]?.0 != first["expected.json"]?.0)
    }

    @Test("the summary adds up", arguments: [(400, 5000), (1200, 300)])
    func arithmetic(orders: Int, perWave: Int) throws {
        try TempRoot.with(WorkloadOptions(orders: orders, seed: 3, ordersPerWave: perWave)) { root, s, _ in
            #expect(s.events == s.applied + s.duplicate + s.rejectedEvents)
            #expect(
                s.badFiles == (s.rejectedByCode["bad_file"] ?? 0) + (s.rejectedByCode["unsupported_file_type"] ?? 0))
            #expect(s.badFiles == 3)
            #expect(s.ordersByStatus.values.reduce(0, +) == orders)
            #expect(s.invoices == (s.ordersByStatus["SHIPPED"] ?? 0) + (s.ordersByStatus["DELIVERED"] ?? 0))
            #expect(s.refunds > 0 && s.refundPaiseTotal > 0)
            #expect(s.returnsByStatus.values.reduce(0, +) > 0)
            #expect(
                Set(s.rejectedByCode.keys) == Set(WorkloadSummary.eventReasonCodes + WorkloadSummary.fileReasonCodes))
            #expect(Set(s.ordersByStatus.keys) == Set(OrderStatus.allCases.map(\.rawValue)))
            #expect(Set(s.returnsByStatus.keys) == Set(ReturnStatus.allCases.map(\.rawValue)))
            #expect(try inboxFiles(root).count == s.files)
            // Faults are a small share of the events.
            let faulty = s.events - s.applied
            #expect(faulty > 0 && faulty * 100 < s.events * 8)

            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/expected.json"))
            #expect(try JSONDecoder().decode(WorkloadSummary.self, from: data) == s)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.range(of: "\"applied\"")!.lowerBound < text.range(of: "\"badFiles\"")!.lowerBound)
        }
    }

    @Test("every reason code and every fault kind appears with 400 orders", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyFault(seed: UInt64) throws {
        try TempRoot.with(WorkloadOptions(orders: 400, seed: seed)) { _, s, faults in
            for code in WorkloadSummary.eventReasonCodes + WorkloadSummary.fileReasonCodes {
                #expect((s.rejectedByCode[code] ?? 0) > 0, "no \(code)")
            }
            #expect(s.duplicate > 0)
            for kind in FaultKind.allCases {
                #expect((faults[kind] ?? 0) > 0, "fault \(kind.rawValue) never placed")
            }
        }
    }

    @Test("every reason code appears with 300 orders")
    func everyFaultAt300() throws {
        try TempRoot.with(WorkloadOptions(orders: 300, seed: 11)) { _, s, _ in
            for code in WorkloadSummary.eventReasonCodes + WorkloadSummary.fileReasonCodes {
                #expect((s.rejectedByCode[code] ?? 0) > 0, "no \(code)")
            }
        }
    }

    @Test("each feed gets CSV, JSON and JSON Lines files")
    func formatsPerFeed() throws {
        try TempRoot.with(WorkloadOptions(orders: 400, seed: 1)) { root, _, _ in
            let files = try inboxFiles(root)
            #expect(Set(files.map(\.feed)) == Set(WorkloadGeneratorTests.feeds))
            for feed in WorkloadGeneratorTests.feeds {
                let extensions = Set(files.filter { $0.feed == feed }.map(\.ext))
                #expect(extensions.contains("csv"), "\(feed) has no CSV")
                #expect(extensions.contains("json"), "\(feed) has no JSON")
                #expect(extensions.contains("jsonl") || extensions.contains("ndjson"), "\(feed) has no JSON Lines")
            }
            let all = Set(files.map(\.ext))
            #expect(all.isSuperset(of: ["csv", "json", "jsonl", "ndjson", "xml"]))
        }
    }

    @Test("modification times are one second apart, in the intended order")
    func modificationTimes() throws {
        try TempRoot.with(WorkloadOptions(orders: 900, seed: 5, ordersPerWave: 300)) { root, _, _ in
            let files = try inboxFiles(root)
            // The processing order: mtime, then feed, then name.
            let processing = files.sorted { ($0.mtime, $0.feed, $0.name) < ($1.mtime, $1.feed, $1.name) }
            let intended = files.sorted { $0.sequence < $1.sequence }
            #expect(processing == intended)
            #expect(intended.map(\.sequence) == Array(1...files.count))
            for (a, b) in zip(processing, processing.dropFirst()) {
                #expect(b.mtime == a.mtime + 1)
            }
            // Waves follow each other: a later wave's files come after an earlier wave's.
            let waves = intended.map { Int($0.name.split(separator: "-")[1].dropFirst())! }
            #expect(waves == waves.sorted())
            #expect(Set(waves) == [0, 1, 2])
        }
    }

    @Test("without faults every event is applied, and the files hold exactly that many events")
    func noFaults() throws {
        try TempRoot.with(WorkloadOptions(orders: 600, seed: 9, faults: false, ordersPerWave: 250)) { root, s, faults in
            #expect(faults.isEmpty)
            #expect(s.events > 0)
            #expect(s.applied == s.events)
            #expect(s.duplicate == 0)
            #expect(s.rejectedByCode.values.allSatisfy { $0 == 0 })
            #expect(s.badFiles == 0)
            var counted = 0
            for file in try inboxFiles(root) {
                let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
                switch file.ext {
                case "csv":
                    let records = try #require(parseCSV(data), "\(file.name) is not RFC 4180")
                    counted += try #require(countCSVEvents(records), "\(file.name) has ragged rows")
                case "json":
                    counted += try #require(countJSONEvents(data), "\(file.name) does not parse")
                case "jsonl", "ndjson":
                    let (lines, objects) = countJSONLines(data)
                    #expect(lines == objects, "\(file.name) has lines that are not JSON objects")
                    counted += lines
                default:
                    Issue.record("unexpected file \(file.name)")
                }
            }
            #expect(counted == s.events)
        }
    }

    @Test("with faults, exactly the intended files are unreadable")
    func badFiles() throws {
        try TempRoot.with(WorkloadOptions(orders: 400, seed: 2)) { root, s, _ in
            var unreadableJSON: [String] = []
            var badHeaders: [String] = []
            var xml: [String] = []
            var crlf = 0
            var bom = 0
            var unknownColumn = 0
            for file in try inboxFiles(root) {
                let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
                if data.contains(0x0D) { crlf += 1 }
                switch file.ext {
                case "json":
                    if countJSONEvents(data) == nil { unreadableJSON.append(file.name) }
                case "csv":
                    if data.starts(with: [0xEF, 0xBB, 0xBF]) { bom += 1 }
                    var firstLine = data.prefix(while: { $0 != 0x0A && $0 != 0x0D })
                    if firstLine.starts(with: [0xEF, 0xBB, 0xBF]) { firstLine = firstLine.dropFirst(3) }
                    let header = String(decoding: firstLine, as: UTF8.self).split(separator: ",").map(String.init)
                    if !Set(header).isSuperset(of: ["event_id", "entity", "order_id", "status", "occurred_at"]) {
                        badHeaders.append(file.name)
                    }
                    if !Set(header).isSubset(of: Set(CSVColumn.allCases.map(\.name))) { unknownColumn += 1 }
                case "xml":
                    xml.append(file.name)
                default:
                    break
                }
            }
            #expect(unreadableJSON.count == 1 && unreadableJSON[0].hasSuffix("deliveries-upload.json"))
            #expect(badHeaders.count == 1 && badHeaders[0].hasSuffix("picking-legacy.csv"))
            #expect(xml.count == 1)
            #expect(crlf > 0 && bom > 0 && unknownColumn > 0)
            #expect(s.rejectedByCode["bad_file"] == 2 && s.rejectedByCode["unsupported_file_type"] == 1)
        }
    }

    @Test("an empty workload writes the folders and a zero summary")
    func empty() throws {
        try TempRoot.with(WorkloadOptions(orders: 0)) { root, s, _ in
            #expect(s.events == 0 && s.files == 0)
            for feed in WorkloadGeneratorTests.feeds {
                #expect(FileManager.default.fileExists(atPath: root + "/inbox/" + feed))
            }
            #expect(FileManager.default.fileExists(atPath: root + "/expected.json"))
        }
    }
}
