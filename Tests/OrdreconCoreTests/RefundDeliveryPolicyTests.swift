import OrdreconCore
import Testing

@Suite struct RefundDeliveryPolicyTests {
    let now = Timestamp(milliseconds: 1_780_000_000_000)

    func decide(_ status: Int, retryAfter: String? = nil, body: String = "") -> RefundDeliveryPolicy.Decision {
        RefundDeliveryPolicy.decide(.answered(status: status, retryAfter: retryAfter, body: body), now: now)
    }

    @Test(arguments: [200, 201, 202, 204, 299])
    func twoHundredsAreSent(status: Int) {
        #expect(decide(status, body: #"{"id":"gw_1","status":"accepted"}"#) == .sent(gatewayRefundId: "gw_1"))
    }

    @Test func sentWithoutAnIdOrWithOtherShapes() {
        #expect(decide(201, body: "") == .sent(gatewayRefundId: nil))
        #expect(decide(200, body: "OK") == .sent(gatewayRefundId: nil))
        #expect(decide(200, body: #"{"gateway_refund_id":"R-9"}"#) == .sent(gatewayRefundId: "R-9"))
        #expect(decide(200, body: #"{"id": 17}"#) == .sent(gatewayRefundId: nil))
    }

    @Test(arguments: [408, 409, 425, 429, 500, 502, 503, 504, 599])
    func retryableStatusesAreRetried(status: Int) {
        guard case .retry(let wait, let reason) = decide(status, body: #"{"error":"busy"}"#) else {
            Issue.record("HTTP \(status) must be retried")
            return
        }
        #expect(wait == nil)
        #expect(reason == "HTTP \(status): busy")
    }

    @Test(arguments: [401, 403])
    func unauthorizedStopsThePassButNeverFailsTheRefund(status: Int) {
        #expect(
            decide(status, body: #"{"error":"invalid token"}"#)
                == .refusedAccess(reason: "HTTP \(status): invalid token"))
    }

    @Test(arguments: [400, 404, 405, 410, 413, 415, 422, 451, 301, 302])
    func otherStatusesFailWithTheGatewaysMessage(status: Int) {
        #expect(
            decide(status, body: #"{"error":"amount exceeds the captured payment"}"#)
                == .failed(reason: "HTTP \(status): amount exceeds the captured payment"))
    }

    @Test func messagesComeFromCommonShapes() {
        #expect(decide(400, body: #"{"message":"bad currency"}"#) == .failed(reason: "HTTP 400: bad currency"))
        #expect(decide(400, body: #"{"error":{"code":"x","message":"nested"}}"#) == .failed(reason: "HTTP 400: nested"))
        #expect(decide(400, body: "plain text reason") == .failed(reason: "HTTP 400: plain text reason"))
        #expect(decide(400, body: "") == .failed(reason: "HTTP 400"))
        #expect(decide(400, body: #"{"other":1}"#) == .failed(reason: "HTTP 400"))
    }

