import OrdreconCore
import OrdreconPostgres
import OrdreconTestSupport
import Testing

/// The read side (``ReviewQueries``) answers the same on SQLite and PostgreSQL: the same rows
/// (``ReviewParitySeed``) go into a fresh database of each kind with the same INSERTs, and every
/// query must return equal results for a range of filters, bounds and limits. A second
/// PostgreSQL database orders text by ICU's rules, not by bytes, so that an ORDER BY that relied
/// on the database's collation would show.
@Suite struct ReviewParityTests {
    /// One SQLite store and the PostgreSQL stores, seeded alike, with their names for messages.
    struct Stores {
        let databases: [TestDatabase]
        let sqlite: any StateStore
        let others: [(name: String, store: any StateStore)]

        /// Each database is opened once to make its schema, seeded, then read through a
        /// connection opened for reading, as the review commands and the reports read.
        init(seed: String = ReviewParitySeed.sql) throws {
            let lite = try StoreBackend.sqlite.newDatabase()
            let postgres = try StoreBackend.postgres.newDatabase()
            databases = [lite, postgres]
            for database in databases {
                _ = try database.open()
                if !seed.isEmpty { try database.execute(seed) }
            }
            sqlite = try lite.factory.openForReading()
            var others: [(String, any StateStore)] = [("postgres", try postgres.factory.openForReading())]
            if let url = try Self.icuDatabase() {
                let factory = PostgresStoreFactory(url: url)
                _ = try factory.open()
                if !seed.isEmpty { try TestPostgres.execute(seed, in: url) }
                others.append(("postgres (ICU collation)", try factory.openForReading()))
            }
            self.others = others
        }

        /// A new database whose default collation is ICU's English (`a` < `B`), or nil when the
        /// server has no ICU.
        static func icuDatabase() throws -> PostgresURL? {
            let port = try TestPostgres.port()
            let name = "t_icu_\(UInt64.random(in: 0...UInt64.max))"
            let admin = try PostgresURL("postgresql://ordrecon@127.0.0.1:\(port)/postgres")
            do {
                try TestPostgres.execute(
                    "CREATE DATABASE \(name) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
                    in: admin)
            } catch {
                return nil
            }
            return try PostgresURL("postgresql://ordrecon@127.0.0.1:\(port)/\(name)")
        }

        /// Expects `query` to give equal answers on every store (compared with `==` through `key`).
        func expectSame<T, K: Equatable>(
            _ what: String, _ query: (any StateStore) throws -> T, key: (T) -> K,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let expected = key(try query(sqlite))
            for (name, store) in others {
                let actual = key(try query(store))
                #expect(actual == expected, "\(what) on \(name)", sourceLocation: sourceLocation)
            }
        }

        func expectSame<T: Equatable>(
            _ what: String, _ query: (any StateStore) throws -> T, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            try expectSame(what, query, key: { $0 }, sourceLocation: sourceLocation)
        }
    }

