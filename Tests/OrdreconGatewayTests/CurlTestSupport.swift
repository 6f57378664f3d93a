import Foundation
import OrdreconCore
import OrdreconGateway
import OrdreconTestSupport

#if canImport(Glibc)
    import Glibc
#endif

// Helpers of CurlHTTPClientTests and CurlHTTPClientLimitTests.

// MARK: - Helpers

extension Result {
    /// The error of a failed result; nil for a success.
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

/// Creates a client and runs `work` with it on a thread of its own (the calls block), as the
/// client's single owner thread.
func withClient<T: Sendable>(
    _ settings: HTTPClientSettings = HTTPClientSettings(),
    _ work: @escaping @Sendable (CurlHTTPClient) -> T
) async throws -> T {
    let outcome: Result<T, HTTPTransportError> = await onOwnThread {
        Result { () throws(HTTPTransportError) in work(try CurlHTTPClient(settings: settings)) }
    }
    return try outcome.get()
}

/// A raw TCP listener on 127.0.0.1 that serves one connection with a canned reply (or none).
struct RawListener: Sendable {
    let descriptor: Int32
    let port: UInt16

    /// Binds to an ephemeral port and listens; `accept` gives up after 5 seconds.
    init() throws {
        (descriptor, port) = try LoopbackSocket.bound()
        guard listen(descriptor, 4) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Accepts one connection on a thread started at once (not in a child task, which would wait
    /// for a free thread of the cooperative pool), reads the whole request, writes `reply`
    /// (nothing when nil) and closes the connection. - Returns: its end, to await.
    func serveOnce(reply: [UInt8]?) -> ThreadTask<Void> {
        let descriptor = self.descriptor
        return ThreadTask {
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
            let length =
                head.split(separator: "\r\n")
                .first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if received.count >= text.utf8.distance(from: text.startIndex, to: end.upperBound) + length { return }
        }
    }

    func close() {
        Glibc.close(descriptor)
    }
}