    @Test func theGatewaysMessageAndIdAreBoundedInBytes() {
        let long = String(repeating: "é", count: 100_000)  // 2 bytes each
        guard case .failed(let reason) = decide(400, body: #"{"error":"\#(long)"}"#) else {
            Issue.record("a 400 fails")
            return
        }
        #expect(reason.hasPrefix("HTTP 400: éé"))
        #expect(reason.hasSuffix("…"))
        #expect(reason.utf8.count <= "HTTP 400: ".utf8.count + GatewayAnswer.messageLimit)
        // One character with a million combining marks is still cut by bytes.
        let heavy = "a" + String(repeating: "\u{301}", count: 1_000_000)
        #expect(GatewayAnswer.message(in: heavy)!.utf8.count <= GatewayAnswer.messageLimit)
        // A plain-text answer too, with its control characters (escape sequences) made spaces.
        let text = GatewayAnswer.message(in: "line one\nline two\u{1B}[31m" + String(repeating: "x", count: 5000))!
        #expect(text.hasPrefix("line one line two [31mxx") && text.utf8.count <= GatewayAnswer.messageLimit)
        let id = GatewayAnswer.refundId(in: #"{"id":"\#(String(repeating: "g", count: 10_000))"}"#)!
        #expect(id.utf8.count <= GatewayAnswer.idLimit)
    }

    @Test func boundedTextCutsAtCharacterBoundaries() {
        #expect(BoundedText.prefix("short", maxBytes: 10) == "short")
        #expect(BoundedText.prefix("exactly10!", maxBytes: 10) == "exactly10!")
        #expect(BoundedText.prefix("eleven char", maxBytes: 10) == "eleven …")
        #expect(BoundedText.prefix("₹₹₹₹", maxBytes: 10) == "₹₹…")  // 3 bytes each, never half of one
        #expect(BoundedText.prefix("a\tb\r\nc", maxBytes: 10) == "a b  c")
    }

    @Test func retryAfterInSecondsAndAsADate() {
        #expect(decide(429, retryAfter: "2") == .retry(retryAfterMilliseconds: 2000, reason: "HTTP 429"))
        #expect(decide(503, retryAfter: " 0 ") == .retry(retryAfterMilliseconds: 0, reason: "HTTP 503"))
        // 1_780_000_000 s = Thu, 28 May 2026 20:26:40 GMT; ten seconds later:
        #expect(
            decide(429, retryAfter: "Thu, 28 May 2026 20:26:50 GMT")
                == .retry(retryAfterMilliseconds: 10_000, reason: "HTTP 429"))
        #expect(
            decide(429, retryAfter: "Thu, 28 May 2026 20:00:00 GMT")
                == .retry(retryAfterMilliseconds: 0, reason: "HTTP 429"))
        #expect(decide(429, retryAfter: "soon") == .retry(retryAfterMilliseconds: nil, reason: "HTTP 429"))
        #expect(decide(429, retryAfter: "-5") == .retry(retryAfterMilliseconds: nil, reason: "HTTP 429"))
        #expect(decide(429, retryAfter: "99999999999") == .retry(retryAfterMilliseconds: nil, reason: "HTTP 429"))
    }

    @Test(arguments: [TransportFailure.Kind.connectionFailed, .timeout, .connectionLost, .tls, .other])
    func noAnswerIsRetried(kind: TransportFailure.Kind) {
        let failure = TransportFailure(kind: kind, code: 7, message: "Couldn't connect to server")
        #expect(
            RefundDeliveryPolicy.decide(.transportFailed(failure), now: now)
                == .retry(retryAfterMilliseconds: nil, reason: "\(kind.rawValue) (curl 7: Couldn't connect to server)"))
    }

    @Test func backoffCapsDoubleUpToTheMaximum() {
        let backoff = Backoff(initialMilliseconds: 250, maxMilliseconds: 3000)
        #expect((1...6).map { backoff.cap(afterAttempt: $0) } == [250, 500, 1000, 2000, 3000, 3000])
        #expect(backoff.cap(afterAttempt: 200) == 3000)
        #expect(Backoff(initialMilliseconds: 0, maxMilliseconds: 0).cap(afterAttempt: 3) == 0)
    }

    @Test func fullJitterStaysWithinTheCapAndSpreads() {
        let backoff = Backoff(initialMilliseconds: 100, maxMilliseconds: 10_000)
        var generator = SystemRandomNumberGenerator()
        let waits = (0..<2000).map { _ in backoff.delay(afterAttempt: 4, using: &generator) }
        #expect(waits.allSatisfy { (0...800).contains($0) })
        #expect(Set(waits).count > 300)
        #expect(waits.min()! < 100 && waits.max()! > 700)
    }

    @Test func retryAfterWinsOverJitterAndTooLongEndsThePass() {
        let backoff = Backoff(initialMilliseconds: 100, maxMilliseconds: 5000)
        var generator = SystemRandomNumberGenerator()
        #expect(backoff.wait(afterAttempt: 1, retryAfterMilliseconds: 1500, using: &generator) == 1500)
        #expect(backoff.wait(afterAttempt: 1, retryAfterMilliseconds: 5001, using: &generator) == nil)
        #expect((0...100).contains(backoff.wait(afterAttempt: 1, retryAfterMilliseconds: nil, using: &generator)!))
    }
}
