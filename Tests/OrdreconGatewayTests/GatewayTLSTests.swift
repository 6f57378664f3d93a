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
@Suite(.serialized)
struct GatewayTLSTests {
    static let refundBody = Array(#"{"refund_id":"RF-TLS-1","amount":9900,"currency":"INR"}"#.utf8)

    // MARK: - The libcurl client

    /// (a) The throw-away CA is in no system store: without a CA bundle the handshake fails
    /// as `.tls` (curl 60), the client aborts it with an `unknown ca` alert, and no request
    /// reaches the server.
    @Test func withoutTheCABundleTheServerIsNotTrusted() throws {
        try withPKI { pki in
            let server = try HTTPSServer(certificate: try pki.serverCertificate("ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"), directory: pki.directory)
            defer { server.stop() }
            let result = try post(HTTPClientSettings(), to: server.url(host: "127.0.0.1") + "/refunds")
            let error = try #require(Self.failure(result), "expected a TLS failure, got \(result)")
            #expect(error.kind == .tls, "\(error)")
            #expect(error.curlCode == 60, "\(error)")  // CURLE_PEER_FAILED_VERIFICATION
            #expect(error.message.contains("unable to get local issuer certificate"), "\(error)")
            let log = server.stopAndReadLog(waitingFor: "unknown ca")
            #expect(!log.contains("request "), "a request reached the server: \(log)")
            #expect(log.lowercased().contains("unknown ca"), "the server saw: \(log)")
        }
    }

    /// (b) The same server with the CA as the bundle: 201 and the body, by IP and by name.
    @Test func withTheCABundleTheRefundIsAccepted() throws {
        try withPKI { pki in
            let server = try HTTPSServer(certificate: try pki.serverCertificate("ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"), directory: pki.directory)
            defer { server.stop() }
            let settings = HTTPClientSettings(caBundlePath: pki.caFile)
            let response = try post(settings, to: server.url(host: "127.0.0.1") + "/refunds").get()
            #expect(response.status == 201)
            #expect(response.bodyText == #"{"id":"gw_tls_1","status":"accepted"}"#)
            #expect(response.header("content-type") == "application/json")
            let byName = try post(settings, to: server.url(host: "localhost") + "/refunds").get()
            #expect(byName.status == 201)
            let log = server.stopAndReadLog()
            #expect(log.components(separatedBy: "request POST /refunds key=RF-TLS-1 -> 201").count - 1 == 2, "the server saw: \(log)")
            #expect(!log.contains("handshake failed"), "the server saw: \(log)")
        }
    }

    /// (c) Host name verification: a certificate from the trusted CA whose only name is
    /// `localhost` is accepted as `https://localhost` and refused as `https://127.0.0.1`
    /// (`.tls`, curl 60), so the refusal is about the name alone.
    @Test func aCertificateForAnotherNameIsRefused() throws {
        try withPKI { pki in
            let server = try HTTPSServer(certificate: try pki.serverCertificate("localhost-only", subjectAltName: "DNS:localhost"), directory: pki.directory)
            defer { server.stop() }
            let settings = HTTPClientSettings(caBundlePath: pki.caFile)
            let byName = try post(settings, to: server.url(host: "localhost") + "/refunds").get()
            #expect(byName.status == 201)
            let result = try post(settings, to: server.url(host: "127.0.0.1") + "/refunds")
            let error = try #require(Self.failure(result), "expected a host name failure, got \(result)")
            #expect(error.kind == .tls, "\(error)")
            #expect(error.curlCode == 60, "\(error)")
            #expect(error.message.contains("no alternative certificate subject name matches target host name '127.0.0.1'"), "\(error)")
            let log = server.stopAndReadLog()
            // libcurl checks the name after the handshake: the server sees one request (the
            // one by name) and no handshake failure.
            #expect(log.components(separatedBy: "request POST").count - 1 == 1, "the server saw: \(log)")
            #expect(!log.contains("handshake failed"), "the server saw: \(log)")
        }
    }

    /// (d) A CA bundle that does not exist: the client is still created (libcurl only keeps the
    /// path), and the first request fails before anything is sent: `.tls`, curl 77
    /// (CURLE_SSL_CACERT_BADFILE, "error setting certificate file: <path>").
    @Test func aMissingCABundleFailsTheRequest() throws {
        try withPKI { pki in
            let server = try HTTPSServer(certificate: try pki.serverCertificate("ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"), directory: pki.directory)
            defer { server.stop() }
            let missing = pki.directory + "/no-such-ca.pem"
            let result = try post(HTTPClientSettings(caBundlePath: missing), to: server.url(host: "127.0.0.1") + "/refunds")
            let error = try #require(Self.failure(result), "expected a failure, got \(result)")
            #expect(error.kind == .tls, "\(error)")
            #expect(error.curlCode == 77, "\(error)")  // CURLE_SSL_CACERT_BADFILE
            #expect(error.message.contains(missing), "\(error)")
            let log = server.stopAndReadLog()
            #expect(!log.contains("request "), "a request reached the server: \(log)")
        }
    }

    // MARK: - End to end: `ordrecon run` with `[gateway] ca_bundle`

    /// A workspace whose gateway is the HTTPS server and whose `ca_bundle` (relative to the
    /// workspace) is the CA: the run sends the refund and exits 0.
    @Test func runWithTheCABundleSendsTheRefund() throws {
        try withPKI { pki in
            let server = try HTTPSServer(certificate: try pki.serverCertificate("ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"), directory: pki.directory)
            defer { server.stop() }
            let ws = try TestWorkspace()
            defer { ws.remove() }
            try FileManager.default.copyItem(atPath: pki.caFile, toPath: ws.root + "/config/gateway-ca.pem")
            try ws.pointGateway(at: server.url(host: "127.0.0.1"), caBundle: "config/gateway-ca.pem")
            try Self.dropCancelledOrder(ws)
            let run = try ws.run(["run"])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("Refunds: 1 sent, 0 refused by the gateway, 0 pending"), "\(run.stdout)")
            #expect(try ws.query("SELECT refund_id, status, gateway_refund_id FROM refunds") == [["RF.O1.C", "sent", "gw_tls_1"]])
            #expect(try Self.attempts(ws) == ["sent:201:-"])
            let log = server.stopAndReadLog()
            #expect(log.components(separatedBy: "request POST /refunds key=RF.O1.C -> 201").count - 1 == 1, "the server saw: \(log)")
        }
    }

