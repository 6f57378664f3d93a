public import OrdreconCore
public import Prometheus

/// What ordrecon did, as Prometheus metrics: events, rejections and files per feed, invoice
/// PDFs, refund requests and gateway latency, refunds by state, the inbox backlog, the last
/// success and the build; served on `/metrics` by `ordrecon watch`, its counters starting at zero
/// when the daemon starts (`ordrecon run --metrics-file` writes totals kept in the database
/// instead: ``RunTextfile``).
///
/// Each instance owns its ``registry`` (swift-prometheus' `PrometheusCollectorRegistry`, used
/// directly: nothing goes through swift-metrics' global `MetricsSystem`), so several can live in
/// one process. Every series known at creation (each configured feed's outcomes, reason codes
/// and results, each document kind, request result and refund state) exists from the start at
/// zero. Safe to use from any thread: swift-prometheus' registry and metrics are `Sendable`
/// (atomics and locks inside). Nothing here writes a file: ``exposition()`` is text, which the
/// daemon serves and `MetricsTextfile` (OrdreconEngine) writes for node_exporter.
public final class OrdreconMetrics: Sendable {
    /// The `Content-Type` of ``exposition()`` (Prometheus text format 0.0.4).
    public static let contentType = ExpositionText.contentType

    /// The registry holding every series; other parts may register their own metrics in it.
    public let registry: PrometheusCollectorRegistry
    /// The feeds named at creation (without repeats), whose series exist from the start.
    public let feeds: [String]

    private let invoices: Counter
    private let creditNotes: Counter
    private let documentsFailed: Counter
    private let documentBytes: Counter
    private let requestsSent: Counter
    private let requestsRefused: Counter
    private let requestsRetried: Counter
    private let gatewaySeconds: DurationHistogram
    private let gatewayUnavailable: Gauge
    private let requestsInFlight: Gauge
    private let oldestPendingRefundAge: Gauge
    private let inboxBacklog: Gauge
    private let inboxOldestAge: Gauge
    private let lastSuccess: Gauge
    private let runs: Counter

    /// The refund states the store knows, each always shown.
    static let refundStates = RefundStatus.allCases.map(\.rawValue)
    /// The states of the gateway circuit breaker, each always shown.
    static let circuitStates = ["closed", "open", "half_open"]
    /// The kinds of tax documents, each always shown.
    static let documentKinds = ["invoice", "credit_note"]
    /// The labels of `ordrecon_build_info`.
    static let buildLabels = [("version", BuildInfo.version), ("commit", BuildInfo.gitCommit ?? "unknown")]

    /// Creates the metrics with every series known in advance at zero.
    /// - Parameter feeds: the configured feeds (the `feed` label values); files of other feeds
    ///   are still counted, their series appearing with their first file.
    public init(feeds: [String]) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var seen = Set<String>()
        self.feeds = feeds.filter { seen.insert($0).inserted }

        func counter(_ definition: MetricDefinition, _ labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(descriptor: definition.descriptor, labels: labels)
        }
        func gauge(_ definition: MetricDefinition, _ labels: [(String, String)] = []) -> Gauge {
            registry.makeGauge(descriptor: definition.descriptor, labels: labels)
        }
        invoices = counter(.documentsRendered, [("kind", "invoice")])
        creditNotes = counter(.documentsRendered, [("kind", "credit_note")])
        documentsFailed = counter(.documentsFailed)
        documentBytes = counter(.documentBytes)
        requestsSent = counter(.refundRequests, [("result", "sent")])
        requestsRefused = counter(.refundRequests, [("result", "refused")])
        requestsRetried = counter(.refundRequests, [("result", "retried")])
        gatewaySeconds = registry.makeDurationHistogram(
            descriptor: MetricDefinition.gatewaySeconds.descriptor, labels: [], buckets: HistogramBuckets.gatewayRequest
        )
        gatewayUnavailable = gauge(.gatewayUnavailable)
        requestsInFlight = gauge(.requestsInFlight)
        oldestPendingRefundAge = gauge(.oldestPendingRefundAge)
        for kind in AttemptClass.allCases { _ = counter(.refundAttempts, [("class", kind.rawValue)]) }
        for state in Self.circuitStates { gauge(.circuit, [("state", state)]).set(to: state == "closed" ? 1 : 0) }
        inboxBacklog = gauge(.inboxBacklog)
        inboxOldestAge = gauge(.inboxOldestAge)
        lastSuccess = gauge(.lastSuccess)
        runs = counter(.runs)
        for state in Self.refundStates { _ = gauge(.refunds, [("state", state)]) }
        for kind in Self.documentKinds { _ = gauge(.documentsUnrendered, [("kind", kind)]) }
        _ = gauge(.invoicesIncomplete)
        gauge(.buildInfo, Self.buildLabels).set(to: 1)

