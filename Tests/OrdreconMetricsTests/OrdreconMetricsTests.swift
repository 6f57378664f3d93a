import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconMetrics
import Testing

@Suite struct OrdreconMetricsTests {
    static let families: [String: String] = [
        "ordrecon_events_total": "counter",
        "ordrecon_rejections_total": "counter",
        "ordrecon_files_total": "counter",
        "ordrecon_files_resumed_total": "counter",
        "ordrecon_bytes_total": "counter",
        "ordrecon_file_processing_seconds": "histogram",
        "ordrecon_documents_rendered_total": "counter",
        "ordrecon_documents_failed_total": "counter",
        "ordrecon_document_bytes_total": "counter",
        "ordrecon_refund_requests_total": "counter",
        "ordrecon_gateway_request_seconds": "histogram",
        "ordrecon_gateway_unavailable": "gauge",
        "ordrecon_refunds": "gauge",
        "ordrecon_inbox_backlog_files": "gauge",
        "ordrecon_inbox_oldest_file_age_seconds": "gauge",
        "ordrecon_last_success_timestamp_seconds": "gauge",
        "ordrecon_runs_total": "counter",
        "ordrecon_documents_unrendered": "gauge",
        "ordrecon_invoices_incomplete": "gauge",
        "ordrecon_build_info": "gauge",
        "ordrecon_refund_attempts_total": "counter",
        "ordrecon_gateway_requests_in_flight": "gauge",
        "ordrecon_refund_oldest_pending_age_seconds": "gauge",
        "ordrecon_gateway_circuit": "gauge",
    ]
    static let fileBuckets = [
        "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0",
        "30.0", "60.0", "120.0", "300.0", "+Inf",
    ]
    static let gatewayBuckets = [
        "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0",
        "30.0", "+Inf",
    ]

