import OrdreconCore
import Testing

/// The gateway circuit breaker on a test clock (milliseconds the test chooses).
@Suite struct CircuitBreakerTests {
    let settings = CircuitBreaker.Settings(
        downThreshold: 3, failureThreshold: 10, distinctRefunds: 3, coolDownMilliseconds: 5_000,
        maxCoolDownMilliseconds: 20_000)

    @Test func closedOpenHalfOpenClosed() {
        var breaker = CircuitBreaker(settings: settings)
        #expect(breaker.permit(now: 0) == .allowed)
        let opened11 = breaker.record(.gatewayDown, refundId: "A", trouble: "refused", now: 10)
        #expect(!opened11)
        let opened13 = breaker.record(.gatewayDown, refundId: "B", now: 20)
        #expect(!opened13)
        let opened15 = breaker.record(.gatewayDown, refundId: "C", now: 30)
        #expect(opened15)  // the third in a row opens it
        #expect(breaker.state == .open(until: 5_030))
        #expect(breaker.lastTrouble == "refused")
        #expect(breaker.permit(now: 5_029) == .denied(until: 5_030))
        // Answers to requests sent before it opened change nothing.
        let opened21 = breaker.record(.healthy, refundId: "D", now: 100)
        #expect(!opened21)
        #expect(breaker.state == .open(until: 5_030))

        // Half-open: one probe, nothing else until its answer.
        #expect(breaker.permit(now: 5_030) == .probe)
        breaker.begin(probe: "E")
        #expect(breaker.state == .halfOpen(probe: "E"))
        #expect(breaker.permit(now: 5_031) == .denied(until: nil))
        let opened30 = breaker.record(.healthy, refundId: "F", now: 5_040)
        #expect(!opened30)  // not the probe
        #expect(breaker.state == .halfOpen(probe: "E"))
        let opened33 = breaker.record(.healthy, refundId: "E", now: 5_050)
        #expect(!opened33)
        #expect(breaker.state == .closed)
        #expect(breaker.permit(now: 5_051) == .allowed)
    }

    @Test func aFailedProbeOpensItAgainForLonger() {
        var breaker = CircuitBreaker(settings: settings)
        breaker.trip(now: 0, trouble: "HTTP 401")
        #expect(breaker.state == .open(until: 5_000))
        #expect(breaker.permit(now: 5_000) == .probe)
        breaker.begin(probe: "A")
        let opened45 = breaker.record(.failure, refundId: "A", now: 5_100)
        #expect(opened45)
        #expect(breaker.state == .open(until: 15_100))  // 10 s: doubled
        #expect(breaker.permit(now: 15_100) == .probe)
        breaker.begin(probe: "B")
        let opened50 = breaker.record(.gatewayDown, refundId: "B", now: 15_200)
        #expect(opened50)
        #expect(breaker.state == .open(until: 35_200))  // 20 s: the most
        #expect(breaker.permit(now: 35_200) == .probe)
        breaker.begin(probe: "C")
        let opened55 = breaker.record(.gatewayDown, refundId: "C", now: 35_300)
        #expect(opened55)
        #expect(breaker.state == .open(until: 55_300))  // stays at the most
        // A neutral answer to the probe (429) lets another probe go; success closes and resets.
        #expect(breaker.permit(now: 55_300) == .probe)
        breaker.begin(probe: "D")
        let opened61 = breaker.record(.neutral, refundId: "D", now: 55_400)
        #expect(!opened61)
        #expect(breaker.permit(now: 55_401) == .probe)
        breaker.begin(probe: "E")
        breaker.record(.healthy, refundId: "E", now: 55_500)
        #expect(breaker.state == .closed)
        breaker.trip(now: 60_000, trouble: nil)
        #expect(breaker.state == .open(until: 65_000))  // the cool-down starts over
    }

    @Test func oneRefundFailingForEverNeverOpensIt() {
        var breaker = CircuitBreaker(settings: settings)
        for n in 0..<1000 {
            let opened74 = breaker.record(.failure, refundId: "STUCK", now: Int64(n))
            #expect(!opened74)
        }
        #expect(breaker.state == .closed)
        // Two refunds neither: several different refunds are needed.
        breaker = CircuitBreaker(settings: settings)
        for n in 0..<1000 {
            let opened80 = breaker.record(.failure, refundId: n % 2 == 0 ? "A" : "B", now: Int64(n))
            #expect(!opened80)
        }
        #expect(breaker.state == .closed)
    }

