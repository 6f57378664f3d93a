extension Configuration {
    /// The folders and files of the workspace, each a normalized absolute path (no trailing `/`).
    public struct Paths: Sendable, Equatable {
        /// The folder relative paths were resolved against (the one holding `config/`).
        public var workspaceRoot: String
        /// Partners drop files into `<inbox>/<feed>/`.
        public var inbox: String
        /// Fully processed input files: `<archive>/<feed>/`.
        public var archive: String
        /// Unreadable input files with their reasons: `<failed>/<feed>/`.
        public var failed: String
        /// `<outbox>/refunds/` and `<outbox>/rejections/<feed>/`.
        public var outbox: String
        /// Invoice PDFs.
        public var invoices: String
        /// The SQLite database file (`[store] url`'s `sqlite:` path when it gives one); its folder
        /// holds the workspace lock and `processing/` whichever store is used.
        public var database: String

        public init(
            workspaceRoot: String, inbox: String, archive: String, failed: String, outbox: String, invoices: String,
            database: String
        ) {
            self.workspaceRoot = workspaceRoot
            self.inbox = inbox
            self.archive = archive
            self.failed = failed
            self.outbox = outbox
            self.invoices = invoices
            self.database = database
        }

        /// `<inbox>/<feed>`
        public func inbox(feed: String) -> String { inbox + "/" + feed }
        /// `<archive>/<feed>`
        public func archive(feed: String) -> String { archive + "/" + feed }
        /// `<failed>/<feed>`
        public func failed(feed: String) -> String { failed + "/" + feed }
        /// `<outbox>/refunds`
        public var refundsOutbox: String { outbox + "/refunds" }
        /// `<outbox>/rejections/<feed>`
        public func rejections(feed: String) -> String { outbox + "/rejections/" + feed }
    }
}

extension Configuration.Paths {
    /// Reads `[paths]`: each path resolved against `root`; the folders distinct, nothing ordrecon
    /// writes inside the inbox, the database neither a folder nor inside `archive` or `failed`.
    init(_ t: TableReader, workspaceRoot root: String) throws(ConfigurationError) {
        func path(_ name: String, _ fallback: String, doc: String, _ comment: String) throws(ConfigurationError)
            -> WorkspacePath
        {
            let setting = try t.text(
                name, default: fallback, accepts: "a path (relative to \(ConfigKey.workspace), or absolute)",
                kind: .path, doc: doc,
                comment: [comment])
            if let problem = Configuration.pathProblem(setting.value) { throw t.invalid(setting, because: problem) }
            return WorkspacePath(setting: setting, path: Configuration.resolve(setting.value, against: root))
        }
        let inbox = try path(
            "inbox", "inbox", doc: "partners drop files into `<inbox>/<feed>/`",
            "Partners drop files into <inbox>/<feed>/.")
        let archive = try path(
            "archive", "archive", doc: "input files once processed, per feed; never deleted",
            "Input files once fully processed, per feed (ordrecon never deletes them).")
        let failed = try path(
            "failed", "failed", doc: "input files that could not be read at all, per feed, each with a `.reason`",
            "Input files that could not be read at all, per feed, each with a reason beside it.")
        let outbox = try path(
            "outbox", "outbox",
            doc: "refund request bodies (`refunds/`), rejected rows (`rejections/<feed>/`), reports",
            "Refund request bodies (refunds/) and rejected rows (rejections/<feed>/).")
        let invoices = try path(
            "invoices", "invoices", doc: "tax invoice and credit note PDFs", "GST tax invoices (PDF).")
        let database = try path(
            "database", "var/ordrecon.sqlite",
            doc: "the SQLite database (unless `store.url` names another store); `var/processing/` lives beside it "
                + "on either store, the workspace lock on SQLite",
            "The SQLite database (unless [store] url names another); processing/ (and, on SQLite, the lock) beside it.")
        try Self.checkLayout(
            inbox: inbox, archive: archive, failed: failed, outbox: outbox, invoices: invoices, database: database, t)
        self.init(
            workspaceRoot: root, inbox: inbox.path, archive: archive.path, failed: failed.path, outbox: outbox.path,
            invoices: invoices.path, database: database.path)
    }

    /// A `[paths]` key as read, and where it points.
    private struct WorkspacePath {
        var setting: Setting<String>
        var path: String
        var name: String { setting.key.name }
        var isSet: Bool { setting.source != nil }
    }

