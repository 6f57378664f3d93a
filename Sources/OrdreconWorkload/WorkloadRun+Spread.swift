import OrdreconCore

/// The spread lifecycle: events in time order from ``SpreadTimeline``, each judged by the oracle
/// and written at once into its feed's file of its time window.
///
/// Files are read in the order (window, feed rank, part), feed rank being storefront, payments,
/// warehouse, carrier, returns-desk: every file gets its own modification time, one second apart
/// in that order, and a name starting with the same sequence number. An event must come after the
/// event of the same order or return before it (its predecessor): in a later window, in the same
/// window in a feed of a higher rank, or later in the same feed's file of that window. When its
/// own window and feed would put it before its predecessor (a payment and a cancellation of the
/// same hour: payments come after the storefront), it goes into its feed's file of the
/// predecessor's window (a higher rank) or of the window after it, as a partner's late upload.
extension WorkloadRun {
    func runSpread() throws {
        oracle.remembersEventIds = false
        let start = options.startDate.milliseconds / 1000
        let windowSeconds = Int64(options.windowHours) * 3600
        var timeline = SpreadTimeline(orders: options.orders, start: start, rng: &rng)
        let files = SpreadFiles(run: self)
        while let step = timeline.next(nextReturnNumber: &nextReturnNumber, rng: &rng) {
            let window = (step.time - start) / windowSeconds
            // No event of an earlier window comes any more: their files are complete.
            try files.closeWindows(below: window)
            let open = timeline.slots[Int(step.slot)]!
            let feed = step.stage.feed
            let rank = Int64(feed.rawValue)
            var event: WorkloadEvent
            let predecessor: Int64
            let returnIndex = step.stage.isReturnStage ? Int(step.returnIndex) : nil
            if let r = returnIndex {
                event = returnStageEvent(step.stage, open.returns[r], returnIndex: Int32(r), orderId: open.plan.id)
                predecessor = step.stage == .returnRequests ? open.orderPlace : open.returnPlaces[r]
            } else {
                event = orderStageEvent(step.stage, open.plan, orderIndex: step.slot)
                predecessor = open.orderPlace
            }
            event.eventId = freshEventId(feed)
            var place = window * 8 + rank
            if place < predecessor {
                let (predecessorWindow, predecessorRank) = (predecessor / 8, predecessor % 8)
                place = (rank >= predecessorRank ? predecessorWindow : predecessorWindow + 1) * 8 + rank
            }
            timeline.setPlace(step.slot, returnIndex: returnIndex, place)
            let outcome = oracle.judge(event)
            guard outcome == .applied else {
                throw WorkloadError(
                    description:
                        "internal: event \(event.eventId) (\(event.entity) \(event.status) of \(event.orderId)) "
                        + "was meant to be applied but the contract gives \(outcome)")
            }
            try files.write(event, place: place)
            if timeline.emitted(step.slot) { oracle.retire(open.plan.id) }
        }
        try files.finish()
    }

    /// The most events in one file.
    var fileEventsCap: Int { options.fileEvents ?? WorkloadOptions.defaultFileEvents }

    /// The most orders open at once (neither DELIVERED nor CANCELLED, and, in the spread
    /// lifecycle, with an event still to come), in the order the events are read.
    var peakOpenOrders: Int { oracle.peakOpenOrders }
}

/// The files of the spread lifecycle being written: one per feed and window (split at the
/// file-events cap), each written as its events come, then renamed into processing order.
final class SpreadFiles {
    private struct OpenFile {
        var sink: FileSink
        var csv: CSVRenderer?
        var json: JSONRenderer?
        var events = 0
        var part: Int
        var temporary: String
        var ext: String
    }

    private struct Written {
        var place: Int64
        var part: Int
        var temporary: String
        var ext: String
    }

    private let run: WorkloadRun
    /// Open files by place (`window * 8 + feed rank`).
    private var open: [Int64: OpenFile] = [:]
    /// Parts started so far per place of an open window.
    private var parts: [Int64: Int] = [:]
    private var written: [Written] = []
    /// Windows below this one are complete.
    private var closedBelow: Int64 = 0
    private var feedFiles = [Int](repeating: 0, count: Feed.allCases.count)

    init(run: WorkloadRun) {
        self.run = run
    }

    func write(_ event: WorkloadEvent, place: Int64) throws {
        guard place / 8 >= closedBelow else {
            throw WorkloadError(description: "internal: event \(event.eventId) belongs to a finished window")
        }
        if let file = open[place], file.events >= run.fileEventsCap { try close(place) }
        if open[place] == nil { try openFile(place) }
        let first = open[place]!.events == 0
        let sink = open[place]!.sink
        if open[place]!.csv != nil {
            open[place]!.csv!.writeStreamed(event, first: first, into: sink, rng: &run.renderRng)
        } else {
            open[place]!.json!.write(event, first: first, into: sink, rng: &run.renderRng)
        }
        open[place]!.events += 1
        try sink.flushIfNeeded()
    }

    /// Closes the files of every window below `window`.
    func closeWindows(below window: Int64) throws {
        guard window > closedBelow else { return }
        for place in open.keys.sorted() where place / 8 < window { try close(place) }
        for place in parts.keys where place / 8 < window { parts[place] = nil }
        closedBelow = window
    }

    /// Closes every file, then names them and sets their times in processing order.
    func finish() throws {
        try closeWindows(below: Int64.max)
        written.sort { ($0.place, $0.part) < ($1.place, $1.part) }
        for (index, file) in written.enumerated() {
            let feed = Feed(rawValue: Int(file.place % 8))!
            let name =
                zeroPadded(index + 1, 6) + "-t" + zeroPadded(Int(file.place / 8), 5)
                + (file.part > 1 ? "-p\(file.part)" : "") + file.ext
            try finishFile(
                from: file.temporary, to: run.inboxPath(feed) + "/" + name,
                mtime: WorkloadRun.firstFileTime + Int64(index))
        }
    }

    private func openFile(_ place: Int64) throws {
        let feed = Feed(rawValue: Int(place % 8))!
        let part = (parts[place] ?? 0) + 1
        parts[place] = part
        // A name starting with "." is left alone by ordrecon until the file is renamed.
        let temporary = run.inboxPath(feed) + "/.t" + zeroPadded(Int(place / 8), 5) + "-p\(part).partial"
        let sink = try FileSink(path: temporary)
        let format: FileFormat =
            run.options.formats == .csv ? .csv : [.csv, .json, .jsonl][(feedFiles[feed.rawValue] + feed.rawValue) % 3]
        feedFiles[feed.rawValue] += 1
        var file = OpenFile(sink: sink, part: part, temporary: temporary, ext: "")
        switch format {
        case .csv:
            var renderer = CSVRenderer(style: run.nextCSVStyle())
            renderer.begin(using: CSVRenderer.columns(of: feed), into: sink, rng: &run.renderRng)
            file.csv = renderer
            file.ext = ".csv"
        case .json:
            let renderer = JSONRenderer(style: run.nextJSONStyle())
            renderer.begin(into: sink)
            file.json = renderer
            file.ext = ".json"
        case .jsonl:
            let (style, ext) = run.nextJSONLinesStyle()
            file.json = JSONRenderer(style: style)
            file.ext = ext
        }
        run.oracle.countFile()
        open[place] = file
    }

    private func close(_ place: Int64) throws {
        guard let file = open.removeValue(forKey: place) else { return }
        file.json?.end(into: file.sink)
        try file.sink.close(mtime: WorkloadRun.firstFileTime)
        written.append(Written(place: place, part: file.part, temporary: file.temporary, ext: file.ext))
    }
}
