import Foundation
import OrdreconCore
import OrdreconGateway
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The libcurl client against answers it must not hold whole (over 64 KiB of body or headers), and
/// a request stopped while in flight; servers on threads of their own, as in CurlHTTPClientTests.
@Suite struct CurlHTTPClientLimitTests {
    /// The size of the answers generated below: far more than a client should ever hold.
    static let hugeAnswer = 300 * 1024 * 1024

    @Test func aHugeSuccessfulAnswerIsCutAt64KiBAndStaysA2xx() async throws {
        let prefix = Array(#"{"id":"gw_huge","padding":""#.utf8)
        let server = try ThreadedHTTPServer { _ in
            .init(
                status: 201, reason: "Created", headers: [("X-Request-Id", "big")],
                generated: .init(length: Self.hugeAnswer, prefix: prefix))
        }
        defer { server.stop() }
        let port = server.port
        let results = try await withClient { client in
            (0..<2).map { _ in
                client.post(url: "http://127.0.0.1:\(port)/v1/refunds", headers: [], body: Array("{}".utf8))
            }
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
            .init(
                status: 500, reason: "Internal Server Error", headers: [("Retry-After", "3")],
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
            .init(
                status: 202, reason: "Accepted", headers: (0..<2000).map { ("X-Filler-\($0)", filler) },
                body: Array("ok".utf8))
        }
        defer { server.stop() }
        let port = server.port
        let result = try await withClient { client in
            client.post(url: "http://127.0.0.1:\(port)/", headers: [], body: [])
        }
        let response = try result.get()
        #expect(response.status == 202)
        #expect(response.headers.count > 100 && response.headers.count < 2000)
        #expect(response.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } <= 64 * 1024)
    }

    @Test func aRequestInFlightEndsWhenAskedToStop() async throws {
        // The answer is held until the test ends: only the abort can end the request.
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
        let result = try await withClient(HTTPClientSettings(totalTimeoutMilliseconds: 20_000)) { client in
            let stopAt = Date(timeIntervalSinceNow: 0.3)
            return client.post(
                url: "http://127.0.0.1:\(port)/", headers: [], body: Array("{}".utf8), shouldAbort: { Date() >= stopAt }
            )
        }
        let error = try #require(result.failure)
        #expect(error.kind == .aborted)
        #expect(error.curlCode == 42)
        // Not before it was asked to stop; the upper bound only says it did not wait for the answer.
        #expect(error.seconds >= 0.25 && error.seconds < 30, "took \(error.seconds) s")
        #expect(server.requests.count == 1)
    }

    @Test func describesItselfWithKindCodeAndMessage() async {
        let error = HTTPTransportError(
            kind: .connectionLost, curlCode: 52, message: "Server returned nothing (no headers, no data)", seconds: 0.1)
        #expect(error.description == "connectionLost (curl 52: Server returned nothing (no headers, no data))")
    }
}
