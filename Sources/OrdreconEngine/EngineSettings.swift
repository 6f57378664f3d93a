public import Foundation
public import OrdreconCore

/// Everything the engine needs from the configuration, resolved to absolute paths.
public struct EngineSettings: Sendable {
    public struct Feed: Sendable, Hashable {
        public var name: String
        /// Allowed `entity:STATUS` pairs, e.g. `order:PAID`.
        public var allowed: Set<String>

        public init(name: String, allowed: Set<String>) {
            self.name = name
            self.allowed = allowed
        }
    }

    public var inbox: String
    public var archive: String
    public var failed: String
    public var outbox: String
    public var invoices: String
    /// The SQLite database file (`[paths] database`, or `[store] url`'s `sqlite:` path). Its
    /// folder holds the processing folder on either store, and the workspace lock on SQLite.
    public var database: String
    /// `[store] url` when it names a PostgreSQL database; nil: the SQLite file at ``database``.
    public var postgres: PostgresURL?
    public var zone: TimeZone
    public var returnWindowDays: Int
    public var batchSize: Int
    /// `[invoicing] default_gst_rate`, in basis points.
    public var defaultGSTRateBasisPoints: Int
    /// Feeds in name order.
    public var feeds: [Feed]
    /// Fills what an order's items leave blank, when the order is stored.
    public var catalog = ProductCatalog.empty
    /// Seconds a file's writer is waited for (`[watch] settle_ms`): a file another process still
    /// has open for writing, or (where the kernel cannot tell) one modified less than this long
    /// ago, is read only once it is quiet, or left for the next run when that takes longer.
    public var settleSeconds: Double = 2
    /// `[reports] keep_days`: reports older than this are deleted after a run's report; 0 keeps all.
    public var reportKeepDays = ReportsConfig.defaults.keepDays

    public init(
        inbox: String, archive: String, failed: String, outbox: String, invoices: String, database: String,
        zone: TimeZone, returnWindowDays: Int, batchSize: Int, feeds: [Feed], defaultGSTRateBasisPoints: Int = 1800
    ) {
        self.defaultGSTRateBasisPoints = defaultGSTRateBasisPoints
        self.inbox = inbox
        self.archive = archive
        self.failed = failed
        self.outbox = outbox
        self.invoices = invoices
        self.database = database
        self.zone = zone
        self.returnWindowDays = returnWindowDays
        self.batchSize = batchSize
        self.feeds = feeds.sorted { $0.name < $1.name }
    }

    /// Where the store is: the PostgreSQL database when one is configured, else the SQLite file.
    public var store: StoreLocation {
        get { postgres.map { .postgres($0) } ?? .sqlite(path: database) }
        set {
            switch newValue {
            case .sqlite(let path):
                database = path
                postgres = nil
            case .postgres(let url):
                postgres = url
            }
        }
    }

    /// The folder that holds the SQLite database file; the processing folder lives beside it on
    /// either store (on PostgreSQL it is part of the workspace the nodes share), and the
    /// workspace lock on SQLite.
    public var stateDirectory: String { (database as NSString).deletingLastPathComponent }
    /// Where a claimed file lies while its events are applied.
    public var processing: String { stateDirectory + "/processing" }
    /// The lock file that keeps a second instance out.
    public var lockFile: String { stateDirectory + "/ordrecon.lock" }
    public var refundOutbox: String { outbox + "/refunds" }
    public var rejectionOutbox: String { outbox + "/rejections" }

    public func feed(named name: String) -> Feed? { feeds.first { $0.name == name } }
}

extension EngineSettings {
    /// The engine's view of a workspace configuration.
    public init(_ configuration: Configuration) {
        self.init(
            inbox: configuration.paths.inbox, archive: configuration.paths.archive, failed: configuration.paths.failed,
            outbox: configuration.paths.outbox, invoices: configuration.paths.invoices,
            database: configuration.paths.database, zone: configuration.timeZone,
            returnWindowDays: configuration.returnWindowDays, batchSize: configuration.batchSize,
            feeds: configuration.feeds.map { EngineSettings.Feed(name: $0.name, allowed: $0.allowSet) },
            defaultGSTRateBasisPoints: configuration.defaultGSTRateBasisPoints)
        store = configuration.store
        settleSeconds = Double(configuration.watch.settleMilliseconds) / 1000
        reportKeepDays = configuration.reports.keepDays
        catalog = configuration.catalog
    }
}