    /// The folders must be distinct; nothing ordrecon writes may live inside the inbox. The
    /// database may sit in outbox/ or invoices/ (odd but harmless), never in archive/ or failed/
    /// (they hold input files per feed), and it cannot be one of the folders.
    private static func checkLayout(
        inbox: WorkspacePath, archive: WorkspacePath, failed: WorkspacePath, outbox: WorkspacePath,
        invoices: WorkspacePath, database: WorkspacePath, _ t: TableReader
    ) throws(ConfigurationError) {
        let folders = [inbox, archive, failed, outbox, invoices]
        for (i, a) in folders.enumerated() {
            for b in folders[(i + 1)...] where Configuration.samePath(a.path, b.path) {
                throw t.invalid(
                    (b.isSet ? b : a).setting, expected: "a folder of its own",
                    because: "paths.\(a.name) and paths.\(b.name) are the same folder \(a.path)")
            }
        }
        for (other, isFolder) in [(archive, true), (failed, true), (outbox, true), (invoices, true), (database, false)]
        {
            if Configuration.isInside(other.path, inbox.path)
                || (isFolder && Configuration.isInside(inbox.path, other.path))
            {
                throw t.invalid(
                    (other.isSet || !inbox.isSet ? other : inbox).setting,
                    expected: "a location outside the inbox (partners' files only go there)",
                    because: "paths.\(other.name) (\(other.path)) and paths.inbox (\(inbox.path)) overlap")
            }
        }
        let folderPaths = Configuration.Paths(
            workspaceRoot: "/", inbox: inbox.path, archive: archive.path, failed: failed.path, outbox: outbox.path,
            invoices: invoices.path, database: database.path)
        if let problem = folderPaths.databasePlacementProblem(database.path) {
            throw t.invalid(database.setting, expected: problem.expected, because: problem.because)
        }
    }

    /// Why the SQLite database cannot be the file at `path` (absolute, normalized), as "expected
    /// X" and "because Y"; nil when it can. It cannot be one of the folders, nor lie inside the
    /// inbox (partners' files only), `archive` or `failed` (they hold input files per feed).
    func databasePlacementProblem(_ path: String) -> (expected: String, because: String)? {
        if Configuration.isInside(path, inbox), !Configuration.samePath(path, inbox) {
            return (
                "a location outside the inbox (partners' files only go there)",
                "it lies in paths.inbox (\(inbox))"
            )
        }
        let folders =
            [("inbox", inbox, false), ("archive", archive, true), ("failed", failed, true)]
            + [("outbox", outbox, false), ("invoices", invoices, false)]
        for (name, folder, holdsInput) in folders {
            let same = Configuration.samePath(path, folder)
            if same || (holdsInput && Configuration.isInside(path, folder)) {
                return (
                    "a file path that is not a folder of the workspace nor inside archive or failed",
                    same ? "it is the same as paths.\(name)" : "it lies in paths.\(name) (\(folder))"
                )
            }
        }
        return nil
    }
}

// MARK: - Path text
//
// Paths are split and compared as bytes, as the file system does. String works on
// characters: a "/" followed by a combining mark (U+0301) or preceded by a prepended
// concatenation mark (U+0600) is part of another character, so it would not split or prefix
// there, and canonically equivalent spellings of different names would compare equal.

extension Configuration {
    static func pathProblem(_ text: String) -> String? {
        if text.isEmpty { return "the path is empty" }
        if text.unicodeScalars.contains("\0") { return "the path contains a NUL character" }
        if text.utf8.first == UInt8(ascii: "~") {
            return "'~' is not expanded; write the full path or one relative to the workspace"
        }
        return nil
    }

    static func isAbsolute(_ path: String) -> Bool { path.utf8.first == UInt8(ascii: "/") }

    /// The non-empty components of `path`, split at every "/" byte.
    static func components(_ path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether two paths are the same bytes.
    static func samePath(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// `path` made absolute against `root` and normalized (no `.`, `..`, `//` or trailing `/`).
    static func resolve(_ path: String, against root: String) -> String {
        isAbsolute(path) ? normalize(path) : normalize(root + "/" + path)
    }

    /// Normalizes an absolute path: removes empty and `.` components, applies `..`.
    static func normalize(_ path: String) -> String {
        var parts: [String] = []
        for part in components(path) {
            if samePath(part, ".") { continue }
            if samePath(part, "..") {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `path` is `folder` or lies inside it.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        samePath(path, folder) || path.utf8.starts(with: (samePath(folder, "/") ? "/" : folder + "/").utf8)
    }
}