    /// Without `ca_bundle` the same run cannot verify the gateway: every attempt fails as
    /// `tls`, the refund stays pending and the run exits 75. Setting `ca_bundle` (absolute
    /// this time) lets the next run send it with the same key.
    @Test func runWithoutTheCABundleLeavesTheRefundPendingAsTLS() throws {
        try withPKI { pki in
            let server = try HTTPSServer(certificate: try pki.serverCertificate("ip-and-localhost", subjectAltName: "IP:127.0.0.1,DNS:localhost"), directory: pki.directory)
            defer { server.stop() }
            let ws = try TestWorkspace()
            defer { ws.remove() }
            try ws.pointGateway(at: server.url(host: "127.0.0.1"), maxAttempts: 2)
            try Self.dropCancelledOrder(ws)
            let run = try ws.run(["run"])
            #expect(run.status == 75, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("0 sent, 0 refused by the gateway, 1 pending"), "\(run.stdout)")
            #expect(run.stdout.contains("tls"), "\(run.stdout)")
            #expect(try ws.query("SELECT status FROM refunds") == [["pending"]])
            #expect(try Self.attempts(ws) == ["retry:-:tls", "retry:-:tls"])
            #expect(try ws.query("SELECT DISTINCT error_code FROM refund_attempts") == [["60"]])
            let message = try ws.query("SELECT message FROM refund_attempts WHERE attempt = 1").first?.first ?? nil
            #expect(message?.contains("unable to get local issuer certificate") == true, "\(message ?? "no message")")

            try ws.pointGateway(at: server.url(host: "127.0.0.1"), caBundle: pki.caFile)
            let again = try ws.run(["run"])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            #expect(try ws.query("SELECT status, gateway_refund_id FROM refunds") == [["sent", "gw_tls_1"]])
            #expect(try Self.attempts(ws) == ["retry:-:tls", "retry:-:tls", "sent:201:-"])
            let log = server.stopAndReadLog()
            #expect(log.components(separatedBy: "request POST").count - 1 == 1, "the server saw: \(log)")
            #expect(log.components(separatedBy: "handshake failed").count - 1 == 2, "the server saw: \(log)")
        }
    }

