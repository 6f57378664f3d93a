import Prometheus

/// One metric family: its full name and the help text shown on its `# HELP` line.
struct MetricDefinition: Sendable, Hashable {
    var name: String
    var help: String

    /// The name and help as swift-prometheus takes them (the name is used as is).
    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

extension MetricDefinition {
    // Feed files (ordrecon run, ordrecon watch).
    static let events = MetricDefinition(
        name: "ordrecon_events_total",
        help: "Feed events read, by feed and outcome (applied, duplicate, rejected).")
    static let rejections = MetricDefinition(
        name: "ordrecon_rejections_total",
        help: "Refusals by feed and reason code: each rejected event, and each file refused as a whole (counted once).")
    static let files = MetricDefinition(
        name: "ordrecon_files_total",
        help: "Feed files handled, by feed and result (processed, or refused as a whole).")
    static let filesResumed = MetricDefinition(
        name: "ordrecon_files_resumed_total",
        help: "Feed files finished that an earlier, interrupted run had begun, by feed.")
    static let bytes = MetricDefinition(
        name: "ordrecon_bytes_total",
        help: "Bytes of feed files handled, by feed.")
    static let fileSeconds = MetricDefinition(
        name: "ordrecon_file_processing_seconds",
        help: "Seconds taken to process one feed file, by feed.")

    // Invoice and credit note PDFs.
    static let documentsRendered = MetricDefinition(
        name: "ordrecon_documents_rendered_total",
        help: "Invoice and credit note PDFs written, by kind (invoice, credit_note).")
    static let documentsFailed = MetricDefinition(
        name: "ordrecon_documents_failed_total",
        help: "Documents whose PDF could not be written (left for the next pass; see the log).")
    static let documentBytes = MetricDefinition(
        name: "ordrecon_document_bytes_total",
        help: "Bytes of invoice and credit note PDFs written.")

    // Refunds and the payment gateway.
    static let refundRequests = MetricDefinition(
        name: "ordrecon_refund_requests_total",
        help: "Refund requests made to the payment gateway, by result: "
            + "sent (accepted), refused (a person must look), retried (tried again later).")
    static let gatewaySeconds = MetricDefinition(
        name: "ordrecon_gateway_request_seconds",
        help: "Seconds each payment gateway request took, answered or not.")
    static let gatewayUnavailable = MetricDefinition(
        name: "ordrecon_gateway_unavailable",
        help: "1 when the last dispatch pass stopped because the gateway kept failing or asked to wait, else 0.")
    static let refunds = MetricDefinition(
        name: "ordrecon_refunds",
        help: "Refunds in the store, by state (pending, sent, failed).")
    static let refundAttempts = MetricDefinition(
        name: "ordrecon_refund_attempts_total",
        help: "Refund requests that ended, by class of outcome: accepted, conflict (409), throttled (408, 425, 429), "
            + "server_error (5xx), unauthorized (401, 403), refused (other 4xx), no_answer (timeout, broken connection), "
            + "unreachable (no connection, TLS), interrupted (ordrecon stopped).")
    static let requestsInFlight = MetricDefinition(
        name: "ordrecon_gateway_requests_in_flight",
        help: "Refund requests sent to the gateway and not answered yet.")
    static let oldestPendingRefundAge = MetricDefinition(
        name: "ordrecon_refund_oldest_pending_age_seconds",
        help:
            "Age in seconds of the oldest pending refund, since it was recorded or queued again (0 when none is pending)."
    )
    static let circuit = MetricDefinition(
        name: "ordrecon_gateway_circuit",
        help: "1 for the state the gateway circuit breaker is in (closed, open, half_open), 0 for the others.")

    // The inbox and runs.
    static let inboxBacklog = MetricDefinition(
        name: "ordrecon_inbox_backlog_files",
        help: "Feed files waiting in the inbox.")
    static let inboxOldestAge = MetricDefinition(
        name: "ordrecon_inbox_oldest_file_age_seconds",
        help: "Age in seconds of the oldest feed file waiting in the inbox (0 when none waits).")
    static let lastSuccess = MetricDefinition(
        name: "ordrecon_last_success_timestamp_seconds",
        help: "Unix time of the last successful run or watch pass (0 before the first).")
    static let runs = MetricDefinition(
        name: "ordrecon_runs_total",
        help: "Runs (ordrecon run) or passes (ordrecon watch) carried out, successful or not.")
    static let lastRunTimestamp = MetricDefinition(
        name: "ordrecon_last_run_timestamp_seconds",
        help: "Unix time at which the last ordrecon run ended, successful or not.")
    static let lastRunDuration = MetricDefinition(
        name: "ordrecon_last_run_duration_seconds",
        help: "Seconds the last ordrecon run took.")
    static let documentsUnrendered = MetricDefinition(
        name: "ordrecon_documents_unrendered",
        help: "Invoices and credit notes issued whose PDF is not written yet, by kind (invoice, credit_note).")
    static let invoicesIncomplete = MetricDefinition(
        name: "ordrecon_invoices_incomplete",
        help:
            "Invoices issued that lack an HSN code on a line, or (at 50,000 rupees or more, to a buyer without GSTIN) "
            + "the buyer's name, address or state; see ordrecon invoices --incomplete.")

    static let ingestLeader = MetricDefinition(
        name: "ordrecon_ingest_leader",
        help:
            "1 while this watch process leads ingestion (it holds the ingest lock), 0 while it stands by because "
            + "another node leads (PostgreSQL); refunds are sent either way.")

    // The binary.
    static let buildInfo = MetricDefinition(
        name: "ordrecon_build_info",
        help: "Always 1; the labels say which ordrecon this is (version, and the git commit or unknown).")
}
