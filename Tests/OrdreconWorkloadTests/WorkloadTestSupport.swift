import Foundation

@testable import OrdreconWorkload

/// A temporary folder for one test, removed by ``remove()``.
struct TempRoot {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ordrecon-workload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Generates into a fresh temporary folder, runs `body`, and always removes the folder.
    static func with<T>(_ options: WorkloadOptions, _ body: (String, WorkloadSummary, [FaultKind: Int]) throws -> T)
        throws -> T
    {
        let root = try TempRoot()
        defer { root.remove() }
        let (summary, faults) = try WorkloadGenerator.generate(options, to: root.path)
        return try body(root.path, summary, faults)
    }
}

/// A file written into an inbox.
struct InboxFile: Equatable {
    var feed: String
    var name: String
    var path: String
    var mtime: Int64

    var ext: String { (name as NSString).pathExtension.lowercased() }
    /// The sequence number the name starts with.
    var sequence: Int { Int(name.prefix(6))! }
}

/// Every file under `root/inbox/*/`, in no particular order.
func inboxFiles(_ root: String) throws -> [InboxFile] {
    var files: [InboxFile] = []
    let fm = FileManager.default
    for feed in try fm.contentsOfDirectory(atPath: root + "/inbox") {
        for name in try fm.contentsOfDirectory(atPath: root + "/inbox/" + feed) {
            let path = root + "/inbox/" + feed + "/" + name
            let attributes = try fm.attributesOfItem(atPath: path)
            let date = attributes[.modificationDate] as! Date
            files.append(
                InboxFile(feed: feed, name: name, path: path, mtime: Int64(date.timeIntervalSince1970.rounded())))
        }
    }
    return files
}

/// Splits RFC 4180 CSV into records of fields (BOM dropped, LF or CRLF, quoted fields).
/// Returns nil for text that is not valid RFC 4180.
func parseCSV(_ data: Data) -> [[String]]? {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var records: [[String]] = []
    var record: [String] = []
    var field: [UInt8] = []
    var i = 0
    var quoted = false
    var afterQuote = false
    func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll()
        afterQuote = false
    }
    while i < bytes.count {
        let b = bytes[i]
        if quoted {
            if b == 0x22 {
                if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
                    field.append(0x22)
                    i += 1
                } else {
                    quoted = false
                    afterQuote = true
                }
            } else {
                field.append(b)
            }
        } else if b == 0x22 {
            guard field.isEmpty, !afterQuote else { return nil }
            quoted = true
        } else if b == 0x2C {
            endField()
        } else if b == 0x0A || b == 0x0D {
            if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            endField()
            if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
            record = []
        } else {
            guard !afterQuote else { return nil }
            field.append(b)
        }
        i += 1
    }
    if quoted { return nil }
    if !field.isEmpty || !record.isEmpty {
        endField()
        records.append(record)
    }
    return records
}

/// Events in a CSV file: consecutive rows with the same `event_id` are one event.
func countCSVEvents(_ records: [[String]]) -> Int? {
    guard let header = records.first, let idColumn = header.firstIndex(of: "event_id") else { return nil }
    var count = 0
    var previous: String?
    for row in records.dropFirst() {
        guard row.count == header.count else { return nil }
        if row[idColumn] != previous { count += 1 }
        previous = row[idColumn]
    }
    return count
}

/// Events in a JSON document (array or `{"events": [...]}`), nil when it does not parse.
func countJSONEvents(_ data: Data) -> Int? {
    guard let object = try? JSONSerialization.jsonObject(with: data) else { return nil }
    if let array = object as? [Any] { return array.count }
    if let wrapper = object as? [String: Any], let array = wrapper["events"] as? [Any] { return array.count }
    return nil
}

/// Lines of a JSON Lines file and how many of them parse as objects.
func countJSONLines(_ data: Data) -> (lines: Int, objects: Int) {
    var lines = 0
    var objects = 0
    for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
        lines += 1
        if (try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any] { objects += 1 }
    }
    return (lines, objects)
}

extension TempRoot {
    /// Generates into a fresh temporary folder with the public entry point, runs `body`, and
    /// always removes the folder.
    static func withReport<T>(_ options: WorkloadOptions, _ body: (String, WorkloadGenerator.Report) throws -> T)
        throws -> T
    {
        let root = try TempRoot()
        defer { root.remove() }
        return try body(root.path, try WorkloadGenerator.run(options, to: root.path))
    }
}

/// The inbox files in the order ordrecon reads them: modification time, then feed, then name.
func inboxFilesInProcessingOrder(_ root: String) throws -> [InboxFile] {
    try inboxFiles(root).sorted { ($0.mtime, $0.feed, $0.name) < ($1.mtime, $1.feed, $1.name) }
}

/// The events of a readable CSV, JSON or JSON Lines file (nil for another kind).
func eventCount(_ file: InboxFile) throws -> Int? {
    let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
    switch file.ext {
    case "csv": return parseCSV(data).flatMap(countCSVEvents)
    case "json": return countJSONEvents(data)
    case "jsonl", "ndjson": return countJSONLines(data).objects
    default: return nil
    }
}

/// The first row of one event of a CSV file, by column name.
struct CSVEvent {
    var fields: [String: String]
    subscript(_ name: String) -> String { fields[name] ?? "" }
}

/// The events of a CSV file (one per event: the first row of each), nil when it does not parse.
func csvEvents(_ path: String) throws -> [CSVEvent]? {
    guard let records = parseCSV(try Data(contentsOf: URL(fileURLWithPath: path))), let header = records.first,
        let idColumn = header.firstIndex(of: "event_id")
    else { return nil }
    var events: [CSVEvent] = []
    var previous: String?
    for row in records.dropFirst() where row.count == header.count {
        if row[idColumn] != previous {
            events.append(CSVEvent(fields: Dictionary(zip(header, row), uniquingKeysWith: { a, _ in a })))
        }
        previous = row[idColumn]
    }
    return events
}

/// FNV-1a (64 bits) over every inbox file's feed, name, modification time and bytes, in name
/// order, `expected.json` and `config/catalog.csv` (when written): a fingerprint of a whole
/// workload.
func workloadDigest(_ root: String) throws -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
    }
    for file in try inboxFiles(root).sorted(by: { ($0.feed, $0.name) < ($1.feed, $1.name) }) {
        mix((file.feed + "/" + file.name + " " + String(file.mtime) + "\n").utf8)
        mix(try Data(contentsOf: URL(fileURLWithPath: file.path)))
    }
    mix(try Data(contentsOf: URL(fileURLWithPath: root + "/expected.json")))
    if let catalog = FileManager.default.contents(atPath: root + "/config/catalog.csv") { mix(catalog) }
    return hash
}
