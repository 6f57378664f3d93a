/// Writes realistic feed workloads for ordrecon, with the exact outcome they must produce.
///
/// `write` creates `root/inbox/<feed>/` for the five default feeds (storefront, payments,
/// warehouse, carrier, returns-desk) and fills them with CSV, JSON and JSON Lines files (or CSV
/// only) whose modification times (one second apart, from 2025-01-01T00:00:00Z) give the
/// processing order; file names start with the same sequence number. The waves lifecycle writes
/// wave after wave, stage by stage; the spread lifecycle writes a simulated timeline, one file per
/// feed and time window (see ``WorkloadOptions/Lifecycle``). `root/expected.json` is the summary:
/// what ordrecon must record after processing every file once.
public enum WorkloadGenerator {
    /// What a generation wrote, beyond `expected.json`.
    public struct Report: Sendable {
        /// The expected outcome (also in `expected.json`).
        public var summary: WorkloadSummary
        /// The most orders open at once (neither DELIVERED nor CANCELLED) in reading order.
        public var peakOpenOrders: Int
        /// Orders placed per simulated day (spread lifecycle; nil for waves).
        public var ordersPerDay: Int?
    }

    /// Generates the workload described by `options` under `root`.
    /// - Returns: the expected outcome (also written to `root/expected.json`, sorted keys).
    /// - Throws: ``WorkloadError`` when a file cannot be written.
    public static func write(_ options: WorkloadOptions, to root: String) throws -> WorkloadSummary {
        try generate(options, to: root).summary
    }

    /// Generates the workload described by `options` under `root` and says how it came out.
    public static func run(_ options: WorkloadOptions, to root: String) throws -> Report {
        let run = WorkloadRun(options: options, root: root)
        let summary = try run.run()
        return Report(
            summary: summary, peakOpenOrders: run.peakOpenOrders,
            ordersPerDay: options.lifecycle == .spread ? SpreadTimeline.ordersPerDay(for: options.orders) : nil)
    }

    /// Generates and also reports how often each fault kind was placed (for tests).
    static func generate(_ options: WorkloadOptions, to root: String) throws -> (
        summary: WorkloadSummary, faults: [FaultKind: Int]
    ) {
        let run = WorkloadRun(options: options, root: root)
        let summary = try run.run()
        return (summary, run.faultCounts)
    }
}
