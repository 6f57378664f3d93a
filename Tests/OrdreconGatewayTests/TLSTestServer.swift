import Foundation
import OrdreconTestSupport

#if canImport(Glibc)
    import Glibc
#endif

// The TLS side of GatewayTLSTests: a throw-away CA and an HTTPS server on 127.0.0.1.

/// A throw-away certificate authority in a temporary folder, and server certificates it signs,
/// made with the `openssl` command line (EC P-256, valid for two days).
final class ThrowAwayPKI: Sendable {
    let directory: String
    /// The CA certificate (PEM): the bundle to trust.
    var caFile: String { directory + "/ca.pem" }

    /// A certificate and its key, as files.
    struct Certificate {
        var certificateFile: String
        var keyFile: String
    }

    init() async throws {
        directory = NSTemporaryDirectory() + "ordrecon-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try await openssl([
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
    func serverCertificate(_ name: String, subjectAltName: String) async throws -> Certificate {
        try await openssl([
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
        try await openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
        ])
        return Certificate(certificateFile: directory + "/\(name).pem", keyFile: directory + "/\(name).key")
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `openssl` in the folder; throws with its output when it fails.
    private func openssl(_ arguments: [String]) async throws {
        let result = try await ChildProcess.tool("openssl", arguments, directory: directory, timeout: .seconds(120))
        guard result.status == 0, !result.signalled else {
            throw TestError(
                "openssl \(arguments.joined(separator: " ")) exited \(result.status)"
                    + " (scripts/install-deps.sh installs openssl):\n\(result.stdout)\(result.stderr)")
        }
    }
}

/// A small HTTPS server on 127.0.0.1 (a free port): `python3 -c` with `http.server` and
/// `ssl.SSLContext.wrap_socket`. `POST /refunds` gets 201 `{"id":"gw_tls_1",...}`. Its log
/// (standard error) has a line per request and per failed handshake. It exits when stopped
/// (SIGKILL), or when its standard input closes (the test let it go, or went away).
final class HTTPSServer: Sendable {
    let process: ChildProcess
    let port: Int

    static let script = #"""
        import http.server, os, signal, ssl, sys, threading
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
    init(certificate: ThrowAwayPKI.Certificate) async throws {
        process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", "-c", Self.script, certificate.certificateFile, certificate.keyFile],
            keepInputOpen: true)
        _ = await process.wait(timeout: .seconds(60)) {
            $0.standardOutput.contains(UInt8(ascii: "\n")) || $0.exit != nil
        }
        guard let port = Int(process.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.signal(SIGKILL)
            throw TestError("the python3 HTTPS server did not say its port:\n\(process.tail())")
        }
        self.port = port
    }

    /// `https://<host>:<port>`
    func url(host: String) -> String { "https://\(host):\(port)" }

    /// Stops it (SIGKILL) without waiting; safe to call more than once.
    func stop() { process.signal(SIGKILL) }

    /// Stops it and returns its log once it has ended.
    /// - Parameter waitingFor: text the log should come to hold first (the server logs a failed
    ///   handshake a moment after the client has given up); waits at most 30 s for it.
    func stopAndReadLog(waitingFor expected: String? = nil) async -> String {
        if let expected {
            _ = await process.wait(timeout: .seconds(30)) { $0.standardErrorText.lowercased().contains(expected) }
        }
        await process.stop(SIGKILL)
        _ = await process.wait(timeout: .seconds(30)) { $0.outputEnded }
        return process.standardError
    }
}
