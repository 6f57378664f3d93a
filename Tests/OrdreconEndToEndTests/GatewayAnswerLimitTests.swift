import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A gateway answering with hundreds of megabytes, several answers streaming at once (the
/// refunds go out concurrently): `ordrecon run` reads 64 KiB of each answer while it streams,
/// keeps its peak memory under 100 MB, still counts a 2xx as sent, and stores bounded messages.
@Suite(.runsPrograms)
struct GatewayAnswerLimitTests {
    static let huge = 256 * 1024 * 1024

    @Test func hugeAnswersAreCutAndWhatIsStoredIsBounded() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let message = String(repeating: "e", count: 60_000)
        let server = try ThreadedHTTPServer { request in
            switch request.header("idempotency-key") {
            case "RF.O1.C":
                return .init(
                    status: 201, reason: "Created",
                    generated: .init(length: Self.huge, prefix: Array(#"{"id":"gw_1","pad":""#.utf8)))
            case "RF.O2.C":
                return .init(status: 400, reason: "Bad Request", body: Array(#"{"error":"\#(message)"}"#.utf8))
            default:
                return .init(
                    status: 500, reason: "Error",
                    generated: .init(length: Self.huge, prefix: Array("<html>".utf8), chunked: true))
            }
        }
        defer { server.stop() }
        try ws.pointGateway(at: "http://127.0.0.1:\(server.port)", maxAttempts: 1, timeoutMilliseconds: 20_000)
        try RefundDispatchTests.dropCancelledOrders(ws, count: 3)

        let running = try ws.start(["run", "--quiet"], output: .discarded)
        let peak = await PeakMemory.watch(running)
        #expect(running.exit?.exitStatus == 75)  // RF.O3.C is left pending (HTTP 500)
        #expect(peak < 100 * 1000 * 1000, "peak RSS \(peak / 1024 / 1024) MiB")
        #expect(server.generatedBytesSent < Self.huge / 5, "\(server.generatedBytesSent) bytes were sent")
        print(
            "gateway answers of \(Self.huge >> 20) MiB: peak RSS \(peak >> 20) MiB, \(server.generatedBytesSent >> 20) MiB sent before the cut"
        )

        let refunds = try ws.query(
            "SELECT refund_id, status, last_error, length(CAST(last_error AS BLOB)) FROM refunds ORDER BY refund_id")
        try #require(refunds.count == 3)
        #expect(refunds[0][0] == "RF.O1.C" && refunds[0][1] == "sent")
        #expect(refunds[1][0] == "RF.O2.C" && refunds[1][1] == "failed")
        #expect(refunds[1][2]?.hasPrefix("HTTP 400: eeee") == true && refunds[1][2]?.hasSuffix("…") == true)
        #expect(refunds[2][0] == "RF.O3.C" && refunds[2][1] == "pending")
        #expect(refunds[2][2]?.hasPrefix("HTTP 500: <html>xxxx") == true)
        #expect(refunds.allSatisfy { Int($0[3] ?? "0")! <= 1024 }, "\(refunds.map { $0[3] ?? "-" })")
        #expect(try ws.count("SELECT MAX(length(CAST(message AS BLOB))) FROM refund_attempts") <= 1024)
        #expect(
            try ws.query("SELECT refund_id, outcome, http_status FROM refund_attempts ORDER BY refund_id").map {
                $0.map { $0 ?? "-" }
            } == [
                ["RF.O1.C", "sent", "201"], ["RF.O2.C", "failed", "400"], ["RF.O3.C", "retry", "500"],
            ])
    }
}
