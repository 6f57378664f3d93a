import Foundation
import OrdreconCore
import OrdreconGateway
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TLS to the payment gateway against a real HTTPS server on 127.0.0.1: a throw-away CA and
/// server certificates made with the `openssl` command line, served by Python's `http.server`
/// wrapped in `ssl.SSLContext`. Proves that libcurl verifies the peer (the system store does
/// not know the CA) and the host name (a valid certificate for another name is refused), and
/// that `HTTPClientSettings.caBundlePath` and `[gateway] ca_bundle` choose what is trusted.
///
/// Needs `openssl` and `python3` (scripts/install-deps.sh installs both).
@Suite(.runsPrograms)
struct GatewayTLSTests {
    static let refundBody = Array(#"{"refund_id":"RF-TLS-1","amount":9900,"currency":"INR"}"#.utf8)

    // MARK: - The libcurl client

    /// (a) The throw-away CA is in no system store: without a CA bundle the handshake fails
    /// as `.tls` (curl 60), the client aborts it with an `unknown ca` alert, and no request
    /// reaches the server.
    @Test func withoutTheCABundleTheServerIsNotTrusted() async throws {
        try await withPKI { pki in
            let server = try await HTTPSServer(
                certificate: try await pki.serverCertificate(
                    "ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"))
            defer { server.stop() }
            let result = try await post(HTTPClientSettings(), to: server.url(host: "127.0.0.1") + "/refunds")
            let error = try #require(Self.failure(result), "expected a TLS failure, got \(result)")
            #expect(error.kind == .tls, "\(error)")
            #expect(error.curlCode == 60, "\(error)")  // CURLE_PEER_FAILED_VERIFICATION
            #expect(error.message.contains("unable to get local issuer certificate"), "\(error)")
            let log = await server.stopAndReadLog(waitingFor: "unknown ca")
            #expect(!log.contains("request "), "a request reached the server: \(log)")
            #expect(log.lowercased().contains("unknown ca"), "the server saw: \(log)")
        }
    }

    /// (b) The same server with the CA as the bundle: 201 and the body, by IP and by name.
    @Test func withTheCABundleTheRefundIsAccepted() async throws {
        try await withPKI { pki in
            let server = try await HTTPSServer(
                certificate: try await pki.serverCertificate(
                    "ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"))
            defer { server.stop() }
            let settings = HTTPClientSettings(caBundlePath: pki.caFile)
            let response = try await post(settings, to: server.url(host: "127.0.0.1") + "/refunds").get()
            #expect(response.status == 201)
            #expect(response.bodyText == #"{"id":"gw_tls_1","status":"accepted"}"#)
            #expect(response.header("content-type") == "application/json")
            let byName = try await post(settings, to: server.url(host: "localhost") + "/refunds").get()
            #expect(byName.status == 201)
            let log = await server.stopAndReadLog()
            #expect(
                log.components(separatedBy: "request POST /refunds key=RF-TLS-1 -> 201").count - 1 == 2,
                "the server saw: \(log)")
            #expect(!log.contains("handshake failed"), "the server saw: \(log)")
        }
    }

