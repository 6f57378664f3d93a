import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordrecon mock-gateway` told to misbehave: scripted answers, injected failures, dropped
/// connections, delays, seeded randomness (the built binary on a free port, spoken to with curl).
@Suite(.runsPrograms)
struct MockGatewayMisbehaviourTests {
    static let body = MockGatewayTests.body

    @Test func scriptedAnswersComeFirstAndProcessNothing() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let script = ws.root + "/script.json"
        try #"[{"status": 500}, {"status": 429, "retry_after": "2", "message": "slow down"}]"#.write(
            toFile: script, atomically: true, encoding: .utf8)
        try await withMock(["--script", script]) { mock in
            let first = try await mock.refund(key: "R-1", body: Self.body)
            #expect(first.status == 500)
            let second = try await mock.refund(key: "R-1", body: Self.body)
            #expect(second.status == 429)
            #expect(second.headers["retry-after"] == "2")
            #expect(try second.json()["error"] as? String == "slow down")
            #expect(try await mock.listing().refunds.isEmpty)

            let queued = try await mock.curl([
                "-X", "POST", "--data-binary", #"[{"status": 503, "delay_ms": 10}]"#, mock.url + "/_mock/script",
            ])
            #expect(queued.status == 204)
            #expect(try await mock.refund(key: "R-1", body: Self.body).status == 503)
            let done = try await mock.refund(key: "R-1", body: Self.body)
            #expect(done.status == 201)
            #expect(done.headers["idempotent-replayed"] == nil)
            let listing = try await mock.listing()
            #expect(listing.requests == 4)
            #expect(listing.refunds.first?["requests"] as? Int == 4)

            let wrong = try await mock.curl([
                "-X", "POST", "--data-binary", #"[{"status": 503, "retry-after": "1"}]"#, mock.url + "/_mock/script",
            ])
            #expect(wrong.status == 400)
            #expect(wrong.body.contains("retry-after"))
            #expect(await mock.stop().log.contains("outcome=scripted"))
        }
    }

    @Test func aScriptedAnswerWithAKeyWaitsForThatKey() async throws {
        let other = Self.body.replacingOccurrences(of: "R-1", with: "R-2").replacingOccurrences(of: "O-1", with: "O-2")
        try await withMock([]) { mock in
            let queued = try await mock.curl([
                "-X", "POST", "--data-binary", #"[{"status": 400, "message": "not captured", "key": "R-2"}]"#,
                mock.url + "/_mock/script",
            ])
            #expect(queued.status == 204)
            // Another key passes by the keyed answer and is processed as usual.
            #expect(try await mock.refund(key: "R-1", body: Self.body).status == 201)
            let second = try await mock.refund(key: "R-2", body: other)
            #expect(second.status == 400)
            #expect(try second.json()["error"] as? String == "not captured")
            // Used once: the next request with that key is processed.
            #expect(try await mock.refund(key: "R-2", body: other).status == 201)
        }
    }

    @Test func scriptedDropCutsTheAnswer() async throws {
        try await withMock([]) { mock in
            _ = try await mock.curl([
                "-X", "POST", "--data-binary", #"[{"status": 201, "drop": true}]"#, mock.url + "/_mock/script",
            ])
            let cut = try await mock.refund(key: "R-1", body: Self.body)
            #expect(cut.exitCode != 0, "curl must see an incomplete answer")
            #expect(try await mock.listing().refunds.isEmpty)
            #expect(try await mock.refund(key: "R-1", body: Self.body).status == 201)
        }
    }

    @Test func failRateOneAnswers500AndRemembersNothing() async throws {
        try await withMock(["--fail-rate", "1"]) { mock in
            let answer = try await mock.refund(key: "R-1", body: Self.body)
            #expect(answer.status == 500)
            #expect(try answer.json()["error"] as? String == "injected failure")
            let listing = try await mock.listing()
            #expect(listing.requests == 1)
            #expect(listing.refunds.isEmpty)
            #expect(await mock.stop().log.contains("outcome=injected_failure"))
        }
    }

    @Test func droppedConnectionAfterProcessingThenReplay() async throws {
        try await withMock(["--drop-connection-rate", "1"]) { mock in
            let dropped = try await mock.refund(key: "R-1", body: Self.body)
            #expect(
                dropped.exitCode == 18 || dropped.exitCode == 52 || dropped.exitCode == 56,
                "curl exit \(dropped.exitCode): \(dropped.stderr)")
            // The refund was processed even though its answer was lost.
            let listing = try await mock.listing()
            #expect(listing.refunds.count == 1)
            #expect(listing.refunds.first?["status"] as? Int == 201)
            // Resending the same key gets the whole answer: a replay of the first one.
            let again = try await mock.refund(key: "R-1", body: Self.body)
            #expect(again.exitCode == 0)
            #expect(again.status == 201)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try again.json()["id"] as? String == "gw_000001")
            #expect(await mock.stop().log.contains("outcome=dropped"))
        }
    }

    @Test func delayHoldsTheAnswer() async throws {
        try await withMock(["--delay-ms", "400"]) { mock in
            let started = Date()
            let answer = try await mock.refund(key: "R-1", body: Self.body)
            #expect(answer.status == 201)
            #expect(Date().timeIntervalSince(started) >= 0.4)
        }
    }

    @Test func seedMakesTheRandomChoicesReproducible() async throws {
        var runs: [[Int]] = []
        for _ in 0..<2 {
            try await withMock(["--fail-rate", "0.5", "--seed", "42"]) { mock in
                var statuses: [Int] = []
                for n in 1...12 {
                    statuses.append(
                        try await mock.refund(
                            key: "R-\(n)", body: Self.body.replacingOccurrences(of: "R-1", with: "R-\(n)")
                        ).status)
                }
                runs.append(statuses)
            }
        }
        #expect(runs[0] == runs[1])
        #expect(Set(runs[0]) == [201, 500], "\(runs[0])")
    }
}
