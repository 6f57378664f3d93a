/// Writes realistic feed workloads for ordrecon, with the exact outcome they must produce.
///
/// `write` creates `root/inbox/<feed>/` for the five default feeds (storefront, payments,
/// warehouse, carrier, returns-desk) and fills them, wave after wave, with CSV, JSON and JSON
/// Lines files whose modification times (one second apart, from 2025-01-01T00:00:00Z) give the
/// processing order; file names start with the same sequence number. `root/expected.json` is
/// the summary: what ordrecon must record after processing every file once.
public enum WorkloadGenerator {
    /// Generates the workload described by `options` under `root`.
    /// - Returns: the expected outcome (also written to `root/expected.json`, sorted keys).
    /// - Throws: ``WorkloadError`` when a file cannot be written.
    public static func write(_ options: WorkloadOptions, to root: String) throws -> WorkloadSummary {
        try generate(options, to: root).summary
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
