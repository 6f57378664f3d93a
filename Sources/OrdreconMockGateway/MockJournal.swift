import Foundation

/// The journal file: one JSON line per refund request, written as it happens,
/// read back on start so a restarted mock still knows the keys it answered.
///
/// Line: `{"answer":"…","body":"…","dropped":false,"key":"R-1","outcome":"accepted","status":201,"time":"…"}`
/// (`outcome` is what processing decided; `dropped` says whether the connection was then cut).
final class MockJournal {
    /// One line of the journal.
    struct Entry: Codable, Sendable, Equatable {
        var time: String
        /// The `Idempotency-Key`; null when the request had none.
        var key: String?
        var outcome: MockReply.Outcome
        var status: Int
        /// The request body as text.
        var body: String
        /// The answer's body as text (empty for a scripted answer without a message).
        var answer: String
        var dropped: Bool
    }

    let path: String
    private let handle: FileHandle

    /// Opens (creating when missing) the journal at `path` for appending.
    ///
    /// - Returns: the journal and its existing lines, in order; lines that cannot be read (such
    ///   as a last line cut short by a crash) are skipped and counted.
    /// - Throws: when the file cannot be read or opened for writing.
    static func open(path: String) throws -> (journal: MockJournal, entries: [Entry], skipped: Int) {
        var entries: [Entry] = []
        var skipped = 0
        var existing = Data()
        if FileManager.default.fileExists(atPath: path) {
            existing = try Data(contentsOf: URL(fileURLWithPath: path))
        } else if !FileManager.default.createFile(atPath: path, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let decoder = JSONDecoder()
        for line in existing.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            if let entry = try? decoder.decode(Entry.self, from: Data(line)) {
                entries.append(entry)
            } else {
                skipped += 1
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        // A last line cut short by a crash must not run into the next one.
        if let last = existing.last, last != UInt8(ascii: "\n") {
            try handle.write(contentsOf: Data("\n".utf8))
        }
        return (MockJournal(path: path, handle: handle), entries, skipped)
    }

    private init(path: String, handle: FileHandle) {
        self.path = path
        self.handle = handle
    }

    deinit {
        try? handle.close()
    }

    /// Appends one line with a single `write(2)`, so it is in the file (not in a buffer) when
    /// this returns and survives the mock being killed.
    func append(_ entry: Entry) throws {
        var line = MockReply.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: line)
    }
}
