public import OrdreconCore

/// The formats a feed file may have, by extension (case-insensitive).
public enum FileFormat: String, Sendable {
    case csv
    case json
    case jsonl

    /// The format for a file name, or nil when its extension is not supported.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }
}

/// A complete file waiting in a feed's inbox folder.
struct InboxFile: Sendable, Hashable {
    var feed: String
    var name: String
    var path: String
    var info: FileInfo
}

/// Finds the files that are ready to be processed.
enum InboxScanner {
    /// Suffixes of names partners write under before renaming (never picked up).
    static let partialSuffixes = [".tmp", ".part", ".partial", ".filepart"]

    /// Whether a file name is one ordrecon must leave alone (still being written, or hidden).
    static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") { return true }
        let lower = name.lowercased()
        return partialSuffixes.contains { lower.hasSuffix($0) }
    }

    /// Ready files of every configured feed under `root` (`root/<feed>/<name>`), in processing
    /// order: modification time, then feed name, then file name.
    static func scan(root: String, feeds: [String]) throws(FileSystemError) -> [InboxFile] {
        var files: [InboxFile] = []
        for feed in feeds {
            let directory = root + "/" + feed
            guard FileSystem.info(directory)?.isDirectory == true else { continue }
            for name in try FileSystem.list(directory) where !isIgnored(name) {
                let path = directory + "/" + name
                guard let info = FileSystem.info(path), info.isRegularFile else { continue }
                files.append(InboxFile(feed: feed, name: name, path: path, info: info))
            }
        }
        files.sort { a, b in
            if a.info.mtimeNanoseconds != b.info.mtimeNanoseconds { return a.info.mtimeNanoseconds < b.info.mtimeNanoseconds }
            if a.feed != b.feed { return a.feed < b.feed }
            return a.name < b.name
        }
        return files
    }
}

/// What waits in the inbox, for monitoring.
public enum InboxBacklog {
    /// Ready files under `root/<feed>/` and the age of the oldest (by modification time).
    public static func measure(root: String, feeds: [String], now: Timestamp) -> (files: Int, oldestAgeSeconds: Double) {
        guard let files = try? InboxScanner.scan(root: root, feeds: feeds), let oldest = files.first else { return (0, 0) }
        let age = Double(now.milliseconds) / 1000 - Double(oldest.info.mtimeNanoseconds) / 1e9
        return (files.count, max(0, age))
    }
}
