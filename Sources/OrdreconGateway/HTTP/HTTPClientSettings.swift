/// How a ``CurlHTTPClient`` connects: timeouts, the CA bundle that verifies servers, and its
/// user agent.
public struct HTTPClientSettings: Sendable, Equatable {
    /// The longest wait for a TCP (and TLS) connection to be established, in milliseconds.
    public var connectTimeoutMilliseconds: Int
    /// The longest a whole request may take, connecting included, in milliseconds.
    public var totalTimeoutMilliseconds: Int
    /// A PEM file of CA certificates that verify servers; nil uses libcurl's default CA store.
    public var caBundlePath: String?
    /// The `User-Agent` header sent with every request.
    public var userAgent: String

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - connectTimeoutMilliseconds: the longest wait for a connection, in milliseconds.
    ///   - totalTimeoutMilliseconds: the longest a whole request may take, in milliseconds.
    ///   - caBundlePath: a PEM file of CA certificates; nil for libcurl's default CA store.
    ///   - userAgent: the `User-Agent` header sent with every request.
    public init(
        connectTimeoutMilliseconds: Int = 3000,
        totalTimeoutMilliseconds: Int = 10000,
        caBundlePath: String? = nil,
        userAgent: String = "ordrecon"
    ) {
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
        self.caBundlePath = caBundlePath
        self.userAgent = userAgent
    }
}
