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

/// An entry waiting in a feed's inbox folder: normally a complete file, but anything a partner
/// can put there (a symbolic link, a FIFO, a directory) is listed too, so that it can be moved to
/// `failed/` instead of blocking or being followed.
struct InboxFile: Sendable, Hashable {
    var feed: String
    /// The name as recorded and shown (bytes that are not UTF-8 written `\xNN`).
    var name: String
    /// Where the entry is, as the file system names it.
    var location: RawPath
    var info: FileInfo

    /// The path for messages.
    var path: String { location.display }

    init(feed: String, name: String, location: RawPath, info: FileInfo) {
        self.feed = feed
        self.name = name
        self.location = location
        self.info = info
    }

    init(feed: String, name: String, path: String, info: FileInfo) {
        self.init(feed: feed, name: name, location: RawPath(path), info: info)
    }

    /// Whether the name is stored as it is on disk (UTF-8 without control characters).
    var nameIsVerbatim: Bool { RawPath(FileSystem.parentDirectory(of: path) + "/" + name) == location }
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

    /// Entries of every configured feed under `root` (`root/<feed>/<name>`) that are not
    /// ignored, of any kind, in processing order: modification time, then feed name, then file
    /// name. A feed folder that is a symbolic link is not followed (it is skipped and listed in
    /// `unusableFolders`).
    static func scan(root: String, feeds: [String]) throws(FileSystemError) -> [InboxFile] {
        try scanReportingFolders(root: root, feeds: feeds).files
    }

    static func scanReportingFolders(root: String, feeds: [String]) throws(FileSystemError) -> (
        files: [InboxFile], unusableFolders: [String]
    ) {
        var files: [InboxFile] = []
        var unusable: [String] = []
        for feed in feeds {
            let directory = root + "/" + feed
            guard let folder = FileSystem.info(directory) else { continue }
            guard folder.isDirectory else {
                unusable.append(directory)
                continue
            }
            for raw in try FileSystem.listRaw(directory) {
                let name = FileNames.display(raw)
                if isIgnored(name) { continue }
                let location = RawPath(directory: directory, name: raw)
                guard let info = FileSystem.info(location) else { continue }  // gone since the listing
                files.append(InboxFile(feed: feed, name: name, location: location, info: info))
            }
        }
        files.sort(by: inProcessingOrder)
        return (files, unusable)
    }

    /// The contract's processing order: modification time, then feed name, then file name.
    static func inProcessingOrder(_ a: InboxFile, _ b: InboxFile) -> Bool {
        if a.info.mtimeNanoseconds != b.info.mtimeNanoseconds {
            return a.info.mtimeNanoseconds < b.info.mtimeNanoseconds
        }
        if a.feed != b.feed { return a.feed < b.feed }
        return a.name < b.name
    }
}

/// What waits in the inbox, for monitoring.
public enum InboxBacklog {
    /// Ready files under `root/<feed>/` and the age of the oldest (by modification time).
    public static func measure(root: String, feeds: [String], now: Timestamp) -> (files: Int, oldestAgeSeconds: Double)
    {
        guard let files = try? InboxScanner.scan(root: root, feeds: feeds), let oldest = files.first else {
            return (0, 0)
        }
        let age = Double(now.milliseconds) / 1000 - Double(oldest.info.mtimeNanoseconds) / 1e9
        return (files.count, max(0, age))
    }
}
