extension WorkloadRun {
    /// Writes the files that are rejected as a whole (once each, in the first wave that has the
    /// events they need), each just before the
    /// stage whose events it (wrongly) carries: a settlement report in XML, a CSV whose header
    /// misspells `occurred_at`, and a JSON upload cut off in the middle. The valid files follow,
    /// so a reader that half-applies a bad file is caught by the later outcomes.
    /// - Returns: whether a file was written.
    func writeBadFile(before stage: Stage, events: [WorkloadEvent]) throws -> Bool {
        switch stage {
        case .payments:
            let file = nextFile(.payments, "settlement.xml")
            let sink = try FileSink(path: file.path)
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<settlements gateway=\"razorpay\">\n"
            for e in events.prefix(3) {
                xml +=
                    "  <payment order=\"\(e.orderId)\" ref=\"\(e.paymentRef ?? "")\" amount=\"\(rupees(e.amount ?? 0))\"/>\n"
            }
            xml += "</settlements>\n"
            sink.buffer.append(contentsOf: xml.utf8)
            try sink.close(mtime: file.mtime)
            oracle.rejectFile(.unsupportedFileType)
        case .picking:
            guard !events.isEmpty else { return false }
            let file = nextFile(.warehouse, "picking-legacy.csv")
            try writeCSV(Array(events.prefix(3)), style: CSVStyle(occurredAtHeader: "occured_at"), file: file)
            oracle.rejectFile(.badFile)
        case .deliveries:
            guard !events.isEmpty else { return false }
            let file = nextFile(.carrier, "deliveries-upload.json")
            let sink = try FileSink(path: file.path)
            var renderer = JSONRenderer(style: JSONStyle(lines: false, wrapped: false, pretty: true))
            renderer.begin(into: sink)
            for (i, e) in events.prefix(3).enumerated() {
                renderer.write(e, first: i == 0, into: sink, rng: &renderRng)
            }
            // The upload broke off: keep the first 80 % of the bytes, ending inside an object.
            var cut = sink.buffer.count * 8 / 10
            while cut > 1, sink.buffer[cut] >= 0x80 { cut -= 1 }
            sink.buffer.removeSubrange(cut...)
            try sink.close(mtime: file.mtime)
            oracle.rejectFile(.badFile)
        default:
            return false
        }
        return true
    }
}