    // MARK: - Helpers

    /// One order of 99.00, paid and cancelled: refund `RF.O1.C` (as in RefundDispatchTests).
    static func dropCancelledOrder(_ ws: TestWorkspace) throws {
        try ws.drop("storefront", "orders.csv", """
            event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
            S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,SKU-A,2,49.50

            """, order: 1)
        try ws.drop("payments", "payments.csv", """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            P1,order,O1,PAID,2026-01-01T10:05:00+05:30,99.00,PAY-1

            """, order: 2)
        try ws.drop("storefront", "cancels.csv", """
            event_id,entity,order_id,status,occurred_at,reason
            X1,order,O1,CANCELLED,2026-01-01T11:00:00+05:30,customer asked

            """, order: 3)
    }

    /// `outcome:http_status:error_kind` of each attempt of `RF.O1.C`, in order.
    static func attempts(_ ws: TestWorkspace) throws -> [String] {
        try ws.query("SELECT outcome, http_status, error_kind FROM refund_attempts WHERE refund_id = 'RF.O1.C' ORDER BY attempt")
            .map { "\($0[0] ?? "-"):\($0[1] ?? "-"):\($0[2] ?? "-")" }
    }

    static func failure(_ result: Result<OrdreconCore.HTTPResponse, HTTPTransportError>) -> HTTPTransportError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// POSTs the refund body with a fresh client.
    private func post(_ settings: HTTPClientSettings, to url: String) throws -> Result<OrdreconCore.HTTPResponse, HTTPTransportError> {
        var settings = settings
        settings.connectTimeoutMilliseconds = 3000
        settings.totalTimeoutMilliseconds = 5000
        let client = try CurlHTTPClient(settings: settings)
        return client.post(
            url: url,
            headers: [(name: "Content-Type", value: "application/json"), (name: "Idempotency-Key", value: "RF-TLS-1")],
            body: Self.refundBody)
    }

    /// Makes a temporary folder with a throw-away CA, runs `body`, and always removes it.
    private func withPKI(_ body: (ThrowAwayPKI) throws -> Void) throws {
        let pki = try ThrowAwayPKI()
        defer { pki.remove() }
        try body(pki)
    }
}

/// A throw-away certificate authority in a temporary folder, and server certificates it signs,
/// made with the `openssl` command line (EC P-256, valid for two days).
private final class ThrowAwayPKI {
    let directory: String
    /// The CA certificate (PEM): the bundle to trust.
    var caFile: String { directory + "/ca.pem" }

    /// A certificate and its key, as files.
    struct Certificate {
        var certificateFile: String
        var keyFile: String
    }

