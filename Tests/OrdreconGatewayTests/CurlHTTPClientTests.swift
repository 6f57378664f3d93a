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
@Suite struct CurlHTTPClientTests {
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
                client.post(
                    url: base + "/one", headers: [(name: "Content-Type", value: "application/json")],
                    body: Array("{\"n\":1}".utf8)),
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
        // The answer is held until the test ends: only the client's timeout can end the request.
        let held = DispatchSemaphore(value: 0)
        let server = try ThreadedHTTPServer { _ in
            _ = held.wait(timeout: .now() + 60)
            return .init(status: 200, reason: "OK")
        }
        defer {
            held.signal()
            server.stop()
        }
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
        // Not before the limit; the upper bound only says the client did not wait for ever.
        #expect(error.seconds >= 0.4 && error.seconds < 30, "took \(error.seconds) s")
        #expect(error.description.hasPrefix("timeout (curl 28: Timeout was reached"))
        #expect(error.description.contains("milliseconds with 0 bytes received"))
        #expect(!error.description.contains("do-not-leak"))
    }

    @Test func aPortWithNothingListeningIsConnectionFailed() async throws {
        let port = TestWorkspace.closedPort
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
        let served = listener.serveOnce(reply: nil)
        let result = try await withClient { client in
            client.post(
                url: "http://127.0.0.1:\(listener.port)/v1/refunds",
                headers: [(name: "Authorization", value: Self.token)],
                body: Array("{}".utf8)
            )
        }
        await served.value
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
        let served = listener.serveOnce(reply: Array(reply.utf8))
        let result = try await withClient { client in
            client.post(url: "http://127.0.0.1:\(listener.port)/", headers: [], body: Array("{}".utf8))
        }
        await served.value
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
            client.post(
                url: "https://127.0.0.1:\(port)/", headers: [(name: "Authorization", value: Self.token)], body: [])
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
    func aTimeoutBelowOneMillisecondIsRefusedByInit(connect: Int, total: Int) async {
        let settings = HTTPClientSettings(connectTimeoutMilliseconds: connect, totalTimeoutMilliseconds: total)
        let error = #expect(throws: HTTPTransportError.self) { try CurlHTTPClient(settings: settings) }
        #expect(error?.kind == .other)
        #expect(error?.curlCode == 43)
        #expect(error?.message.contains("timeouts must be at least 1 ms") == true)
    }
}