    /// The filters tried on the audit search and the rejections queue.
    static var filters: [(String, AuditFilter)] {
        func filter(_ set: (inout AuditFilter) -> Void) -> AuditFilter {
            var f = AuditFilter()
            set(&f)
            return f
        }
        return [
            ("everything", AuditFilter()),
            (
                "since/until at ties",
                filter {
                    $0.since = Timestamp(milliseconds: 1200)
                    $0.until = Timestamp(milliseconds: 3400)
                }
            ),
            (
                "empty range",
                filter {
                    $0.since = Timestamp(milliseconds: 1300)
                    $0.until = Timestamp(milliseconds: 1300)
                }
            ),
            ("since only", filter { $0.since = Timestamp(milliseconds: 7150) }),
            ("until only", filter { $0.until = Timestamp(milliseconds: 1101) }),
            ("feed", filter { $0.feed = "orders" }),
            ("feed, other case", filter { $0.feed = "ORDERS" }),
            ("feed, empty", filter { $0.feed = "" }),
            ("code", filter { $0.reasonCode = "BAD_TRANSITION" }),
            ("code, lower case", filter { $0.reasonCode = "bad_transition" }),
            ("code, empty", filter { $0.reasonCode = "" }),
            ("code, non-ASCII", filter { $0.reasonCode = "Ärger" }),
            ("file name (two files)", filter { $0.fileName = "orders-1.csv" }),
            ("file final name", filter { $0.fileName = "orders-1 (2).csv" }),
            ("file final name 2", filter { $0.fileName = "pay.csv" }),
            ("file name, empty", filter { $0.fileName = "" }),
            ("file name, quotes", filter { $0.fileName = "returns-ü \"q\".csv" }),
            ("file name, apostrophe", filter { $0.fileName = "r'4.json" }),
            ("order", filter { $0.orderId = "O-1" }),
            ("return", filter { $0.returnId = "R-1" }),
            ("event id", filter { $0.eventId = "E-4" }),
            ("event id twice rejected", filter { $0.eventId = "E-8" }),
            ("outcome duplicate", filter { $0.outcome = "duplicate" }),
            ("outcome applied", filter { $0.outcome = "applied" }),
            ("outcome rejected", filter { $0.outcome = "rejected" }),
            ("open only", filter { $0.openOnly = true }),
            (
                "open only, orders since",
                filter {
                    $0.openOnly = true
                    $0.feed = "orders"
                    $0.since = Timestamp(milliseconds: 1300)
                }
            ),
            (
                "order and outcome",
                filter {
                    $0.orderId = "O-1"
                    $0.outcome = "applied"
                    $0.until = Timestamp(milliseconds: 7200)
                }
            ),
            ("SQL in a value", filter { $0.feed = "x' OR '1'='1" }),
            ("like pattern", filter { $0.orderId = "O-%" }),
        ]
    }

    @Test func auditRecordsAndRejectionsAreTheSame() throws {
        let stores = try Stores()
        for (name, filter) in Self.filters {
            try stores.expectSame("rejections(\(name))") { try $0.rejections(filter) }
            // A limit below 1 gives no record but the count; Int.max (which has no "one more")
            // gives every record.
            for limit in [Int.min, -1, 0, 1, 3, 13, 32, 33, 100, Int.max] {
                try stores.expectSame("auditRecords(\(name), limit \(limit))") {
                    try $0.auditRecords(filter, limit: limit)
                } key: {
                    "\($0.totalMatching) \($0.records)"
                }
            }
        }
        // The seed is not trivial: the queries see rows, some resolved, some cut by a limit.
        let all = try stores.sqlite.rejections(AuditFilter())
        #expect(all.count == 13 && all.filter(\.isResolved).count == 1)
        #expect(try stores.sqlite.auditRecords(AuditFilter(), limit: 3).totalMatching == 33)
        for store in [stores.sqlite] + stores.others.map(\.store) {
            let none = try store.auditRecords(AuditFilter(), limit: -1)
            #expect(none.records.isEmpty && none.totalMatching == 33)
            let every = try store.auditRecords(AuditFilter(), limit: .max)
            #expect(every.records.count == 33 && !every.isTruncated)
        }
    }

    @Test func runRejectionsAreTheSame() throws {
        let stores = try Stores()
        for runs: ClosedRange<Int64> in [1...1, 1...4, 2...3, 3...3, 4...4, 5...9, 0...0] {
            for limit in [-1, 0, 1, 2, 100] {
                try stores.expectSame("rejections(ofRuns: \(runs), limitPerCode: \(limit))") {
                    try $0.rejections(ofRuns: runs, limitPerCode: limit)
                }
            }
        }
        let codes = try stores.sqlite.rejections(ofRuns: 1...4, limitPerCode: 100).map(\.code)
        #expect(codes.contains("") && codes.contains("bad_transition") && codes.contains("Ärger"))
    }

    @Test func incompleteInvoicesAreTheSame() throws {
        let stores = try Stores()
        let ranges: [ClosedRange<Int64>?] = [nil, 1...1, 3...3, 1...4, 4...4]
        for runs in ranges {
            try stores.expectSame("incompleteInvoiceCount(\(String(describing: runs)))") {
                try $0.incompleteInvoiceCount(ofRuns: runs)
            }
            for limit in [-1, 0, 1, 2, 100, Int.max] {
                try stores.expectSame("incompleteInvoices(\(String(describing: runs)), limit \(limit))") {
                    try $0.incompleteInvoices(ofRuns: runs, limit: limit)
                }
            }
        }
        #expect(try stores.sqlite.incompleteInvoices(ofRuns: nil, limit: 100).count == 3)
    }