    @Test func everyKnownSeriesIsThereAtZeroBeforeAnyRecord() throws {
        let metrics = OrdreconMetrics(feeds: ["shopify", "amazon", "shopify"])
        #expect(metrics.feeds == ["shopify", "amazon"])
        let text = metrics.exposition()
        let exposition = try Exposition(text)

        #expect(exposition.types == Self.families)
        for name in Self.families.keys { #expect(exposition.help[name]?.isEmpty == false, "\(name) has no HELP") }
        #expect(
            exposition.value(
                "ordrecon_build_info", ["version": BuildInfo.version, "commit": BuildInfo.gitCommit ?? "unknown"]) == 1)
        #expect(exposition.value("ordrecon_gateway_circuit", ["state": "closed"]) == 1)
        for sample in exposition.samples
        where sample.name != "ordrecon_build_info" && sample.labels != ["state": "closed"] {
            #expect(sample.value == 0, "\(sample.name) \(sample.labels)")
            #expect(exposition.types[exposition.family(of: sample.name)] != nil, "\(sample.name) is in no family")
        }
        for feed in ["shopify", "amazon"] {
            for outcome in ["applied", "duplicate", "rejected"] {
                #expect(exposition.value("ordrecon_events_total", ["feed": feed, "outcome": outcome]) == 0)
            }
            for code in ReasonCode.allCases {
                #expect(exposition.value("ordrecon_rejections_total", ["feed": feed, "code": code.rawValue]) == 0)
            }
            #expect(exposition.value("ordrecon_files_total", ["feed": feed, "result": "processed"]) == 0)
            #expect(exposition.value("ordrecon_files_total", ["feed": feed, "result": "refused"]) == 0)
            #expect(exposition.value("ordrecon_files_resumed_total", ["feed": feed]) == 0)
            #expect(exposition.value("ordrecon_bytes_total", ["feed": feed]) == 0)
            #expect(
                exposition.buckets("ordrecon_file_processing_seconds", ["feed": feed]).map(\.le) == Self.fileBuckets)
            #expect(exposition.value("ordrecon_file_processing_seconds_count", ["feed": feed]) == 0)
            #expect(exposition.value("ordrecon_file_processing_seconds_sum", ["feed": feed]) == 0)
        }
        #expect(exposition.buckets("ordrecon_gateway_request_seconds").map(\.le) == Self.gatewayBuckets)
        for kind in ["invoice", "credit_note"] {
            #expect(exposition.value("ordrecon_documents_rendered_total", ["kind": kind]) == 0)
        }
        for result in ["sent", "refused", "retried"] {
            #expect(exposition.value("ordrecon_refund_requests_total", ["result": result]) == 0)
        }
        for state in ["pending", "sent", "failed"] {
            #expect(exposition.value("ordrecon_refunds", ["state": state]) == 0)
        }
        for name in [
            "ordrecon_documents_failed_total", "ordrecon_document_bytes_total", "ordrecon_gateway_unavailable",
            "ordrecon_inbox_backlog_files", "ordrecon_inbox_oldest_file_age_seconds",
            "ordrecon_last_success_timestamp_seconds", "ordrecon_runs_total",
        ] {
            #expect(exposition.value(name) == 0, "\(name)")
        }
        for kind in AttemptClass.allCases {
            #expect(exposition.value("ordrecon_refund_attempts_total", ["class": kind.rawValue]) == 0)
        }
        // 2 feeds × (3 outcomes + 18 codes + 2 results + resumed + bytes + 18 buckets + sum + count),
        // then 2 kinds + failed + bytes + 3 results + 17 gateway histogram lines + 3 states + 4 gauges + runs,
        // 2 kinds unrendered + incomplete invoices + build info, 9 attempt classes + in flight + oldest pending + 3 circuit states.
        #expect(
            exposition.samples.count == 2 * (3 + ReasonCode.allCases.count + 2 + 1 + 1 + 18 + 2) + 2 + 1 + 1 + 3 + 17
                + 3 + 4 + 1 + 2 + 1 + 1
                + AttemptClass.allCases.count + 1 + 1 + 3)
    }

    @Test func refundDeliveryIsShownLiveAndByClass() throws {
        let metrics = OrdreconMetrics(feeds: [])
        var report = DispatchReport()
        report.attemptsByClass = ["accepted": 7, "conflict": 2, "server_error": 1]
        metrics.record(dispatch: report)
        metrics.record(dispatch: report)
        metrics.setRequestsInFlight(5)
        metrics.setOldestPendingRefund(Timestamp(milliseconds: 10_000), now: Timestamp(milliseconds: 75_500))
        metrics.setCircuit("half_open")
        let exposition = try Exposition(metrics.exposition())
        #expect(exposition.value("ordrecon_refund_attempts_total", ["class": "accepted"]) == 14)
        #expect(exposition.value("ordrecon_refund_attempts_total", ["class": "conflict"]) == 4)
        #expect(exposition.value("ordrecon_refund_attempts_total", ["class": "server_error"]) == 2)
        #expect(exposition.value("ordrecon_refund_attempts_total", ["class": "unauthorized"]) == 0)
        #expect(exposition.value("ordrecon_gateway_requests_in_flight") == 5)
        #expect(exposition.value("ordrecon_refund_oldest_pending_age_seconds") == 65.5)
        #expect(exposition.value("ordrecon_gateway_circuit", ["state": "half_open"]) == 1)
        #expect(exposition.value("ordrecon_gateway_circuit", ["state": "closed"]) == 0)
        metrics.setOldestPendingRefund(nil, now: Timestamp(milliseconds: 80_000))
        #expect(try Exposition(metrics.exposition()).value("ordrecon_refund_oldest_pending_age_seconds") == 0)
    }

    @Test func filesAreCountedByFeedOutcomeCodeAndResult() throws {
        let metrics = OrdreconMetrics(feeds: ["shopify", "amazon"])
        metrics.record(
            file: file(
                "shopify", applied: 7, duplicate: 2, rejected: 3, codes: ["unknown_order": 2, "malformed": 1],
                bytes: 1_000, seconds: 0.004))
        metrics.record(file: file("shopify", applied: 1, bytes: 200, seconds: 0.2, resumed: true))
        metrics.record(file: file("amazon", bytes: 50, seconds: 2, failure: Rejection(.badFile, "not UTF-8")))
        metrics.record(
            file: file("ebay", applied: 4, rejected: 1, codes: ["amount_mismatch": 1], bytes: 10, seconds: 400))
        let exposition = try Exposition(metrics.exposition())

        #expect(exposition.value("ordrecon_events_total", ["feed": "shopify", "outcome": "applied"]) == 8)
        #expect(exposition.value("ordrecon_events_total", ["feed": "shopify", "outcome": "duplicate"]) == 2)
        #expect(exposition.value("ordrecon_events_total", ["feed": "shopify", "outcome": "rejected"]) == 3)
        #expect(exposition.value("ordrecon_events_total", ["feed": "amazon", "outcome": "applied"]) == 0)
        #expect(exposition.value("ordrecon_events_total", ["feed": "ebay", "outcome": "applied"]) == 4)
        #expect(exposition.value("ordrecon_events_total", ["feed": "ebay", "outcome": "rejected"]) == 1)
        #expect(exposition.value("ordrecon_rejections_total", ["feed": "shopify", "code": "unknown_order"]) == 2)
        #expect(exposition.value("ordrecon_rejections_total", ["feed": "shopify", "code": "malformed"]) == 1)
        #expect(exposition.value("ordrecon_rejections_total", ["feed": "shopify", "code": "bad_file"]) == 0)
        #expect(exposition.value("ordrecon_rejections_total", ["feed": "amazon", "code": "bad_file"]) == 1)
        #expect(exposition.value("ordrecon_rejections_total", ["feed": "ebay", "code": "amount_mismatch"]) == 1)
        #expect(exposition.value("ordrecon_files_total", ["feed": "shopify", "result": "processed"]) == 2)
        #expect(exposition.value("ordrecon_files_total", ["feed": "shopify", "result": "refused"]) == 0)
        #expect(exposition.value("ordrecon_files_total", ["feed": "amazon", "result": "processed"]) == 0)
        #expect(exposition.value("ordrecon_files_total", ["feed": "amazon", "result": "refused"]) == 1)
        #expect(exposition.value("ordrecon_files_total", ["feed": "ebay", "result": "processed"]) == 1)
        #expect(exposition.value("ordrecon_files_resumed_total", ["feed": "shopify"]) == 1)
        #expect(exposition.value("ordrecon_files_resumed_total", ["feed": "amazon"]) == 0)
        #expect(exposition.value("ordrecon_bytes_total", ["feed": "shopify"]) == 1_200)
        #expect(exposition.value("ordrecon_bytes_total", ["feed": "amazon"]) == 50)
        #expect(exposition.value("ordrecon_bytes_total", ["feed": "ebay"]) == 10)

        // Buckets are cumulative; 0.004 s, 0.2 s for shopify, 2 s for amazon, 400 s (past the last bound) for ebay.
        let shopify = exposition.buckets("ordrecon_file_processing_seconds", ["feed": "shopify"])
        #expect(shopify.map(\.count) == [0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
        #expect(exposition.value("ordrecon_file_processing_seconds_count", ["feed": "shopify"]) == 2)
        #expect(exposition.value("ordrecon_file_processing_seconds_sum", ["feed": "shopify"]) == 0.204)
        let amazon = exposition.buckets("ordrecon_file_processing_seconds", ["feed": "amazon"])
        #expect(amazon.map(\.count) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(exposition.value("ordrecon_file_processing_seconds_sum", ["feed": "amazon"]) == 2)
        let ebay = exposition.buckets("ordrecon_file_processing_seconds", ["feed": "ebay"])
        #expect(ebay.map(\.count) == Array(repeating: 0, count: 17) + [1])
        #expect(exposition.value("ordrecon_file_processing_seconds_count", ["feed": "ebay"]) == 1)
        #expect(exposition.value("ordrecon_file_processing_seconds_sum", ["feed": "ebay"]) == 400)
    }

    @Test func documentsAndDispatchPassesAreRecorded() throws {
        let metrics = OrdreconMetrics(feeds: [])
        var documents = DocumentIssuer.Report()
        documents.invoices = 5
        documents.creditNotes = 2
        documents.failed = 1
        documents.bytes = 70_000
        metrics.record(documents: documents)
        metrics.record(documents: documents)

        var dispatch = DispatchReport()
        dispatch.sent = 3
        dispatch.failed = 1
        dispatch.retriedAttempts = 2
        dispatch.attempts = 6
        dispatch.attemptSeconds = [0.0005, 0.003, 0.12, 0.12, 1.5, 45]
        dispatch.gatewayUnavailable = true
        metrics.record(dispatch: dispatch)
        var exposition = try Exposition(metrics.exposition())

        #expect(exposition.value("ordrecon_documents_rendered_total", ["kind": "invoice"]) == 10)
        #expect(exposition.value("ordrecon_documents_rendered_total", ["kind": "credit_note"]) == 4)
        #expect(exposition.value("ordrecon_documents_failed_total") == 2)
        #expect(exposition.value("ordrecon_document_bytes_total") == 140_000)
        #expect(exposition.value("ordrecon_refund_requests_total", ["result": "sent"]) == 3)
        #expect(exposition.value("ordrecon_refund_requests_total", ["result": "refused"]) == 1)
        #expect(exposition.value("ordrecon_refund_requests_total", ["result": "retried"]) == 2)
        #expect(
            exposition.buckets("ordrecon_gateway_request_seconds").map(\.count) == [
                1, 1, 2, 2, 2, 2, 2, 4, 4, 4, 5, 5, 5, 5, 6,
            ])
        #expect(exposition.value("ordrecon_gateway_request_seconds_count") == 6)
        #expect(exposition.value("ordrecon_gateway_request_seconds_sum") == 46.7435)
        #expect(exposition.value("ordrecon_gateway_unavailable") == 1)

        // The next pass reaches the gateway again: the gauge goes back to 0, the counters add up.
        var next = DispatchReport()
        next.sent = 2
        next.attemptSeconds = [0.01, 0.02]
        metrics.record(dispatch: next)
        exposition = try Exposition(metrics.exposition())
        #expect(exposition.value("ordrecon_gateway_unavailable") == 0)
        #expect(exposition.value("ordrecon_refund_requests_total", ["result": "sent"]) == 5)
        #expect(exposition.value("ordrecon_gateway_request_seconds_count") == 8)
    }

    @Test func gaugesHoldTheLastValueSet() throws {
        let metrics = OrdreconMetrics(feeds: ["shopify"])
        metrics.setRefunds([.pending: 4, .sent: 120])
        metrics.setInbox(backlog: 3, oldestAgeSeconds: 42.5)
        metrics.markSuccess(at: Timestamp(milliseconds: 1_767_225_600_123))
        metrics.markRun()
        metrics.markRun()
        var exposition = try Exposition(metrics.exposition())
        #expect(exposition.value("ordrecon_refunds", ["state": "pending"]) == 4)
        #expect(exposition.value("ordrecon_refunds", ["state": "sent"]) == 120)
        #expect(exposition.value("ordrecon_refunds", ["state": "failed"]) == 0)
        #expect(exposition.value("ordrecon_inbox_backlog_files") == 3)
        #expect(exposition.value("ordrecon_inbox_oldest_file_age_seconds") == 42.5)
        #expect(exposition.value("ordrecon_last_success_timestamp_seconds") == 1_767_225_600.123)
        #expect(exposition.value("ordrecon_runs_total") == 2)

        metrics.setRefunds([.sent: 124, .failed: 1])
        metrics.setInbox(backlog: 0, oldestAgeSeconds: 0)
        exposition = try Exposition(metrics.exposition())
        #expect(exposition.value("ordrecon_refunds", ["state": "pending"]) == 0)
        #expect(exposition.value("ordrecon_refunds", ["state": "sent"]) == 124)
        #expect(exposition.value("ordrecon_refunds", ["state": "failed"]) == 1)
        #expect(exposition.value("ordrecon_inbox_backlog_files") == 0)
        #expect(exposition.value("ordrecon_inbox_oldest_file_age_seconds") == 0)
    }

    @Test func aRunIsRecordedWithItsFilesDocumentsAndDispatch() throws {
        let metrics = OrdreconMetrics(feeds: ["shopify"])
        var run = RunSummary()
        run.files = [
            file("shopify", applied: 2, bytes: 10, seconds: 0.01),
            file("shopify", applied: 3, bytes: 20, seconds: 0.02),
        ]
        var documents = DocumentIssuer.Report()
        documents.invoices = 2
        run.documents = documents
        var dispatch = DispatchReport()
        dispatch.sent = 1
        dispatch.attemptSeconds = [0.05]
        run.refundDelivery = dispatch
        metrics.record(run: run)
        let exposition = try Exposition(metrics.exposition())
        #expect(exposition.value("ordrecon_runs_total") == 1)
        #expect(exposition.value("ordrecon_events_total", ["feed": "shopify", "outcome": "applied"]) == 5)
        #expect(exposition.value("ordrecon_files_total", ["feed": "shopify", "result": "processed"]) == 2)
        #expect(exposition.value("ordrecon_file_processing_seconds_sum", ["feed": "shopify"]) == 0.03)
        #expect(exposition.value("ordrecon_documents_rendered_total", ["kind": "invoice"]) == 2)
        #expect(exposition.value("ordrecon_refund_requests_total", ["result": "sent"]) == 1)
        #expect(exposition.value("ordrecon_gateway_request_seconds_count") == 1)
    }

    @Test func labelValuesAreEscaped() throws {
        let feed = #"a"b\c"#
        let code = "x\"y\\z\nnext"
        let metrics = OrdreconMetrics(feeds: [feed])
        metrics.record(file: file(feed, rejected: 2, codes: [code: 2], bytes: 1, seconds: 0.5))
        let text = metrics.exposition()
        #expect(text.contains(#"ordrecon_events_total{feed="a\"b\\c",outcome="rejected"} 2"#))
        #expect(text.contains(#"ordrecon_rejections_total{feed="a\"b\\c",code="x\"y\\z\nnext"} 2"#))
        #expect(text.contains(#"ordrecon_file_processing_seconds_bucket{feed="a\"b\\c",le="0.5"} 1"#))
        let exposition = try Exposition(text)
        #expect(exposition.value("ordrecon_rejections_total", ["feed": feed, "code": code]) == 2)
        #expect(exposition.value("ordrecon_bytes_total", ["feed": feed]) == 1)
        #expect(exposition.value("ordrecon_file_processing_seconds_count", ["feed": feed]) == 1)
    }

    @Test func theExpositionIsSortedAndStable() throws {
        let metrics = OrdreconMetrics(feeds: ["zeta", "alpha", "mu"])
        metrics.record(file: file("beta", applied: 1, bytes: 1, seconds: 0.1))
        let text = metrics.exposition()
        #expect(text == metrics.exposition())
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        let helpNames = lines.filter { $0.hasPrefix("# HELP ") }.map { String($0.split(separator: " ")[2]) }
        #expect(helpNames == helpNames.sorted())
        #expect(helpNames.count == Self.families.count)
        let events = lines.filter { $0.hasPrefix("ordrecon_events_total{") }
        #expect(
            events.map { $0.split(separator: ",")[0] }
                == ["alpha", "beta", "mu", "zeta"].flatMap {
                    Array(repeating: "ordrecon_events_total{feed=\"\($0)\"", count: 3)
                })
        // A histogram's lines stay together: its buckets in order, then _sum and _count.
        let alpha = lines.filter { $0.hasPrefix("ordrecon_file_processing_seconds") && $0.contains("feed=\"alpha\"") }
        #expect(alpha.count == 20)
        #expect(
            alpha[17].contains("le=\"+Inf\"") && alpha[18].hasPrefix("ordrecon_file_processing_seconds_sum")
                && alpha[19].hasPrefix("ordrecon_file_processing_seconds_count"))
        #expect(OrdreconMetrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func instancesDoNotShareSeries() throws {
        let first = OrdreconMetrics(feeds: ["shopify"])
        let second = OrdreconMetrics(feeds: ["shopify"])
        first.record(file: file("shopify", applied: 9, bytes: 1, seconds: 0.1))
        first.markRun()
        let exposition = try Exposition(second.exposition())
        #expect(exposition.value("ordrecon_events_total", ["feed": "shopify", "outcome": "applied"]) == 0)
        #expect(exposition.value("ordrecon_runs_total") == 0)
    }

    @Test func recordingFromEightThreadsLosesNothing() throws {
        let metrics = OrdreconMetrics(feeds: ["alpha", "beta"])
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            Thread {
                for index in 0..<1_000 {
                    let feed = thread % 2 == 0 ? "alpha" : "beta"
                    if index % 10 == 0 {
                        metrics.record(
                            file: self.file(feed, bytes: 512, seconds: 0.002, failure: Rejection(.badFile, "bad")))
                    } else {
                        metrics.record(
                            file: self.file(
                                feed, applied: 3, duplicate: 1, rejected: 2, codes: ["unknown_order": 2], bytes: 512,
                                seconds: 0.002))
                    }
                    if index % 100 == 0 { _ = metrics.exposition() }
                }
                group.leave()
            }.start()
        }
        group.wait()
        let exposition = try Exposition(metrics.exposition())
        for feed in ["alpha", "beta"] {
            // 4 threads × 1000 files per feed, one in ten refused as a whole.
            #expect(exposition.value("ordrecon_events_total", ["feed": feed, "outcome": "applied"]) == 10_800)
            #expect(exposition.value("ordrecon_events_total", ["feed": feed, "outcome": "duplicate"]) == 3_600)
            #expect(exposition.value("ordrecon_events_total", ["feed": feed, "outcome": "rejected"]) == 7_200)
            #expect(exposition.value("ordrecon_rejections_total", ["feed": feed, "code": "unknown_order"]) == 7_200)
            #expect(exposition.value("ordrecon_rejections_total", ["feed": feed, "code": "bad_file"]) == 400)
            #expect(exposition.value("ordrecon_files_total", ["feed": feed, "result": "processed"]) == 3_600)
            #expect(exposition.value("ordrecon_files_total", ["feed": feed, "result": "refused"]) == 400)
            #expect(exposition.value("ordrecon_bytes_total", ["feed": feed]) == 2_048_000)
            #expect(exposition.value("ordrecon_file_processing_seconds_count", ["feed": feed]) == 4_000)
            #expect(exposition.value("ordrecon_file_processing_seconds_sum", ["feed": feed]) == 8)
            #expect(
                exposition.buckets("ordrecon_file_processing_seconds", ["feed": feed]).map(\.count)
                    == [0] + Array(repeating: 4_000, count: 17))
        }
    }

    // MARK: Helpers

    func file(
        _ feed: String, applied: Int = 0, duplicate: Int = 0, rejected: Int = 0, codes: [String: Int] = [:],
        bytes: Int, seconds: Double, failure: Rejection? = nil, resumed: Bool = false
    ) -> FileSummary {
        var summary = FileSummary(feed: feed, name: "file.csv")
        summary.applied = applied
        summary.duplicate = duplicate
        summary.rejected = rejected
        summary.events = applied + duplicate + rejected
        summary.rejectedByCode = codes
        summary.bytes = bytes
        summary.seconds = seconds
        summary.failure = failure
        summary.resumed = resumed
        return summary
    }

    func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "ordrecon-metrics-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }
}
