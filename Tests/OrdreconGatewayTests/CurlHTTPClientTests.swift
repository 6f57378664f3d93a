import Foundation
import OrdreconCore
import OrdreconGateway
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The libcurl client against real servers on 127.0.0.1: a `ThreadedHTTPServer` for answers,
/// and raw sockets for connections that are refused or dropped. Both run on threads of their
/// own and the client too, never on the cooperative pool: when the whole suite runs, other
/// tests block its few threads (a server there was starved into client timeouts).
@Suite(.serialized)
struct CurlHTTPClientTests {
    static let token = "Bearer sk_test_do-not-leak-4242"

    @Test func postSendsBodyAndHeadersExactlyAndReadsTheResponse() async throws {
        // A NUL byte and non-ASCII text: the body must be sent by size, not by strlen.
        let body = Array(#"{"refund_id":"RF-1","note":"₹ 12.50"}"#.utf8) + [0, 0xFF, 0x41]
        let server = try ThreadedHTTPServer { _ in
            .init(
                status: 201, reason: "Created",
                headers: [("Retry-After", "7"), ("X-Request-Id", "req-1")],
                body: Array(#"{"status":"accepted"}"#.utf8)
            )
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient(HTTPClientSettings(userAgent: "ordrecon-test")) { client in
            client.post(
                url: "http://127.0.0.1:\(port)/v1/refunds",
                headers: [
                    (name: "Idempotency-Key", value: "RF-1"),
                    (name: "Content-Type", value: "application/json"),
                    (name: "Authorization", value: Self.token),
                ],
                body: body
            )
        }
        let response = try result.get()
        #expect(response.status == 201)
        #expect(response.bodyText == #"{"status":"accepted"}"#)
        #expect(response.header("Retry-After") == "7")
        #expect(response.header("retry-after") == "7")
        #expect(response.header("RETRY-AFTER") == "7")
        #expect(response.header("x-request-id") == "req-1")
        #expect(response.header("x-missing") == nil)
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
        #expect(response.seconds > 0 && response.seconds < 5)

        let requests = server.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/v1/refunds")
        #expect(request.body == body)
        #expect(request.header("idempotency-key") == "RF-1")
        #expect(request.header("content-type") == "application/json")
        #expect(request.header("authorization") == Self.token)
        #expect(request.header("content-length") == String(body.count))
        #expect(request.header("user-agent") == "ordrecon-test")
        #expect(request.header("expect") == nil)
    }

    @Test(arguments: [500, 429, 302])
    func errorAndRedirectStatusesAreResponses(status: Int) async throws {
        let server = try ThreadedHTTPServer { _ in
            .init(
                status: status, reason: "Status",
                headers: [("retry-after", " 30 "), ("Location", "/elsewhere")],
                body: Array("status \(status)".utf8)
            )
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient { client in
            client.post(url: "http://127.0.0.1:\(port)/v1/refunds", headers: [], body: Array("{}".utf8))
        }
        let response = try result.get()
        #expect(response.status == status)
        #expect(response.bodyText == "status \(status)")
        #expect(response.header("Retry-After") == "30")
        // Redirects are not followed: exactly one request reached the server.
        #expect(server.requests.map(\.path) == ["/v1/refunds"])
    }

    @Test func getAfterPostReusesTheHandleAndTheConnection() async throws {
        let server = try ThreadedHTTPServer { request in
            .init(status: 200, reason: "OK", body: Array("\(request.method) \(request.path)".utf8))
        }
        defer { server.stop() }
        let port = server.port
        let results = try await withClient { client in
            let base = "http://127.0.0.1:\(port)"
            return [
                client.post(url: base + "/one", headers: [(name: "Content-Type", value: "application/json")], body: Array("{\"n\":1}".utf8)),
                client.get(url: base + "/two", headers: [(name: "Accept", value: "application/json")]),
                client.post(url: base + "/three", headers: [], body: []),
                client.get(url: base + "/four", headers: []),
            ]
        }
        let texts = try results.map { try $0.get().bodyText }
        #expect(texts == ["POST /one", "GET /two", "POST /three", "GET /four"])
        let requests = server.requests
        try #require(requests.count == 4)
        #expect(requests.map(\.method) == ["POST", "GET", "POST", "GET"])
        #expect(requests.map(\.body) == [Array("{\"n\":1}".utf8), [], [], []])
        #expect(requests[1].header("content-length") == nil)
        #expect(requests[1].header("content-type") == nil)
        #expect(requests[2].header("content-length") == "0")
        // One handle, one kept-alive connection: every request came from the same client port.
        #expect(Set(requests.map(\.remote)).count == 1)
    }

    @Test func aSlowServerIsATimeout() async throws {
        let settings = HTTPClientSettings(connectTimeoutMilliseconds: 500, totalTimeoutMilliseconds: 500)
        let server = try ThreadedHTTPServer { _ in
            Thread.sleep(forTimeInterval: 3)
            return .init(status: 200, reason: "OK")
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient(settings) { client in
            client.post(
                url: "http://127.0.0.1:\(port)/slow",
                headers: [(name: "Authorization", value: Self.token)],
                body: Array("{}".utf8)
            )
        }
        let error = try #require(result.failure)
        #expect(error.kind == .timeout)
        #expect(error.curlCode == 28)
        #expect(error.seconds >= 0.4 && error.seconds < 2.5)
        #expect(error.description.hasPrefix("timeout (curl 28: Timeout was reached"))
        #expect(error.description.contains("milliseconds with 0 bytes received"))
        #expect(!error.description.contains("do-not-leak"))
    }

    @Test func aPortWithNothingListeningIsConnectionFailed() async throws {
        let port = try RawListener.unusedPort()
        let result = try await withClient { client in
            client.post(
                url: "http://127.0.0.1:\(port)/v1/refunds",
                headers: [(name: "Authorization", value: Self.token)],
                body: Array("{}".utf8)
            )
        }
        let error = try #require(result.failure)
        #expect(error.kind == .connectionFailed)
        #expect(error.curlCode == 7)
        #expect(error.description.hasPrefix("connectionFailed (curl 7: "))
        #expect(!error.description.contains("do-not-leak"))
    }

    @Test func aServerThatClosesWithoutAnsweringIsConnectionLost() async throws {
        let listener = try RawListener()
        defer { listener.close() }
        async let served: Void = listener.serveOnce(reply: nil)
        let result = try await withClient { client in
            client.post(
                url: "http://127.0.0.1:\(listener.port)/v1/refunds",
                headers: [(name: "Authorization", value: Self.token)],
                body: Array("{}".utf8)
            )
        }
        await served
        let error = try #require(result.failure)
        #expect(error.kind == .connectionLost)
        #expect(error.curlCode == 52)
        #expect(!error.description.contains("do-not-leak"))
    }

    @Test func onlyTheFinalResponsesHeadersAreKept() async throws {
        let listener = try RawListener()
        defer { listener.close() }
        let reply =
            "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nX-Final: 1\r\nX-Folded: first\r\n  second\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        async let served: Void = listener.serveOnce(reply: Array(reply.utf8))
        let result = try await withClient { client in
            client.post(url: "http://127.0.0.1:\(listener.port)/", headers: [], body: Array("{}".utf8))
        }
        await served
        let response = try result.get()
        #expect(response.status == 200)
        #expect(response.bodyText == "ok")
        #expect(response.header("x-interim") == nil)
        #expect(response.header("X-Final") == "1")
        #expect(response.header("x-folded") == "first second")
        #expect(response.headers.map(\.name) == ["x-final", "x-folded", "content-length", "connection"])
    }

    @Test func httpsToAPlainHTTPPortIsAnError() async throws {
        let server = try ThreadedHTTPServer { _ in .init(status: 200, reason: "OK") }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient(HTTPClientSettings(totalTimeoutMilliseconds: 3000)) { client in
            client.post(url: "https://127.0.0.1:\(port)/", headers: [(name: "Authorization", value: Self.token)], body: [])
        }
        let error = try #require(result.failure)
        #expect(error.kind == .tls || error.kind == .connectionLost)
        #expect(!error.description.contains("do-not-leak"))
    }

    @Test(arguments: ["ftp://127.0.0.1/refunds", "file:///etc/hostname", "gopher://127.0.0.1/"])
    func onlyHTTPAndHTTPSAreAllowed(url: String) async throws {
        let result = try await withClient { client in client.get(url: url, headers: []) }
        let error = try #require(result.failure)
        #expect(error.kind == .other)
        #expect(error.curlCode == 1)
    }

    @Test func aHeaderThatWouldSplitTheRequestIsRefusedWithoutShowingItsValue() async throws {
        let result = try await withClient { client in
            client.post(
                url: "http://127.0.0.1:9/",
                headers: [(name: "Authorization", value: Self.token + "\r\nX-Injected: 1")],
                body: []
            )
        }
        let error = try #require(result.failure)
        #expect(error.kind == .other)
        #expect(error.curlCode == 43)
        #expect(error.description.contains("\"Authorization\""))
        #expect(!error.description.contains("do-not-leak"))
    }

    @Test(arguments: [(0, 1000), (1000, 0), (-1, 1000), (1000, -1)])
    func aTimeoutBelowOneMillisecondIsRefusedByInit(connect: Int, total: Int) {
        let settings = HTTPClientSettings(connectTimeoutMilliseconds: connect, totalTimeoutMilliseconds: total)
        let error = #expect(throws: HTTPTransportError.self) { try CurlHTTPClient(settings: settings) }
        #expect(error?.kind == .other)
        #expect(error?.curlCode == 43)
        #expect(error?.message.contains("timeouts must be at least 1 ms") == true)
    }

    // MARK: Answers over 64 KiB, and stopping

    /// The size of the answers generated below: far more than a client should ever hold.
    static let hugeAnswer = 300 * 1024 * 1024

    @Test func aHugeSuccessfulAnswerIsCutAt64KiBAndStaysA2xx() async throws {
        let prefix = Array(#"{"id":"gw_huge","padding":""#.utf8)
        let server = try ThreadedHTTPServer { _ in
            .init(status: 201, reason: "Created", headers: [("X-Request-Id", "big")],
                  generated: .init(length: Self.hugeAnswer, prefix: prefix))
        }
        defer { server.stop() }
        let port = server.port
        let results = try await withClient { client in
            (0..<2).map { _ in client.post(url: "http://127.0.0.1:\(port)/v1/refunds", headers: [], body: Array("{}".utf8)) }
        }
        for result in results {
            let response = try result.get()
            #expect(response.status == 201)
            #expect(response.body.count == 64 * 1024)
            #expect(response.body.starts(with: prefix))
            #expect(response.header("x-request-id") == "big")
            #expect(response.seconds < 5)
        }
        // The rest was never read: the connection was closed, and the next request made a new one.
        #expect(server.generatedBytesSent < 2 * Self.hugeAnswer / 10, "\(server.generatedBytesSent) bytes were sent")
        #expect(server.requests.count == 2)
        #expect(Set(server.requests.map(\.remote)).count == 2)
    }

    @Test func aHugeChunkedErrorAnswerIsCutAt64KiBAndKeepsItsStatus() async throws {
        let server = try ThreadedHTTPServer { _ in
            .init(status: 500, reason: "Internal Server Error", headers: [("Retry-After", "3")],
                  generated: .init(length: Self.hugeAnswer, prefix: Array("stack trace: ".utf8), chunked: true))
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient { client in
            client.post(url: "http://127.0.0.1:\(port)/v1/refunds", headers: [], body: Array("{}".utf8))
        }
        let response = try result.get()
        #expect(response.status == 500)
        #expect(response.body.count == 64 * 1024)
        #expect(response.bodyText.hasPrefix("stack trace: xxx"))
        #expect(response.header("retry-after") == "3")
        #expect(server.generatedBytesSent < Self.hugeAnswer / 10, "\(server.generatedBytesSent) bytes were sent")
    }

    @Test func anAnswerOfExactly64KiBIsKeptWholeAndTheConnectionReused() async throws {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        let server = try ThreadedHTTPServer { _ in .init(status: 200, reason: "OK", body: body) }
        defer { server.stop() }
        let port = server.port
        let results = try await withClient { client in
            (0..<2).map { _ in client.post(url: "http://127.0.0.1:\(port)/", headers: [], body: []) }
        }
        #expect(try results.map { try $0.get().body } == [body, body])
        #expect(Set(server.requests.map(\.remote)).count == 1)
    }

    @Test func headerLinesOver64KiBAreCutAndTheStatusKept() async throws {
        let filler = String(repeating: "h", count: 100)
        let server = try ThreadedHTTPServer { _ in
            .init(status: 202, reason: "Accepted", headers: (0..<2000).map { ("X-Filler-\($0)", filler) }, body: Array("ok".utf8))
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient { client in client.post(url: "http://127.0.0.1:\(port)/", headers: [], body: []) }
        let response = try result.get()
        #expect(response.status == 202)
        #expect(response.headers.count > 100 && response.headers.count < 2000)
        #expect(response.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } <= 64 * 1024)
    }

    @Test func aRequestInFlightEndsWhenAskedToStop() async throws {
        let server = try ThreadedHTTPServer { _ in
            Thread.sleep(forTimeInterval: 5)
            return .init(status: 200, reason: "OK")
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient(HTTPClientSettings(totalTimeoutMilliseconds: 20_000)) { client in
            let stopAt = Date(timeIntervalSinceNow: 0.3)
            return client.post(url: "http://127.0.0.1:\(port)/", headers: [], body: Array("{}".utf8), shouldAbort: { Date() >= stopAt })
        }
        let error = try #require(result.failure)
        #expect(error.kind == .aborted)
        #expect(error.curlCode == 42)
        #expect(error.seconds >= 0.25 && error.seconds < 2.5, "took \(error.seconds) s")
        #expect(server.requests.count == 1)
    }

    @Test func describesItselfWithKindCodeAndMessage() {
        let error = HTTPTransportError(kind: .connectionLost, curlCode: 52, message: "Server returned nothing (no headers, no data)", seconds: 0.1)
        #expect(error.description == "connectionLost (curl 52: Server returned nothing (no headers, no data))")
    }
}

// MARK: - Helpers

extension Result {
    /// The error of a failed result; nil for a success.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

/// Creates a client and runs `work` with it on a thread of its own (the calls block), as the
/// client's single owner thread.
private func withClient<T: Sendable>(
    _ settings: HTTPClientSettings = HTTPClientSettings(),
    _ work: @escaping @Sendable (CurlHTTPClient) -> T
) async throws -> T {
    let outcome: Result<T, HTTPTransportError> = await onOwnThread {
        Result { () throws(HTTPTransportError) in work(try CurlHTTPClient(settings: settings)) }
    }
    return try outcome.get()
}

/// Runs blocking work on a new thread, off the cooperative pool, and waits for its result.
private func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// A raw TCP listener on 127.0.0.1 that serves one connection with a canned reply (or none).
private struct RawListener: Sendable {
    let descriptor: Int32
    let port: UInt16

    /// Binds to an ephemeral port and listens; `accept` gives up after 5 seconds.
    init() throws {
        (descriptor, port) = try Self.bound()
        guard listen(descriptor, 4) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A port that was just free and has nothing listening on it.
    static func unusedPort() throws -> UInt16 {
        let (descriptor, port) = try bound()
        Glibc.close(descriptor)
        return port
    }

    /// A TCP socket bound to 127.0.0.1 on an ephemeral port.
    private static func bound() throws -> (Int32, UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ok else {
            Glibc.close(descriptor)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    /// Accepts one connection, reads the whole request, writes `reply` (nothing when nil) and
    /// closes the connection.
    func serveOnce(reply: [UInt8]?) async {
        let descriptor = self.descriptor
        await onOwnThread {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return }
            defer { Glibc.close(connection) }
            Self.readRequest(connection)
            if let reply {
                _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    /// Reads until the headers and `Content-Length` bytes of body have arrived.
    private static func readRequest(_ connection: Int32) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            received += chunk[..<count]
            let text = String(decoding: received, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n")
                .first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if received.count >= text.utf8.distance(from: text.startIndex, to: end.upperBound) + length { return }
        }
    }

    func close() {
        Glibc.close(descriptor)
    }
}
