public import OrdreconCore
import Prometheus

/// The metrics `ordrecon run --metrics-file` writes for node_exporter's textfile collector.
///
/// A run is a short process, so its counters cannot live in memory: they are the totals the
/// database holds (``StoreTotals``), since the database was created. They only grow, from one
/// run to the next, and a run that crashed before writing the file is counted by the next one,
/// so Prometheus' `rate()` and `increase()` work as they do on a daemon's counters. The same
/// families and series as `ordrecon watch` serves, except two that no table keeps
/// (`ordrecon_documents_failed_total`, `ordrecon_document_bytes_total`: see
/// `ordrecon_documents_unrendered`) and two that only a long-lived dispatcher has
/// (`ordrecon_gateway_requests_in_flight`, `ordrecon_gateway_circuit`), plus what only a run has:
/// `ordrecon_last_run_timestamp_seconds` and `ordrecon_last_run_duration_seconds`.
public struct RunTextfile: Sendable {
    /// The configured feeds, whose series exist even before their first file.
    public var feeds: [String]
    /// The database's totals; nil when it could not be read (the counters are then left out
    /// rather than shown as 0, which Prometheus would take for a reset).
    public var totals: StoreTotals?
    /// Refunds by state (the store's `refundCounts()`).
    public var refunds: [RefundStatus: Int] = [:]
    /// Age in seconds of the oldest pending refund (0 when none is pending).
    public var oldestPendingRefundAgeSeconds: Double = 0
    /// Files waiting in the inbox, and the age of the oldest.
    public var inboxBacklog = 0
    public var inboxOldestAgeSeconds: Double = 0
    /// The last successful run, if any.
    public var lastSuccess: Timestamp?
    /// When this run ended, and how long it took (nil when it failed before it began).
    public var finishedAt: Timestamp
    public var seconds: Double?
    /// This run's refund dispatch stopped because the gateway kept failing.
    public var gatewayUnavailable = false

    public init(feeds: [String], totals: StoreTotals?, finishedAt: Timestamp) {
        self.feeds = feeds
        self.totals = totals
        self.finishedAt = finishedAt
    }

    /// The histogram bounds of the file processing time, in milliseconds, for the store's
    /// `totals(fileBounds:gatewayBounds:command:)`.
    public static var fileBounds: [Double] { HistogramBuckets.fileProcessing.map(milliseconds) }
    /// The histogram bounds of the gateway request time, in milliseconds.
    public static var gatewayBounds: [Double] { HistogramBuckets.gatewayRequest.map(milliseconds) }

