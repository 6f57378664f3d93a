/// Collects one response's body and headers as libcurl hands them over, for a
/// ``CurlHTTPClient``.
///
/// libcurl's C callbacks reach it through an unretained pointer (CURLOPT_WRITEDATA and
/// CURLOPT_HEADERDATA); the client owns it and outlives every transfer. Used only on the
/// client's owner thread.
final class CurlResponseCollector {
    /// The body bytes received so far.
    private(set) var body: [UInt8] = []
    /// The headers of the latest response so far, names lowercased, values trimmed.
    private(set) var headers: [(name: String, value: String)] = []

    /// Forgets the previous response, before a new transfer.
    func reset() {
        body.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
    }

    /// Appends a piece of the body.
    ///
    /// - Parameter bytes: the bytes libcurl passed to the write callback.
    func appendBody(_ bytes: UnsafeRawBufferPointer) {
        body.append(contentsOf: bytes)
    }

    /// Takes one header line: a status line starts a new response (so interim `100 Continue`
    /// headers are dropped), `name: value` adds a header, an indented line continues the
    /// previous value, and the blank line that ends the headers is ignored.
    ///
    /// - Parameter bytes: one complete line as libcurl passed it, CRLF included.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            return
        }
        let text = HTTPHeaderText.trimmed(line)
        guard !text.isEmpty else { return }
        if let first = line.first, first == " " || first == "\t", let last = headers.indices.last {
            headers[last].value += " " + text
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = HTTPHeaderText.trimmed(text[..<colon]).lowercased()
        let value = HTTPHeaderText.trimmed(text[text.index(after: colon)...])
        headers.append((name: name, value: value))
    }
}
