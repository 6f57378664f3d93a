/// An HTTP response as received: status, headers of the final response, body and timing.
///
/// Any status is a response, 4xx and 5xx included; only a transfer that produced no response
/// is an ``HTTPTransportError``.
public struct HTTPResponse: Sendable {
    /// The status code of the final response, such as 200 or 429.
    public var status: Int
    /// The headers of the final response in the order received, names lowercased, values as
    /// sent. Interim responses (such as `100 Continue`) are not included.
    public var headers: [(name: String, value: String)]
    /// The response body, exactly as received (after any transfer decoding).
    public var body: [UInt8]
    /// The total time of the request, connecting included, in seconds.
    public var seconds: Double

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - status: the status code.
    ///   - headers: the headers, names lowercased.
    ///   - body: the body bytes.
    ///   - seconds: the total time in seconds.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], seconds: Double) {
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds
    }

    /// The value of the first header with this name (compared case-insensitively), trimmed of
    /// surrounding spaces and tabs; nil when there is none.
    ///
    /// - Parameter name: the header name, in any case, such as `Retry-After`.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        guard let found = headers.first(where: { $0.name.lowercased() == wanted }) else { return nil }
        return HTTPHeaderText.trimmed(found.value)
    }

    /// The body as text, decoded as UTF-8 with invalid bytes replaced by U+FFFD.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}

/// Small helpers for header text, shared by the response and the client's header parser.
public enum HTTPHeaderText {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    public static func trimmed(_ text: some StringProtocol) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }
}