    /// (c) Host name verification: a certificate from the trusted CA whose only name is
    /// `localhost` is accepted as `https://localhost` and refused as `https://127.0.0.1`
    /// (`.tls`, curl 60), so the refusal is about the name alone.
    @Test func aCertificateForAnotherNameIsRefused() async throws {
        try await withPKI { pki in
            let server = try await HTTPSServer(
                certificate: try await pki.serverCertificate("localhost-only", subjectAltName: "DNS:localhost"))
            defer { server.stop() }
            let settings = HTTPClientSettings(caBundlePath: pki.caFile)
            let byName = try await post(settings, to: server.url(host: "localhost") + "/refunds").get()
            #expect(byName.status == 201)
            let result = try await post(settings, to: server.url(host: "127.0.0.1") + "/refunds")
            let error = try #require(Self.failure(result), "expected a host name failure, got \(result)")
            #expect(error.kind == .tls, "\(error)")
            #expect(error.curlCode == 60, "\(error)")
            #expect(
                error.message.contains("no alternative certificate subject name matches target host name '127.0.0.1'"),
                "\(error)")
            let log = await server.stopAndReadLog()
            // libcurl checks the name after the handshake: the server sees one request (the
            // one by name) and no handshake failure.
            #expect(log.components(separatedBy: "request POST").count - 1 == 1, "the server saw: \(log)")
            #expect(!log.contains("handshake failed"), "the server saw: \(log)")
        }
    }

    /// (d) A CA bundle that does not exist: the client is still created (libcurl only keeps the
    /// path), and the first request fails before anything is sent: `.tls`, curl 77
    /// (CURLE_SSL_CACERT_BADFILE, "error setting certificate file: <path>").
    @Test func aMissingCABundleFailsTheRequest() async throws {
        try await withPKI { pki in
            let server = try await HTTPSServer(
                certificate: try await pki.serverCertificate(
                    "ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"))
            defer { server.stop() }
            let missing = pki.directory + "/no-such-ca.pem"
            let result = try await post(
                HTTPClientSettings(caBundlePath: missing), to: server.url(host: "127.0.0.1") + "/refunds")
            let error = try #require(Self.failure(result), "expected a failure, got \(result)")
            #expect(error.kind == .tls, "\(error)")
            #expect(error.curlCode == 77, "\(error)")  // CURLE_SSL_CACERT_BADFILE
            #expect(error.message.contains(missing), "\(error)")
            let log = await server.stopAndReadLog()
            #expect(!log.contains("request "), "a request reached the server: \(log)")
        }
    }

    // MARK: - End to end: `ordrecon run` with `[gateway] ca_bundle`

    /// A workspace whose gateway is the HTTPS server and whose `ca_bundle` (relative to the
    /// workspace) is the CA: the run sends the refund and exits 0.
    @Test func runWithTheCABundleSendsTheRefund() async throws {
        try await withPKI { pki in
            let server = try await HTTPSServer(
                certificate: try await pki.serverCertificate(
                    "ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"))
            defer { server.stop() }
            let ws = try TestWorkspace()
            defer { ws.remove() }
            try FileManager.default.copyItem(atPath: pki.caFile, toPath: ws.root + "/config/gateway-ca.pem")
            try ws.pointGateway(at: server.url(host: "127.0.0.1"), caBundle: "config/gateway-ca.pem")
            try Self.dropCancelledOrder(ws)
            let run = try await ws.run(["run"])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("Refunds: 1 sent, 0 refused by the gateway, 0 pending"), "\(run.stdout)")
            #expect(
                try ws.query("SELECT refund_id, status, gateway_refund_id FROM refunds") == [
                    ["RF.O1.C", "sent", "gw_tls_1"]
                ])
            #expect(try Self.attempts(ws) == ["sent:201:-"])
            let log = await server.stopAndReadLog()
            #expect(
                log.components(separatedBy: "request POST /refunds key=RF.O1.C -> 201").count - 1 == 1,
                "the server saw: \(log)")
        }
    }

    /// Without `ca_bundle` the same run cannot verify the gateway: every attempt fails as
    /// `tls`, the refund stays pending and the run exits 75. Setting `ca_bundle` (absolute
    /// this time) lets the next run send it with the same key.
    @Test func runWithoutTheCABundleLeavesTheRefundPendingAsTLS() async throws {
        try await withPKI { pki in
            let server = try await HTTPSServer(
                certificate: try await pki.serverCertificate(
                    "ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"))
            defer { server.stop() }
            let ws = try TestWorkspace()
            defer { ws.remove() }
            try ws.pointGateway(at: server.url(host: "127.0.0.1"), maxAttempts: 2)
            try Self.dropCancelledOrder(ws)
            let run = try await ws.run(["run"])
            #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("0 sent, 0 refused by the gateway, 1 pending"), "\(run.stdout)")
            #expect(run.stdout.contains("tls"), "\(run.stdout)")
            #expect(try ws.query("SELECT status FROM refunds") == [["pending"]])
            #expect(try Self.attempts(ws) == ["retry:-:tls", "retry:-:tls"])
            #expect(try ws.query("SELECT DISTINCT error_code FROM refund_attempts") == [["60"]])
            let message = try ws.query("SELECT message FROM refund_attempts WHERE attempt = 1").first?.first ?? nil
            #expect(message?.contains("unable to get local issuer certificate") == true, "\(message ?? "no message")")

            try ws.pointGateway(at: server.url(host: "127.0.0.1"), caBundle: pki.caFile)
            // The refund waits up to backoff_max_ms (200) after its last attempt; a next run
            // started sooner rightly leaves it for later, so this one starts once it is due.
            if let due = try ws.query("SELECT next_attempt_at FROM refunds").first?.first ?? nil,
                let milliseconds = Double(due)
            {
                let wait = milliseconds / 1000 - Date().timeIntervalSince1970
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1)) }
            }
            let again = try await ws.run(["run"])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            #expect(try ws.query("SELECT status, gateway_refund_id FROM refunds") == [["sent", "gw_tls_1"]])
            #expect(try Self.attempts(ws) == ["retry:-:tls", "retry:-:tls", "sent:201:-"])
            let log = await server.stopAndReadLog()
            #expect(log.components(separatedBy: "request POST").count - 1 == 1, "the server saw: \(log)")
            #expect(log.components(separatedBy: "handshake failed").count - 1 == 2, "the server saw: \(log)")
        }
    }

    // MARK: - Helpers

    /// One order of 99.00, paid and cancelled: refund `RF.O1.C` (as in RefundDispatchTests).
    static func dropCancelledOrder(_ ws: TestWorkspace) throws {
        try ws.drop(
            "storefront", "orders.csv",
            """
            event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
            S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,SKU-A,2,49.50

            """, order: 1)
        try ws.drop(
            "payments", "payments.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            P1,order,O1,PAID,2026-01-01T10:05:00+05:30,99.00,PAY-1

            """, order: 2)
        try ws.drop(
            "storefront", "cancels.csv",
            """
            event_id,entity,order_id,status,occurred_at,reason
            X1,order,O1,CANCELLED,2026-01-01T11:00:00+05:30,customer asked

            """, order: 3)
    }

    /// `outcome:http_status:error_kind` of each attempt of `RF.O1.C`, in order.
    static func attempts(_ ws: TestWorkspace) throws -> [String] {
        try ws.query(
            "SELECT outcome, http_status, error_kind FROM refund_attempts WHERE refund_id = 'RF.O1.C' ORDER BY attempt"
        )
        .map { "\($0[0] ?? "-"):\($0[1] ?? "-"):\($0[2] ?? "-")" }
    }

    static func failure(_ result: Result<OrdreconCore.HTTPResponse, HTTPTransportError>) -> HTTPTransportError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// POSTs the refund body with a fresh client (libcurl blocks: on a thread of its own).
    private func post(_ settings: HTTPClientSettings, to url: String) async throws -> Result<
        OrdreconCore.HTTPResponse, HTTPTransportError
    > {
        var quick = settings
        quick.connectTimeoutMilliseconds = 3000
        quick.totalTimeoutMilliseconds = 5000
        let chosen = quick
        return try await onOwnThread {
            try CurlHTTPClient(settings: chosen).post(
                url: url,
                headers: [
                    (name: "Content-Type", value: "application/json"), (name: "Idempotency-Key", value: "RF-TLS-1"),
                ],
                body: Self.refundBody)
        }
    }

    /// Makes a temporary folder with a throw-away CA, runs `body`, and always removes it.
    private func withPKI(_ body: (ThrowAwayPKI) async throws -> Void) async throws {
        let pki = try await ThrowAwayPKI()
        defer { pki.remove() }
        try await body(pki)
    }
}
