import Foundation
import OrdreconCore

/// One generation: walks the waves, writes the files in processing order, and lets the oracle
/// judge every event as it is written.
final class WorkloadRun {
    let options: WorkloadOptions
    let root: String
    /// Draws the workload's content.
    var rng: SplitMix64
    /// Draws how files look (a separate stream, so formatting choices do not shift content).
    var renderRng: SplitMix64
    var oracle = Oracle()
    var plan = WavePlan(wave: 0, orders: [], returns: [])

    var eventCounters = [Int](repeating: 0, count: Feed.allCases.count)
    /// Files of each feed so far in the current wave.
    private var feedFiles = [Int](repeating: 0, count: Feed.allCases.count)
    private var csvFiles = 0
    private var jsonFiles = 0
    private var jsonlFiles = 0
    private var fileSequence = 0
    var nextReturnNumber = 1
    var unknownOrders = 0
    /// Events waiting for the next file of their feed.
    var carries: [[WorkloadEvent]] = Array(repeating: [], count: Feed.allCases.count)
    /// Fault kinds not placed yet: each is placed at the first chance (so in the first wave
    /// for any realistic size), on top of the random ones.
    var forced: [FaultKind] = []
    /// Stages before which a whole-file fault is still to be written.
    private var pendingBadFiles: Set<Stage> = []
    private(set) var faultCounts: [FaultKind: Int] = [:]
    private var smallWorkload = false

    /// Modification time of the first file: 2025-01-01T00:00:00Z (then one second per file).
    static let firstFileTime: Int64 = 1_735_689_600