        for feed in self.feeds {
            for outcome in Outcome.allCases { _ = counter(.events, [("feed", feed), ("outcome", outcome.rawValue)]) }
            for code in ReasonCode.allCases { _ = counter(.rejections, [("feed", feed), ("code", code.rawValue)]) }
            for result in ["processed", "refused"] { _ = counter(.files, [("feed", feed), ("result", result)]) }
            _ = counter(.filesResumed, [("feed", feed)])
            _ = counter(.bytes, [("feed", feed)])
            _ = fileSeconds(feed: feed)
        }
    }

    // MARK: Recording

    /// Records what happened to one feed file: its events by outcome, its rejections by code
    /// (a file refused as a whole counts once under its code), the file by result, its bytes and
    /// its processing time.
    public func record(file: FileSummary) {
        let feed = ("feed", file.feed)
        add(file.applied, to: .events, [feed, ("outcome", Outcome.applied.rawValue)])
        add(file.duplicate, to: .events, [feed, ("outcome", Outcome.duplicate.rawValue)])
        add(file.rejected, to: .events, [feed, ("outcome", Outcome.rejected.rawValue)])
        for (code, count) in file.rejectedByCode {
            add(count, to: .rejections, [feed, ("code", code)])
        }
        if let failure = file.failure {
            add(1, to: .rejections, [feed, ("code", failure.code.rawValue)])
        }
        add(1, to: .files, [feed, ("result", file.failure == nil ? "processed" : "refused")])
        if file.resumed { add(1, to: .filesResumed, [feed]) }
        add(file.bytes, to: .bytes, [feed])
        fileSeconds(feed: file.feed).record(HistogramBuckets.duration(seconds: file.seconds))
    }

    /// Records the invoice and credit note PDFs a pass wrote, and those it could not write.
    public func record(documents: DocumentReport) {
        invoices.increment(by: Self.amount(documents.invoices))
        creditNotes.increment(by: Self.amount(documents.creditNotes))
        documentsFailed.increment(by: Self.amount(documents.failed))
        documentBytes.increment(by: Self.amount(documents.bytes))
    }

    /// Records a refund dispatch pass: its requests by result, each request's latency, and
    /// whether the gateway was left unavailable.
    public func record(dispatch: DispatchReport) {
        requestsSent.increment(by: Self.amount(dispatch.sent))
        requestsRefused.increment(by: Self.amount(dispatch.failed))
        requestsRetried.increment(by: Self.amount(dispatch.retriedAttempts))
        for seconds in dispatch.attemptSeconds {
            gatewaySeconds.record(HistogramBuckets.duration(seconds: seconds))
        }
        for (kind, count) in dispatch.attemptsByClass {
            add(count, to: .refundAttempts, [("class", kind)])
        }
        gatewayUnavailable.set(to: dispatch.gatewayUnavailable ? 1 : 0)
    }

    /// Sets how many refund requests are in flight now.
    public func setRequestsInFlight(_ count: Int) {
        requestsInFlight.set(to: Double(max(0, count)))
    }

    /// Sets the age of the oldest pending refund (0 when none is pending).
    /// - Parameter oldest: when it was recorded or queued again (the store's `oldestPendingRefund()`).
    public func setOldestPendingRefund(_ oldest: Timestamp?, now: Timestamp) {
        oldestPendingRefundAge.set(to: oldest.map { max(0, Double(now.milliseconds - $0.milliseconds) / 1000) } ?? 0)
    }

    /// Sets the state of the gateway circuit breaker: `closed`, `open` or `half_open`.
    public func setCircuit(_ state: String) {
        for name in Set(Self.circuitStates).union([state]) {
            registry.makeGauge(descriptor: MetricDefinition.circuit.descriptor, labels: [("state", name)])
                .set(to: name == state ? 1 : 0)
        }
    }

    /// Records a whole `ordrecon run`: counts the run, then records each of its files, its
    /// documents and its refund dispatch. A daemon that records files as it goes calls
    /// ``markRun()`` and the `record` methods itself instead, so as not to count them twice.
    public func record(run: RunSummary) {
        markRun()
        for file in run.files { record(file: file) }
        if let documents = run.documents { record(documents: documents) }
        if let dispatch = run.refundDelivery { record(dispatch: dispatch) }
    }

    /// Sets how many refunds are in each state, from the store's `refundCounts()`; a state missing
    /// from `counts` is 0.
    public func setRefunds(_ counts: [RefundStatus: Int]) {
        for state in RefundStatus.allCases {
            registry.makeGauge(descriptor: MetricDefinition.refunds.descriptor, labels: [("state", state.rawValue)])
                .set(to: Double(counts[state] ?? 0))
        }
    }

    /// Sets how many invoices and credit notes wait for their PDF, from
    /// the store's `unrenderedDocumentCounts()`; a kind missing from `counts` is 0.
    public func setUnrenderedDocuments(_ counts: [String: Int]) {
        for kind in Set(Self.documentKinds).union(counts.keys) {
            registry.makeGauge(descriptor: MetricDefinition.documentsUnrendered.descriptor, labels: [("kind", kind)])
                .set(to: Double(counts[kind] ?? 0))
        }
    }

    /// Sets how many invoices lack something, from the store's `incompleteInvoiceCount()`.
    public func setIncompleteInvoices(_ count: Int) {
        registry.makeGauge(descriptor: MetricDefinition.invoicesIncomplete.descriptor, labels: []).set(
            to: Double(count))
    }

    /// Sets whether this process leads ingestion (only `watch` says; a run leads or exits).
    public func setIngestLeader(_ leads: Bool) {
        registry.makeGauge(descriptor: MetricDefinition.ingestLeader.descriptor, labels: []).set(to: leads ? 1 : 0)
    }

    /// Sets the inbox backlog: how many files wait, and the age of the oldest (0 when none).
    public func setInbox(backlog: Int, oldestAgeSeconds: Double) {
        inboxBacklog.set(to: Double(backlog))
        inboxOldestAge.set(to: oldestAgeSeconds.isFinite ? max(0, oldestAgeSeconds) : 0)
    }

    /// Records that a run or a watch pass succeeded at `time` (seconds since the epoch, with the milliseconds).
    public func markSuccess(at time: Timestamp) {
        lastSuccess.set(to: Double(time.milliseconds) / 1000)
    }

    /// Counts one run (or watch pass), whatever its result.
    public func markRun() {
        runs.increment()
    }

    // MARK: Exposition

    /// Every series in Prometheus text format 0.0.4, families sorted by name and series by labels.
    public func exposition() -> String {
        ExpositionText.ordered(registry.emitToString())
    }

    // MARK: Helpers

    private func add(_ amount: Int, to definition: MetricDefinition, _ labels: [(String, String)]) {
        registry.makeCounter(descriptor: definition.descriptor, labels: labels).increment(by: Self.amount(amount))
    }

    private func fileSeconds(feed: String) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: MetricDefinition.fileSeconds.descriptor, labels: [("feed", feed)],
            buckets: HistogramBuckets.fileProcessing)
    }

    /// A count as a counter increment (counters never go down: a negative count adds nothing).
    private static func amount(_ count: Int) -> Int64 {
        Int64(max(0, count))
    }
}
