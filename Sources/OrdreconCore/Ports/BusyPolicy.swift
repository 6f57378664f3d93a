/// What a store connection does while another connection (another process, another node) holds
/// the database: it waits and tries the step again, up to ``limit`` seconds for one step in all,
/// or without end (nil) until ``shouldStop`` says stop. A step that gives up changed nothing and
/// fails with a ``StoreError`` of kind ``StoreError/Kind/busy``.
///
/// The adapter decides what a try is (the SQLite store: its busy handler waits
/// ``sliceMilliseconds`` for the lock, and a write on a stale read snapshot is tried again).
public struct BusyPolicy: Sendable {
    /// Seconds one step may wait in all before it fails with a "database busy" error; nil: no end.
    public var limit: Double?
    /// How long the backend waits for a lock per try; between tries ``shouldStop`` is asked, so
    /// this is also how late a stop may be seen.
    public var sliceMilliseconds: Int32
    /// Asked between tries; true gives up at once (a daemon shutting down).
    public var shouldStop: @Sendable () -> Bool
    /// ``report`` is called once a step has waited this long, and again after each such period.
    public var reportEvery: Double
    /// Told how long a step has waited so far and the last busy answer (to log a warning).
    public var report: @Sendable (_ waitedSeconds: Double, _ last: StoreError) -> Void

    public init(
        limit: Double?, sliceMilliseconds: Int32 = 1000, reportEvery: Double = 10,
        shouldStop: @escaping @Sendable () -> Bool = { false },
        report: @escaping @Sendable (_ waitedSeconds: Double, _ last: StoreError) -> Void = { _, _ in }
    ) {
        self.limit = limit
        self.sliceMilliseconds = max(1, sliceMilliseconds)
        self.reportEvery = max(0.1, reportEvery)
        self.shouldStop = shouldStop
        self.report = report
    }

    /// One-shot commands (`run`, `dispatch`, …): a minute in all, then a clear error.
    public static let oneShot = BusyPolicy(limit: 60)
}
