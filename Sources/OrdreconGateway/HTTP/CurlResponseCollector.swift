import OrdreconCore

/// Collects one response's body and headers as libcurl hands them over, for a
/// ``CurlHTTPClient``, keeping at most ``limit`` bytes of each.
///
/// libcurl's C callbacks reach it through an unretained pointer (CURLOPT_WRITEDATA,
/// CURLOPT_HEADERDATA and CURLOPT_XFERINFODATA); the client owns it and outlives every
/// transfer. Used only on the client's owner thread.
final class CurlResponseCollector {
    /// The most bytes of body, and of header lines, kept from one response (64 KiB). A gateway's
    /// answer is a small JSON object; anything beyond this is not read at all.
    static let limit = 64 * 1024

    /// The body bytes received so far, at most ``limit``.
    private(set) var body: [UInt8] = []
    /// The headers of the latest response so far, names lowercased, values trimmed.
    private(set) var headers: [(name: String, value: String)] = []
    /// The header bytes received in this transfer (interim responses included).
    private var headerBytes = 0
    /// Set when the answer went over ``limit``: the callback refused the rest, which ends the
    /// transfer (and closes its connection) with CURLE_WRITE_ERROR after the status was read.
    private(set) var truncated = false
    /// Asked by the progress callback while a transfer runs; true aborts it. Set only for the
    /// duration of one transfer.
    var shouldAbort: (() -> Bool)?
    /// Set when ``shouldAbort`` ended the transfer.
    private(set) var aborted = false

    /// Forgets the previous response, before a new transfer.
    func reset() {
        body.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
        headerBytes = 0
        truncated = false
        aborted = false
    }

    /// Appends a piece of the body, up to ``limit`` in all.
    ///
    /// - Parameter bytes: the bytes libcurl passed to the write callback.
    /// - Returns: false when the limit was reached: the transfer must stop here.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let room = Self.limit - body.count
        guard bytes.count > room else {
            body.append(contentsOf: bytes)
            return true
        }
        body.append(contentsOf: bytes.prefix(room))
        truncated = true
        return false
    }

    /// Whether the transfer should be aborted now (asked by the progress callback).
    func abortRequested() -> Bool {
        guard let shouldAbort, shouldAbort() else { return false }
        aborted = true
        return true
    }

    /// Takes one header line: a status line starts a new response (so interim `100 Continue`
    /// headers are dropped), `name: value` adds a header, an indented line continues the
    /// previous value, and the blank line that ends the headers is ignored.
    ///
    /// - Parameter bytes: one complete line as libcurl passed it, CRLF included.
    /// - Returns: false when the header lines of this transfer went over ``limit``: the line is
    ///   not kept and the transfer must stop here.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= Self.limit else {
            truncated = true
            return false
        }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            return true
        }
        let text = HTTPHeaderText.trimmed(line)
        guard !text.isEmpty else { return true }
        if let first = line.first, first == " " || first == "\t", let last = headers.indices.last {
            headers[last].value += " " + text
            return true
        }
        guard let colon = text.firstIndex(of: ":") else { return true }
        let name = HTTPHeaderText.trimmed(text[..<colon]).lowercased()
        let value = HTTPHeaderText.trimmed(text[text.index(after: colon)...])
        headers.append((name: name, value: value))
        return true
    }
}
