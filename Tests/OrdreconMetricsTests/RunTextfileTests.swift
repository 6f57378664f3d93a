import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconMetrics
import Testing

/// `RunTextfile`: the `run --metrics-file` exposition, from totals kept in the database.
@Suite struct RunTextfileTests {
    /// Totals as `Store.totals` would count them for these gateway request times (milliseconds).
    static func totals(gatewayMilliseconds: [Int64]) -> StoreTotals {
        var totals = StoreTotals(gatewayBounds: RunTextfile.gatewayBounds)
        totals.gatewaySeconds.count = gatewayMilliseconds.count
        totals.gatewaySeconds.sumMilliseconds = gatewayMilliseconds.reduce(0, +)
        totals.gatewaySeconds.cumulativeCounts = RunTextfile.gatewayBounds.map { bound in
            gatewayMilliseconds.filter { Double($0) <= bound }.count
        }
        return totals
    }

    /// The lines of one family, without its HELP and TYPE.
    static func lines(_ text: String, _ family: String) -> [Substring] {
        text.split(separator: "\n").filter {
            $0.hasPrefix(family + "_") || $0.hasPrefix(family + "{") || $0.hasPrefix(family + " ")
        }
    }

    @Test func aHistogramFromTotalsReadsExactlyAsTheDaemonsRecordedOne() throws {
        let milliseconds: [Int64] = [1, 3, 200, 1000, 45_000]
        let daemon = OrdreconMetrics(feeds: ["storefront"])
        var report = DispatchReport()
        report.attemptSeconds = milliseconds.map { Double($0) / 1000 }
        daemon.record(dispatch: report)
        let file = RunTextfile(
            feeds: ["storefront"], totals: Self.totals(gatewayMilliseconds: milliseconds),
            finishedAt: Timestamp(milliseconds: 0))
        let recorded = Self.lines(daemon.exposition(), "ordrecon_gateway_request_seconds")
        #expect(recorded.count == 17)
        #expect(Self.lines(file.exposition(), "ordrecon_gateway_request_seconds") == recorded)
        #expect(recorded.contains("ordrecon_gateway_request_seconds_sum 46.204"))
        #expect(recorded.contains("ordrecon_gateway_request_seconds_bucket{le=\"0.001\"} 1"))
    }

    @Test func theFamiliesAreTheDaemonsLessWhatNoTableKeepsPlusTheLastRun() throws {
        let daemon = Exposition.familyNames(OrdreconMetrics(feeds: ["a"]).exposition())
        var file = RunTextfile(
            feeds: ["a"], totals: Self.totals(gatewayMilliseconds: []), finishedAt: Timestamp(milliseconds: 1_000_500))
        file.seconds = 2.5
        let text = file.exposition()
        let names = Exposition.familyNames(text)
        #expect(
            names
                == daemon.subtracting([
                    "ordrecon_documents_failed_total", "ordrecon_document_bytes_total",
                    "ordrecon_gateway_requests_in_flight",
                    "ordrecon_gateway_circuit",
                ])
                .union(["ordrecon_last_run_timestamp_seconds", "ordrecon_last_run_duration_seconds"]))
        #expect(text.contains("\nordrecon_last_run_timestamp_seconds 1000.5\n"))
        #expect(text.contains("\nordrecon_last_run_duration_seconds 2.5\n"))
        #expect(
            text.contains(
                "ordrecon_build_info{version=\"\(BuildInfo.version)\",commit=\"\(BuildInfo.gitCommit ?? "unknown")\"} 1"
            ))
        // Families sorted, as the daemon writes them.
        let help = text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] }
        #expect(help == help.sorted())
    }

    @Test func totalsArePassedOnAndFeedsOfTheDatabaseAppearBesideTheConfiguredOnes() throws {
        var totals = Self.totals(gatewayMilliseconds: [])
        var storefront = StoreTotals.Feed(bounds: RunTextfile.fileBounds)
        storefront.applied = 7
        storefront.processedFiles = 2
        storefront.fileSeconds.count = 2
        storefront.fileSeconds.sumMilliseconds = 1500
        storefront.fileSeconds.cumulativeCounts = RunTextfile.fileBounds.map { $0 >= 1000 ? 1 : 0 }
        totals.feeds["storefront"] = storefront
        totals.rejections["old-feed"] = ["bad_file": 3]
        totals.runs = 41
        totals.incompleteInvoices = 3
        let text = RunTextfile(feeds: ["storefront"], totals: totals, finishedAt: Timestamp(milliseconds: 0))
            .exposition()
        #expect(text.contains("ordrecon_events_total{feed=\"storefront\",outcome=\"applied\"} 7\n"))
        #expect(text.contains("ordrecon_rejections_total{feed=\"old-feed\",code=\"bad_file\"} 3\n"))
        #expect(text.contains("ordrecon_runs_total 41\n"))
        #expect(text.contains("ordrecon_invoices_incomplete 3.0\n"))
        #expect(text.contains("ordrecon_file_processing_seconds_bucket{feed=\"storefront\",le=\"1.0\"} 1\n"))
        #expect(text.contains("ordrecon_file_processing_seconds_bucket{feed=\"storefront\",le=\"+Inf\"} 2\n"))
        #expect(text.contains("ordrecon_file_processing_seconds_sum{feed=\"storefront\"} 1.5\n"))
    }

    @Test func withoutTotalsTheCountersAreLeftOutNotShownAsZero() throws {
        let text = RunTextfile(feeds: ["a"], totals: nil, finishedAt: Timestamp(milliseconds: 0)).exposition()
        #expect(!text.contains("_total"))
        #expect(!text.contains("_bucket"))
        #expect(text.contains("ordrecon_last_run_timestamp_seconds"))
        #expect(text.contains("ordrecon_build_info"))
    }
}

extension Exposition {
    static func familyNames(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
    }
}