    init() throws {
        directory = NSTemporaryDirectory() + "ordrecon-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ordrecon throw-away test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        } catch {
            remove()
            throw error
        }
    }

    /// Makes a server certificate signed by the CA.
    /// - Parameters:
    ///   - name: the file name stem.
    ///   - subjectAltName: for example `IP:127.0.0.1,DNS:localhost`.
    func serverCertificate(_ name: String, subjectAltName: String) throws -> Certificate {
        try openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=ordrecon test server \(name)",
        ])
        let extensions = """
            subjectAltName=\(subjectAltName)
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """
        try extensions.write(toFile: directory + "/\(name).ext", atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
        ])
        return Certificate(certificateFile: directory + "/\(name).pem", keyFile: directory + "/\(name).key")
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `openssl` in the folder; throws with its output when it fails.
    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestError(
                "openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)"
                    + " (scripts/install-deps.sh installs openssl):\n\(output)")
        }
    }
}

/// A small HTTPS server on 127.0.0.1 (a free port): `python3 -c` with `http.server` and
/// `ssl.SSLContext.wrap_socket`. `POST /refunds` gets 201 `{"id":"gw_tls_1",...}`. Its log
/// (standard error, a file) has a line per request and per failed handshake. It exits when
/// stopped, or when its standard input closes (the test process went away).
///
/// Stopped with SIGKILL, not `Process.terminate()`: on Linux, Foundation's `Process` starts the
/// child with the signal mask of the calling thread, and on a Dispatch worker thread (where
/// tests run) that mask blocks SIGTERM (swift-corelibs-foundation issue 4772, mask
/// `fffffffe3bfbea27`), so a SIGTERM stays pending and `waitUntilExit()` never returns. The
/// script also clears its mask first, so that it behaves like a server started from a shell.
private final class HTTPSServer {
    let process: Process
    let port: Int
    private let logFile: String
    /// Held open while the server should run; python exits on EOF.
    private let lifeline: Pipe

    static let script = #"""
        import http.server, os, signal, ssl, sys, threading
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        certificate, key = sys.argv[1], sys.argv[2]

        def log(line):
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/refunds":
                    status, body = 201, b'{"id":"gw_tls_1","status":"accepted"}'
                else:
                    status, body = 404, b'{"message":"no such path"}'
                log("request POST %s key=%s -> %d" % (self.path, self.headers.get("Idempotency-Key"), status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def get_request(self):
                connection, address = self.socket.accept()
                try:
                    return context.wrap_socket(connection, server_side=True), address
                except OSError as error:
                    log("handshake failed: %s" % error)
                    connection.close()
                    raise

        def watch_stdin():
            sys.stdin.buffer.read()
            os._exit(0)

        threading.Thread(target=watch_stdin, daemon=True).start()
        server = Server(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    /// Starts the server with a certificate and waits until it says its port.
    init(certificate: ThrowAwayPKI.Certificate, directory: String) throws {
        logFile = directory + "/https-server-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, certificate.certificateFile, certificate.keyFile]
        let output = Pipe()
        lifeline = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardInput = lifeline
        try process.run()
        self.process = process
        let line = Self.readLine(output.fileHandleForReading, timeoutSeconds: 20)
        guard let line, let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw TestError("the python3 HTTPS server did not say its port (got \(line ?? "nothing")):\n\(log)")
        }
        self.port = port
    }

    /// `https://<host>:<port>`
    func url(host: String) -> String { "https://\(host):\(port)" }

    /// Stops it (SIGKILL) and waits; safe to call more than once.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? lifeline.fileHandleForWriting.close()
    }

    /// Stops it and returns its log.
    /// - Parameter waitingFor: text the log should come to hold first (the server logs a failed
    ///   handshake a moment after the client has given up); waits at most 5 s for it.
    func stopAndReadLog(waitingFor expected: String? = nil) -> String {
        if let expected {
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline,
                (try? String(contentsOfFile: logFile, encoding: .utf8))?.lowercased().contains(expected) != true {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        stop()
        return (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    deinit { stop() }

    /// Reads one line, giving up after `timeoutSeconds`.
    private static func readLine(_ handle: FileHandle, timeoutSeconds: Int) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while Date() < deadline {
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(handle.fileDescriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}