    @Test func failuresAcrossSeveralRefundsOpenItUnlessTheGatewayAnswersBetween() {
        var breaker = CircuitBreaker(settings: settings)
        for n in 0..<9 {
            let opened = breaker.record(.failure, refundId: "R\(n % 3)", now: Int64(n))
            #expect(!opened)
        }
        let opened89 = breaker.record(.healthy, refundId: "OK", now: 9)
        #expect(!opened89)  // an accepted refund resets the count
        for n in 0..<9 {
            let opened = breaker.record(.failure, refundId: "R\(n % 3)", now: Int64(10 + n))
            #expect(!opened)
        }
        let opened92 = breaker.record(.neutral, refundId: "SLOW", now: 19)
        #expect(!opened92)  // a 429 changes nothing
        let opened94 = breaker.record(.failure, refundId: "R9", now: 20)
        #expect(opened94)
        #expect(breaker.state == .open(until: 5_020))
    }

    @Test func aProbeThatWasNotSentIsForgotten() {
        var breaker = CircuitBreaker(settings: settings)
        breaker.trip(now: 0, trouble: nil)
        #expect(breaker.permit(now: 5_000) == .probe)
        breaker.begin(probe: "A")
        breaker.cancel(probe: "A")
        #expect(breaker.permit(now: 5_001) == .probe)
    }

    @Test func classesSayWhatTheGatewayIsLike() {
        #expect(AttemptClass(.answered(status: 201, retryAfter: nil, body: "")).health == .healthy)
        #expect(AttemptClass(.answered(status: 409, retryAfter: nil, body: "")) == .conflict)
        #expect(AttemptClass(.answered(status: 409, retryAfter: nil, body: "")).health == .healthy)
        #expect(AttemptClass(.answered(status: 422, retryAfter: nil, body: "")) == .refused)
        #expect(AttemptClass(.answered(status: 401, retryAfter: nil, body: "")).health == .gatewayDown)
        #expect(AttemptClass(.answered(status: 403, retryAfter: nil, body: "")) == .unauthorized)
        #expect(AttemptClass(.answered(status: 503, retryAfter: nil, body: "")).health == .failure)
        #expect(AttemptClass(.answered(status: 429, retryAfter: nil, body: "")).health == .neutral)
        let refused = TransportFailure(kind: .connectionFailed, code: 7, message: "refused")
        #expect(AttemptClass(.transportFailed(refused)) == .unreachable)
        #expect(AttemptClass(.transportFailed(refused)).health == .gatewayDown)
        let tls = TransportFailure(kind: .tls, code: 60, message: "certificate")
        #expect(AttemptClass(.transportFailed(tls)).health == .gatewayDown)
        let timeout = TransportFailure(kind: .timeout, code: 28, message: "timeout")
        #expect(AttemptClass(.transportFailed(timeout)) == .noAnswer)
        #expect(AttemptClass(.transportFailed(timeout)).health == .failure)
        let aborted = TransportFailure(kind: .aborted, code: 42, message: "stopped")
        #expect(AttemptClass(.transportFailed(aborted)) == .interrupted)
    }
}

/// At most `limit` starts in any window, on a test clock.
@Suite struct RequestRateLimiterTests {
    @Test func neverMoreThanTheLimitInAnyWindow() {
        var limiter = RequestRateLimiter(limit: 20, windowMilliseconds: 1050)
        var starts: [Int64] = []
        var now: Int64 = 0
        while starts.count < 200 {
            let slot = limiter.nextStart(now: now)
            if slot > now {
                now = slot
                continue
            }
            limiter.record(now: now)
            starts.append(now)
            now += Int64(starts.count % 7)  // uneven gaps between tries
        }
        for (index, start) in starts.enumerated() {
            let inWindow = starts[index...].prefix { $0 < start + 1050 }.count
            #expect(inWindow <= 20, "\(inWindow) starts in the window from \(start)")
        }
        // And it does let 20 go in a burst, then waits for the window.
        var burst = RequestRateLimiter(limit: 20, windowMilliseconds: 1050)
        for _ in 0..<20 {
            #expect(burst.nextStart(now: 0) == 0)
            burst.record(now: 0)
        }
        #expect(burst.nextStart(now: 0) == 1050)
        #expect(RequestRateLimiter(limit: 0).nextStart(now: 5) == 5)
    }
}