    init(options: WorkloadOptions, root: String) {
        self.options = options
        self.root = root
        rng = SplitMix64(seed: options.seed ^ 0x6F72_6472_6563_6F6E)
        renderRng = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x5EED)
    }

    func run() throws -> WorkloadSummary {
        guard options.orders >= 0, options.ordersPerWave > 0, options.fileEvents ?? 1 > 0, options.windowHours > 0
        else {
            throw WorkloadError(description: "orders must be >= 0 and ordersPerWave, fileEvents, windowHours > 0")
        }
        let fm = FileManager.default
        for feed in Feed.allCases {
            try fm.createDirectory(atPath: inboxPath(feed), withIntermediateDirectories: true)
        }
        try fm.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        try CatalogFile.write(into: root)
        if options.lifecycle == .spread {
            guard !options.faults else {
                throw WorkloadError(description: "the spread lifecycle writes valid events only: turn faults off")
            }
            try runSpread()
            return try finish()
        }
        let waves = (options.orders + options.ordersPerWave - 1) / options.ordersPerWave
        smallWorkload = waves < 3 && options.fileEvents == nil
        let start = options.startDate.milliseconds / 1000
        if options.faults {
            forced = FaultKind.allCases
            // An XML or JSON bad file has no place among CSV files only.
            pendingBadFiles = options.formats == .csv ? [.picking] : [.payments, .picking, .deliveries]
        }
        for wave in 0..<waves {
            let first = wave * options.ordersPerWave
            let count = min(options.ordersPerWave, options.orders - first)
            for i in feedFiles.indices { feedFiles[i] = 0 }
            plan = WavePlanner.plan(
                wave: wave, firstOrder: first + 1, count: count, start: start + Int64(wave) * 86_400,
                nextReturnNumber: &nextReturnNumber, rng: &rng)
            for stage in Stage.allCases {
                let events = normalEvents(stage)
                if pendingBadFiles.contains(stage), try writeBadFile(before: stage, events: events) {
                    pendingBadFiles.remove(stage)
                }
                guard !events.isEmpty else { continue }
                let cap = options.fileEvents ?? WorkloadOptions.defaultFileEvents
                var parts = (events.count + cap - 1) / cap
                if smallWorkload { parts = max(parts, min(3, events.count / 20)) }
                parts = max(parts, 1)
                for p in 0..<parts {
                    let lower = events.count * p / parts
                    let upper = events.count * (p + 1) / parts
                    try writePart(stage, events[lower..<upper], part: parts > 1 ? p + 1 : nil)
                }
            }
            // Events still waiting for a file of their feed are dropped (never written, never
            // counted); a forced fault among them gets another chance in the next wave.
            for i in carries.indices {
                for event in carries[i] {
                    if let kind = event.fault, faultCounts[kind] == nil, !forced.contains(kind) { forced.append(kind) }
                }
                carries[i].removeAll()
            }
            oracle.endWave()
        }
        return try finish()
    }

    /// Writes `expected.json` from the oracle's totals and returns them.
    private func finish() throws -> WorkloadSummary {
        let summary = oracle.summary
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var data = try encoder.encode(summary)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: root).appendingPathComponent("expected.json"))
        return summary
    }

    func inboxPath(_ feed: Feed) -> String {
        root + "/inbox/" + feed.name
    }

    /// A new file of `feed`: its path (with the next sequence number) and its modification time.
    func nextFile(_ feed: Feed, _ name: String) -> (path: String, mtime: Int64) {
        let mtime = WorkloadRun.firstFileTime + Int64(fileSequence)
        let path =
            inboxPath(feed) + "/" + zeroPadded(fileSequence + 1, 6) + "-w" + zeroPadded(plan.wave, 4) + "-" + name
        fileSequence += 1
        oracle.countFile()
        return (path, mtime)
    }

    // MARK: - Files

    private func writePart(_ stage: Stage, _ normals: ArraySlice<WorkloadEvent>, part: Int?) throws {
        let feed = stage.feed
        // Consecutive files of a feed differ in format; each stage's format shifts every wave.
        let format: FileFormat =
            options.formats == .csv
            ? .csv : [.csv, .json, .jsonl][(feedFiles[feed.rawValue] + feed.rawValue + plan.wave) % 3]
        feedFiles[feed.rawValue] += 1
        let events = try compose(normals, stage: stage, format: format)
        var name = stage.label + (part.map { "-p\($0)" } ?? "")
        switch format {
        case .csv:
            name += ".csv"
            for i in events.indices.dropFirst() where events[i].eventId == events[i - 1].eventId {
                throw WorkloadError(description: "internal: event \(events[i].eventId) twice in a row in \(name)")
            }
            let style = nextCSVStyle()
            let file = nextFile(feed, name)
            try writeCSV(events, style: style, file: file)
        case .json:
            name += ".json"
            try writeJSON(events, style: nextJSONStyle(), file: nextFile(feed, name))
        case .jsonl:
            let (style, ext) = nextJSONLinesStyle()
            name += ext
            try writeJSON(events, style: style, file: nextFile(feed, name))
        }
    }

    /// How the next CSV file looks (the styles take turns).
    func nextCSVStyle() -> CSVStyle {
        let n = csvFiles
        csvFiles += 1
        return CSVStyle(
            bom: n % 4 == 1, crlf: n % 3 == 2, quoteAll: n % 5 == 3,
            unknownColumn: n % 2 == 0 ? Catalog.unknownColumns[(n / 2) % Catalog.unknownColumns.count] : nil,
            blankLines: n % 6 == 4, finalNewline: n % 7 != 5)
    }

    /// How the next JSON file looks.
    func nextJSONStyle() -> JSONStyle {
        let n = jsonFiles
        jsonFiles += 1
        return JSONStyle(
            lines: false, wrapped: n % 2 == 1, pretty: n % 3 == 0, numericIds: (n / 2) % 2 == 0,
            nulls: n % 4 == 2, crlf: n % 5 == 4)
    }

    /// How the next JSON Lines file looks, and its name's extension.
    func nextJSONLinesStyle() -> (JSONStyle, String) {
        let n = jsonlFiles
        jsonlFiles += 1
        return (
            JSONStyle(lines: true, numericIds: n % 2 == 0, nulls: n % 4 == 3, crlf: n % 3 == 1),
            n % 2 == 0 ? ".jsonl" : ".ndjson"
        )
    }

    func writeCSV(_ events: [WorkloadEvent], style: CSVStyle, file: (path: String, mtime: Int64)) throws {
        let sink = try FileSink(path: file.path)
        var renderer = CSVRenderer(style: style)
        renderer.begin(events, into: sink, rng: &renderRng)
        for (i, e) in events.enumerated() {
            renderer.write(e, isLast: i == events.count - 1, into: sink, rng: &renderRng)
            try sink.flushIfNeeded()
        }
        try sink.close(mtime: file.mtime)
    }

    func writeJSON(_ events: [WorkloadEvent], style: JSONStyle, file: (path: String, mtime: Int64)) throws {
        let sink = try FileSink(path: file.path)
        var renderer = JSONRenderer(style: style)
        renderer.begin(into: sink)
        for (i, e) in events.enumerated() {
            renderer.write(e, first: i == 0, into: sink, rng: &renderRng)
            try sink.flushIfNeeded()
        }
        renderer.end(into: sink)
        try sink.close(mtime: file.mtime)
    }

    // MARK: - Composing a file

    /// The file's events: its share of the stage's valid events, with faults woven in, each
    /// judged by the oracle in the order ordrecon will read them.
    private func compose(_ normals: ArraySlice<WorkloadEvent>, stage: Stage, format: FileFormat) throws
        -> [WorkloadEvent]
    {
        let feed = stage.feed
        let hosts = Array(normals)
        var out: [WorkloadEvent] = []
        out.reserveCapacity(hosts.count + hosts.count / 16 + 8)
        var delayed: [(due: Int, event: WorkloadEvent)] = []
        var carried = carries[feed.rawValue]
        carries[feed.rawValue].removeAll()

        for i in hosts.indices {
            if options.faults, i + 1 < hosts.count, let fault = faultBefore(hosts[i + 1], stage: stage, format: format)
            {
                try emit(fault, into: &out, stage: stage)
            }
            try emit(hosts[i], into: &out, stage: stage)
            if i == 0 {
                for event in carried { try emit(event, into: &out, stage: stage) }
                carried.removeAll()
            }
            if options.faults, let (fault, nextFile) = faultAfter(hosts[i], stage: stage, format: format) {
                if nextFile {
                    carries[feed.rawValue].append(fault)
                } else {
                    delayed.append((i + rng.int(1...3), fault))
                }
            }
            var k = 0
            while k < delayed.count {
                if delayed[k].due <= i {
                    try emit(delayed.remove(at: k).event, into: &out, stage: stage)
                } else {
                    k += 1
                }
            }
        }
        for (_, event) in delayed {
            if format == .csv, out.last?.eventId == event.eventId {
                carries[feed.rawValue].append(event)
            } else {
                try emit(event, into: &out, stage: stage)
            }
        }
        return out
    }

    private func emit(_ event: WorkloadEvent, into out: inout [WorkloadEvent], stage: Stage) throws {
        let outcome = oracle.judge(event)
        guard outcome == event.intended else {
            throw WorkloadError(
                description:
                    "internal: event \(event.eventId) (\(event.entity) \(event.status), fault \(event.fault?.rawValue ?? "none")) "
                    + "in wave \(plan.wave) stage \(stage.label) was meant to be \(event.intended) but the contract gives \(outcome)"
            )
        }
        if let fault = event.fault { faultCounts[fault, default: 0] += 1 }
        out.append(event)
    }
}
