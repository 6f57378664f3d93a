extension Configuration {
    /// A complete, commented `config/ordrecon.toml` with every key at its default.
    ///
    /// `ordrecon init` writes it; the repository's own `config/ordrecon.toml` is this text.
    /// Loading it gives exactly ``defaults(workspaceRoot:)``.
    public static let defaultFileText = #"""
        # ordrecon configuration.
        #
        # Every key is shown at its default; a key left out takes its default. Unknown keys and
        # tables are errors, so a typo never passes silently. Relative paths are taken from the
        # folder that holds config/, so a copied workspace runs from anywhere.

        # Time zone (IANA name) of feed times written without an offset, and of times shown to people.
        timezone = "Asia/Kolkata"

        [paths]
        # Partners drop files into <inbox>/<feed>/.
        inbox = "inbox"
        # Input files once fully processed, per feed (ordrecon never deletes them).
        archive = "archive"
        # Input files that could not be read at all, per feed, each with a reason beside it.
        failed = "failed"
        # Refund request bodies (refunds/) and rejected rows (rejections/<feed>/).
        outbox = "outbox"
        # GST tax invoices (PDF).
        invoices = "invoices"
        # The SQLite database: state, history, audit log, refund outbox.
        database = "var/ordrecon.sqlite"

        [gateway]
        # Payment gateway; refunds are sent as POST <base_url>/refunds.
        base_url = "http://127.0.0.1:8099"
        # Bearer token for the gateway ("" = none). The environment variable ORDRECON_GATEWAY_TOKEN,
        # when set, wins; prefer it, so the secret stays out of this file. Never logged.
        token = ""
        # PEM file of certificate authorities to trust for https ("" = the system's). TLS is always verified.
        ca_bundle = ""
        # Time allowed to connect, and for a whole request (milliseconds).
        connect_timeout_ms = 3000
        timeout_ms = 10000
        # Each refund has its own schedule. After 408, 409, 425, 429, 5xx or no answer, its next
        # attempt waits the gateway's Retry-After, else a random time up to backoff_initial_ms,
        # doubling with each attempt up to backoff_max_ms; the time is stored, so it holds across
        # restarts. A pass tries one refund at most max_attempts times (1...100) and waits at most
        # backoff_max_ms for its next attempt; then the refund is left pending for a later pass.
        # Other refunds go on meanwhile: one refund that keeps failing never holds up another.
        max_attempts = 5
        backoff_initial_ms = 250
        backoff_max_ms = 10000
        # Refund requests in flight at once (1...256), over kept-alive connections.
        concurrency = 16
        # The most requests started in any second (0 = no limit); set it to the gateway's rate limit.
        max_requests_per_second = 0
        # A refund the gateway has not accepted this many hours (1...8760) after it was recorded (or
        # queued again with `ordrecon refunds retry`) becomes failed at its next unsuccessful attempt.
        give_up_after_hours = 72

        [seller]
        # The supplier printed on tax invoices and credit notes (CGST Rules, rule 46). The state
        # (two-letter code) must be the GSTIN's (its first two digits); orders shipped to the same
        # state are taxed CGST + SGST, others IGST. Replace these sample values with your own.
        name = "Ordrecon Demo Retail Pvt. Ltd."
        address = ["No. 12, 4th Cross, Indiranagar", "Bengaluru 560038, Karnataka, India"]
        gstin = "29AAACO1234R1Z3"
        state = "KA"

        [returns]
        # A return may be requested at most this many days after delivery (0...3650).
        window_days = 30

        [invoicing]
        # GST percent for items whose event gives no gst_rate (0 to 100, at most 2 decimals, e.g. 12.5).
        default_gst_rate = 18
        # Write the PDFs of new tax invoices and credit notes (under paths.invoices) at the end of
        # each run. false leaves them to `ordrecon invoices render --missing` (e.g. its own cron job);
        # their numbers are taken either way, in the transaction of the transition.
        write_pdfs = true

        [engine]
        # Events handled per batch (1...1000000).
        batch_size = 5000

        [watch]
        # `ordrecon watch`: inotify tells when a file is renamed into the inbox or closed after
        # writing; poll = true looks every second instead (network file systems). A file written in
        # place counts as ready once its size and time have not changed for settle_ms. The whole
        # inbox is looked at every rescan_seconds as well.
        poll = false
        settle_ms = 2000
        rescan_seconds = 30
        # /metrics (Prometheus) and /healthz on <metrics_address>:<metrics_port>; port 0 = none. The
        # address is an IP literal: "127.0.0.1" (this host only), "0.0.0.0" (every IPv4 address), "::".
        metrics_port = 0
        metrics_address = "127.0.0.1"

        [logging]
        # Log lines on standard error: logfmt, json (JSON Lines) or text (for a terminal); level:
        # trace, debug, info, notice, warning, error, critical. ORDRECON_LOG_FORMAT and
        # ORDRECON_LOG_LEVEL override both.
        format = "logfmt"
        level = "info"

        [reports]
        # Run reports (HTML and JSON) in outbox/reports/. `run` writes one per run that touched a file;
        # `watch` one per period covering all its passes: once watch_every_minutes have passed since
        # the period's first file, or watch_every_files files are done, whichever comes first, and when
        # it stops. Reports older than keep_days are deleted (0 keeps them all).
        watch_every_minutes = 60
        watch_every_files = 1000
        keep_days = 90

        # Feeds: one inbox folder per feed; each feed may send only the listed "entity:STATUS" pairs
        # (entity order or return; matched case-insensitively).
        # Without any [feeds.*] table these five apply. Once one is listed, exactly the listed feeds
        # exist; one of these five listed without `allow` keeps the list shown here.

        [feeds.storefront]
        allow = ["order:PENDING_PAYMENT", "order:CANCELLED", "return:REQUESTED"]

        [feeds.payments]
        allow = ["order:PAID"]

        [feeds.warehouse]
        allow = ["order:PROCESSING_IN_WAREHOUSE", "order:SHIPPED", "return:RECEIVED"]

        [feeds.carrier]
        allow = ["order:DELIVERED", "return:IN_TRANSIT"]

        [feeds.returns-desk]
        allow = ["return:APPROVED", "return:REJECTED", "return:COMPLETED"]

        """#
}