    @Test func ordersAndReturnsAreTheSame() throws {
        let stores = try Stores()
        for orderId in ["O-1", "O-2", "O-3", "O-4", "nope", "", "O-1' OR 'x'='x"] {
            try stores.expectSame("orderDetails(\(orderId))") {
                try $0.orderDetails(orderId)
            } key: {
                String(describing: $0)
            }
        }
        for returnId in ["R-1", "R-10", "R-2", "r-0", "R-3", "R-4", "R-5", "R-6", "nope"] {
            try stores.expectSame("returnDetails(\(returnId))") {
                try $0.returnDetails(returnId)
            } key: {
                String(describing: $0)
            }
        }
        let order = try #require(try stores.sqlite.orderDetails("O-1"))
        #expect(order.items.map(\.sku) == ["SKU-Z", "sku-a", "sku-b", "ß"])
        #expect(order.returns.map(\.returnId) == ["R-1", "R-10", "R-2", "r-0"])
        let ret = try #require(try stores.sqlite.returnDetails("R-1"))
        #expect(ret.items.first?.sku == "Not-in-order" && ret.refund?.refundId == "B-1")
    }

    @Test func totalsAreTheSame() throws {
        let stores = try Stores()
        let bounds: [([Double], [Double])] = [
            ([], []), ([1, 2.5, 100, 1000], [0, 1, 100, 2500, 30000]), ([0.5, 150, 1e9], [1e-05, 99.5, 2500.5]),
            // Bounds that are not finite (not ordrecon's, but a caller's): +∞ counts all, −∞ and NaN none.
            ([-.infinity, .nan, .infinity], [.infinity, 1e30]),
        ]
        for (fileBounds, gatewayBounds) in bounds {
            for command in ["run", "watch", "Run", "none"] {
                try stores.expectSame("totals(\(fileBounds), \(gatewayBounds), \(command))") {
                    try $0.totals(fileBounds: fileBounds, gatewayBounds: gatewayBounds, command: command)
                }
            }
        }
        let totals = try stores.sqlite.totals(fileBounds: [100], gatewayBounds: [100], command: "run")
        #expect(totals.runs == 3 && totals.feeds["returns"]?.fileSeconds.cumulativeCounts == [1])
        let unbounded = try stores.sqlite.totals(
            fileBounds: [-.infinity, .infinity], gatewayBounds: [], command: "run")
        let returns = try #require(unbounded.feeds["returns"]?.fileSeconds)
        #expect(returns.cumulativeCounts == [0, returns.count] && returns.count > 0)
    }

    /// With no rows at all: no groups, sums over nothing (NULL in SQL), empty lists.
    @Test func anEmptyDatabaseAnswersTheSame() throws {
        let stores = try Stores(seed: "")
        try stores.expectSame("totals") { try $0.totals(fileBounds: [1, 2.5], gatewayBounds: [100], command: "run") }
        try stores.expectSame("rejections") { try $0.rejections(AuditFilter()) }
        try stores.expectSame("rejections(ofRuns:)") { try $0.rejections(ofRuns: 1...9, limitPerCode: 5) }
        try stores.expectSame("auditRecords") {
            try $0.auditRecords(AuditFilter(), limit: 5)
        } key: {
            "\($0.totalMatching) \($0.records)"
        }
        try stores.expectSame("incompleteInvoices") { try $0.incompleteInvoices(ofRuns: nil, limit: 5) }
        try stores.expectSame("incompleteInvoiceCount") { try $0.incompleteInvoiceCount(ofRuns: 1...2) }
        try stores.expectSame("orderDetails") { try $0.orderDetails("O-1") == nil }
        try stores.expectSame("returnDetails") { try $0.returnDetails("R-1") == nil }
        let totals = try stores.sqlite.totals(fileBounds: [1], gatewayBounds: [100], command: "run")
        #expect(totals.feeds.isEmpty && totals.refundRequests == ["sent": 0, "refused": 0, "retried": 0])
    }
}