    /// Every series in Prometheus text format 0.0.4, families sorted by name and series by labels.
    public func exposition() -> String {
        let registry = PrometheusCollectorRegistry()
        func counter(_ definition: MetricDefinition, _ labels: [(String, String)], _ value: Int) {
            registry.makeCounter(descriptor: definition.descriptor, labels: labels).increment(by: Int64(max(0, value)))
        }
        func gauge(_ definition: MetricDefinition, _ labels: [(String, String)], _ value: Double) {
            registry.makeGauge(descriptor: definition.descriptor, labels: labels).set(to: value)
        }

        var histograms = ""
        if let totals {
            var seen = Set<String>()
            let feedNames = (feeds + totals.feeds.keys.sorted() + totals.rejections.keys.sorted()).filter {
                seen.insert($0).inserted
            }
            var fileSeconds: [(labels: [(String, String)], histogram: StoreTotals.Histogram)] = []
            for feed in feedNames {
                let label = ("feed", feed)
                let files = totals.feeds[feed] ?? StoreTotals.Feed(bounds: Self.fileBounds)
                counter(.events, [label, ("outcome", Outcome.applied.rawValue)], files.applied)
                counter(.events, [label, ("outcome", Outcome.duplicate.rawValue)], files.duplicate)
                counter(.events, [label, ("outcome", Outcome.rejected.rawValue)], files.rejected)
                let codes = totals.rejections[feed] ?? [:]
                for code in Set(ReasonCode.allCases.map(\.rawValue)).union(codes.keys).sorted() {
                    counter(.rejections, [label, ("code", code)], codes[code] ?? 0)
                }
                counter(.files, [label, ("result", "processed")], files.processedFiles)
                counter(.files, [label, ("result", "refused")], files.refusedFiles)
                counter(.filesResumed, [label], files.resumedFiles)
                counter(.bytes, [label], files.bytes)
                fileSeconds.append(([label], files.fileSeconds))
            }
            histograms += Self.histogram(.fileSeconds, HistogramBuckets.fileProcessing, fileSeconds)
            histograms += Self.histogram(
                .gatewaySeconds, HistogramBuckets.gatewayRequest, [([], totals.gatewaySeconds)])
            for kind in OrdreconMetrics.documentKinds {
                counter(.documentsRendered, [("kind", kind)], totals.documentsRendered[kind] ?? 0)
                gauge(.documentsUnrendered, [("kind", kind)], Double(totals.documentsUnrendered[kind] ?? 0))
            }
            gauge(.invoicesIncomplete, [], Double(totals.incompleteInvoices))
            for result in ["sent", "refused", "retried"] {
                counter(.refundRequests, [("result", result)], totals.refundRequests[result] ?? 0)
            }
            for kind in AttemptClass.allCases {
                counter(.refundAttempts, [("class", kind.rawValue)], totals.refundAttempts[kind.rawValue] ?? 0)
            }
            counter(.runs, [], totals.runs)
        }

        for state in RefundStatus.allCases {
            gauge(.refunds, [("state", state.rawValue)], Double(refunds[state] ?? 0))
        }
        gauge(
            .oldestPendingRefundAge, [],
            oldestPendingRefundAgeSeconds.isFinite ? max(0, oldestPendingRefundAgeSeconds) : 0)
        gauge(.inboxBacklog, [], Double(inboxBacklog))
        gauge(.inboxOldestAge, [], inboxOldestAgeSeconds.isFinite ? max(0, inboxOldestAgeSeconds) : 0)
        gauge(.lastSuccess, [], lastSuccess.map { Double($0.milliseconds) / 1000 } ?? 0)
        gauge(.gatewayUnavailable, [], gatewayUnavailable ? 1 : 0)
        gauge(.lastRunTimestamp, [], Double(finishedAt.milliseconds) / 1000)
        if let seconds, seconds.isFinite { gauge(.lastRunDuration, [], max(0, seconds)) }
        gauge(.buildInfo, OrdreconMetrics.buildLabels, 1)
        return ExpositionText.ordered(registry.emitToString() + histograms)
    }

    // MARK: Histograms from totals

    /// One histogram family in the form swift-prometheus writes it (the same `le` values), from
    /// counts already bucketed: a histogram of the registry can only record observations.
    static func histogram(
        _ definition: MetricDefinition, _ bounds: [Duration],
        _ series: [(labels: [(String, String)], histogram: StoreTotals.Histogram)]
    ) -> String {
        var text = "# HELP \(definition.name) \(definition.help)\n# TYPE \(definition.name) histogram\n"
        for (labels, histogram) in series {
            let rendered = labels.map { "\($0.0)=\"\(escaped($0.1))\"" }
            func line(_ suffix: String, _ extra: [String], _ value: String) {
                let all = rendered + extra
                text +=
                    definition.name + suffix + (all.isEmpty ? "" : "{" + all.joined(separator: ",") + "}") + " " + value
                    + "\n"
            }
            for (index, bound) in bounds.enumerated() {
                let count =
                    index < histogram.cumulativeCounts.count ? histogram.cumulativeCounts[index] : histogram.count
                line("_bucket", ["le=\"\(bound.bucketRepresentation)\""], "\(count)")
            }
            line("_bucket", ["le=\"+Inf\""], "\(histogram.count)")
            line("_sum", [], Duration.milliseconds(histogram.sumMilliseconds).bucketRepresentation)
            line("_count", [], "\(histogram.count)")
        }
        return text
    }

    /// A label value as the text format wants it: backslash, double quote and line feed escaped.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
