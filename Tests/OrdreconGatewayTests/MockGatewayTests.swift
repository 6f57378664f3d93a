import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ordrecon mock-gateway` end to end: the built binary on a free port, spoken to with the
/// `curl` command-line tool, always stopped at the end of a test: idempotency, validation, the
/// journal, stopping. How it can be told to misbehave is in MockGatewayMisbehaviourTests.
@Suite(.runsPrograms)
struct MockGatewayTests {
    static let body =
        #"{"refund_id":"R-1","order_id":"O-1","payment_ref":"pay_9","amount":125000,"currency":"INR","return_id":"RT-1"}"#

    @Test func acceptsThenReplaysTheSameKeyAndBody() async throws {
        try await withMock([]) { mock in
            let first = try await mock.refund(
                key: "R-1", body: Self.body, extraHeaders: ["Authorization: Bearer top-secret-token"])
            #expect(first.status == 201)
            let answer = try first.json()
            #expect(answer["id"] as? String == "gw_000001")
            #expect(answer["refund_id"] as? String == "R-1")
            #expect(answer["status"] as? String == "accepted")
            #expect(answer["amount"] as? Int == 125000)
            #expect(first.headers["idempotent-replayed"] == nil)

            let again = try await mock.refund(key: "R-1", body: Self.body)
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers["idempotent-replayed"] == "true")

            let next = try await mock.refund(key: "R-2", body: Self.body.replacingOccurrences(of: "R-1", with: "R-2"))
            #expect(try next.json()["id"] as? String == "gw_000002")

            let listing = try await mock.listing()
            #expect(listing.requests == 3)
            let entry = try #require(listing.refunds.first)
            #expect(listing.refunds.map { $0["key"] as? String } == ["R-1", "R-2"])
            #expect(entry["refund_id"] as? String == "R-1")
            #expect(entry["order_id"] as? String == "O-1")
            #expect(entry["return_id"] as? String == "RT-1")
            #expect(entry["amount"] as? Int == 125000)
            #expect(entry["status"] as? Int == 201)
            #expect(entry["requests"] as? Int == 2)
            #expect(entry["body"] as? String == Self.body)

            let log = await mock.stop().log
            #expect(log.contains("outcome=accepted"))
            #expect(log.contains("outcome=replayed"))
            #expect(log.contains("idempotency.key=R-1"))
            #expect(!log.contains("top-secret-token"), "the Authorization header must never be logged")
        }
    }

    @Test func sameKeyWithAnotherBodyIsRefusedFor422() async throws {
        try await withMock([]) { mock in
            #expect(try await mock.refund(key: "R-1", body: Self.body).status == 201)
            let other = try await mock.refund(
                key: "R-1", body: Self.body.replacingOccurrences(of: "125000", with: "125001"))
            #expect(other.status == 422)
            #expect((try other.json()["error"] as? String)?.contains("already used with a different body") == true)
            // Byte-identical means byte-identical: the same JSON with other spacing is another body.
            let spaced = try await mock.refund(key: "R-1", body: Self.body.replacingOccurrences(of: ",", with: ", "))
            #expect(spaced.status == 422)
            #expect(try await mock.listing().refunds.first?["status"] as? Int == 201)
            #expect(await mock.stop().log.contains("outcome=key_reused"))
        }
    }

    /// 409 means what the feed contract says: the gateway is still working on that key, come
    /// back later. A second request with the key while the first is being answered (its
    /// --delay-ms) gets 409 with Retry-After; once the first is answered, the key replays.
    @Test func aKeyStillBeingProcessedIs409ThenReplays() async throws {
        try await withMock(["--delay-ms", "1500"]) { mock in
            // The first request, in a curl process of its own that the test does not wait for yet.
            let first = try ChildProcess(
                executable: "/usr/bin/env",
                arguments: [
                    "curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                    "-H", "Content-Type: application/json", "-H", "Idempotency-Key: R-1", "--data-binary", Self.body,
                    mock.url + "/refunds",
                ])
            // Wait until the mock holds the key (the first request was accepted, not yet answered).
            let held = try await eventually(timeout: .seconds(30)) { try await mock.listing().refunds.count == 1 }
            #expect(held, "the first request never reached the mock")
            let second = try await mock.refund(key: "R-1", body: Self.body)
            #expect(second.status == 409)
            #expect(second.headers["retry-after"] == "1")
            #expect((try second.json()["error"] as? String)?.contains("still being processed") == true)
            let firstResult = await first.finish(timeout: .seconds(60))
            #expect(firstResult.stdout == "201", "\(firstResult)")
            let third = try await mock.refund(key: "R-1", body: Self.body)
            #expect(third.status == 201 && third.headers["idempotent-replayed"] == "true")
            #expect(await mock.stop().log.contains("outcome=conflict"))
        }
    }

    @Test func invalidBodiesAre400AndRemembered() async throws {
        let cases: [(key: String?, body: String, mentions: String)] = [
            ("R-1", Self.body.replacingOccurrences(of: "125000", with: "12.5"), "amount"),
            (
                "R-2",
                Self.body.replacingOccurrences(of: "R-1", with: "R-2").replacingOccurrences(
                    of: "125000", with: "1.25e5"), "amount"
            ),
            (
                "R-3",
                Self.body.replacingOccurrences(of: "R-1", with: "R-3").replacingOccurrences(of: "125000", with: "0"),
                "amount"
            ),
            (
                "R-4",
                Self.body.replacingOccurrences(of: "R-1", with: "R-4").replacingOccurrences(
                    of: "125000", with: "\"125000\""), "amount"
            ),
            (
                "R-5",
                Self.body.replacingOccurrences(of: "R-1", with: "R-5").replacingOccurrences(of: "INR", with: "USD"),
                "currency"
            ),
            ("R-6", Self.body, "Idempotency-Key"),
            ("R-7", #"{"refund_id":"R-7","amount":100,"currency":"INR"}"#, "order_id"),
            ("R-8", "refund please", "not valid JSON"),
            ("R-9", "[]", "JSON object"),
            (nil, Self.body, "Idempotency-Key header is missing"),
            ("", Self.body, "Idempotency-Key header is empty"),
        ]
        try await withMock([]) { mock in
            for (key, body, mentions) in cases {
                let answer = try await mock.refund(key: key, body: body)
                #expect(answer.status == 400, "\(body)")
                let message = try answer.json()["error"] as? String ?? ""
                #expect(message.contains(mentions), "\(message)")
            }
            // The 400 is remembered under its key and replayed like any answer.
            let again = try await mock.refund(key: "R-5", body: cases[4].body)
            #expect(again.status == 400)
            #expect(again.headers["idempotent-replayed"] == "true")
            let listing = try await mock.listing()
            #expect(listing.requests == cases.count + 1)
            #expect(
                listing.refunds.map { $0["key"] as? String } == [
                    "R-1", "R-2", "R-3", "R-4", "R-5", "R-6", "R-7", "R-8", "R-9",
                ])
            #expect(listing.refunds.allSatisfy { $0["status"] as? Int == 400 })
        }
    }

    @Test func journalRestoresTheKeysAfterARestart() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let journal = ws.root + "/journal.jsonl"
        try await withMock(["--journal", journal]) { mock in
            let accepted = try await mock.refund(key: "R-1", body: Self.body)
            let invalid = try await mock.refund(key: "R-2", body: "{}")
            #expect(accepted.status == 201)
            #expect(invalid.status == 400)
            #expect(await mock.stop().status == 0)
        }
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let line = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(line["key"] as? String == "R-1")
        #expect(line["outcome"] as? String == "accepted")
        #expect(line["status"] as? Int == 201)
        #expect(line["body"] as? String == Self.body)
        #expect(line["time"] is String)

        try await withMock(["--journal", journal]) { mock in
            let replay = try await mock.refund(key: "R-1", body: Self.body)
            #expect(replay.status == 201)
            #expect(replay.headers["idempotent-replayed"] == "true")
            #expect(try replay.json()["id"] as? String == "gw_000001")
            #expect(try await mock.refund(key: "R-2", body: "{}").headers["idempotent-replayed"] == "true")
            #expect(try await mock.refund(key: "R-1", body: "{}").status == 422)
            let next = try await mock.refund(key: "R-3", body: Self.body.replacingOccurrences(of: "R-1", with: "R-3"))
            #expect(try next.json()["id"] as? String == "gw_000002")
            let listing = try await mock.listing()
            #expect(listing.requests == 6)
            #expect(listing.refunds.first?["requests"] as? Int == 3)
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func stopsCleanlyOnSignal(_ signalNumber: Int32) async throws {
        try await withMock([]) { mock in
            let health = try await mock.curl([mock.url + "/healthz"])
            #expect(health.body == "ok")
            let stopped = await mock.stop(signal: signalNumber)
            #expect(stopped.status == 0, "\(stopped.log)")
            #expect(stopped.output == "mock-gateway listening on \(mock.url)\n")
        }
    }

    @Test func refusesBadOptionsAndABusyPort() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let badRate = try await ws.run(["mock-gateway", "--port", "0", "--fail-rate", "2"])
        #expect(badRate.status == 64)
        #expect(badRate.stderr.contains("--fail-rate"))
        try "[{\"status\": 42}]".write(toFile: ws.root + "/bad.json", atomically: true, encoding: .utf8)
        let badScript = try await ws.run(["mock-gateway", "--port", "0", "--script", "bad.json"])
        #expect(badScript.status == 64)
        #expect(badScript.stderr.contains("100...599"))
        try await withMock([]) { mock in
            let busy = try await ws.run(["mock-gateway", "--port", String(mock.port)])
            #expect(busy.status == 69)  // EX_UNAVAILABLE: the port is taken
            #expect(busy.stderr.contains("cannot listen"))
        }
    }

    /// The library API, `MockGateway.run`: it answers until its task is cancelled, then returns.
    ///
    /// Checked through the binary, whose `mock-gateway` command is that call in a process of its
    /// own (SIGTERM cancels the task; a throw from `run` would exit 69), as it runs for real.
    @Test func runAnswersUntilItsTaskIsCancelledThenReturns() async throws {
        try await withMock(["--seed", "1"]) { mock in
            let health = try await mock.curl([mock.url + "/healthz"])
            #expect(health.status == 200)
            #expect(health.body == "ok")
            let started = ContinuousClock.now
            let stopped = await mock.stop(signal: SIGTERM)
            let took = ((mock.process.exit?.at ?? .now) - started) / .seconds(1)
            #expect(took < 10, "run must return soon after its task is cancelled (took \(took) s)")
            #expect(stopped.status == 0, "\(stopped.log)")
            // Logged by `run` only when it ends because its task was cancelled.
            #expect(stopped.log.contains("mock gateway stopped"), "\(stopped.log)")
        }
    }
}
