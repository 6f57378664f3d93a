import CCurl
public import OrdreconCore

/// A blocking HTTP client over one libcurl easy handle, reused for every request so the
/// connection to a server stays open between requests.
///
/// Not `Sendable`, on purpose: one owner thread (the refund dispatcher's worker) creates it
/// and makes every call, and each call blocks that thread until a response arrives or a
/// timeout is reached. Keep it off Swift's cooperative thread pool.
///
/// Redirects are not followed, only `http` and `https` are allowed, servers are verified
/// (peer and host name), and `Expect: 100-continue` is never sent. Any HTTP status is a
/// response; only a transfer without one is an ``HTTPTransportError``. Request header values
/// (such as an `Authorization` token) are never logged and never appear in error messages.
///
/// An answer is read up to 64 KiB of body (and 64 KiB of header lines); the rest is never
/// read: the transfer ends there and its connection is closed, and the response is what came
/// so far, with its status. Reading a longer answer to its end would keep the connection
/// reusable, but a gateway sending hundreds of megabytes would hold the request until the
/// timeout (and a 2xx would then count as no answer); a new connection for the next request
/// is cheaper.
public final class CurlHTTPClient {
    /// The settings the handle was configured with.
    public let settings: HTTPClientSettings
    /// The `CURL *` easy handle, cleaned up in `deinit`.
    private let handle: UnsafeMutableRawPointer
    /// The CURLOPT_ERRORBUFFER, `CURL_ERROR_SIZE` bytes, alive as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Where the callbacks put the body and headers; alive as long as the handle.
    private let collector = CurlResponseCollector()

    /// Creates a client and its easy handle, configured from the settings.
    ///
    /// - Parameter settings: timeouts, CA bundle and user agent.
    /// - Throws: ``HTTPTransportError`` (kind `.other`) when a timeout is not at least 1 ms
    ///   (libcurl takes 0 as "no timeout", and 7.88 accepts a negative value silently), or when
    ///   libcurl cannot be initialised or rejects an option.
    public init(settings: HTTPClientSettings = HTTPClientSettings()) throws(HTTPTransportError) {
        guard settings.connectTimeoutMilliseconds >= 1, settings.totalTimeoutMilliseconds >= 1 else {
            throw HTTPTransportError(
                code: CURLE_BAD_FUNCTION_ARGUMENT,
                detail: "timeouts must be at least 1 ms, got connect \(settings.connectTimeoutMilliseconds) ms"
                    + " and total \(settings.totalTimeoutMilliseconds) ms",
                seconds: 0
            )
        }
        let global = CurlGlobal.initResult
        guard global == CURLE_OK else {
            throw HTTPTransportError(code: global, detail: "curl_global_init failed", seconds: 0)
        }
        guard let handle = curl_easy_init() else {
            throw HTTPTransportError(code: CURLE_FAILED_INIT, detail: "curl_easy_init failed", seconds: 0)
        }
        self.settings = settings
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try configureHandle()
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends a POST request and waits for its response.
    ///
    /// - Parameters:
    ///   - url: an `http` or `https` URL.
    ///   - headers: request headers, sent in order (libcurl adds `Content-Type:
    ///     application/x-www-form-urlencoded` when none is given).
    ///   - body: the request body, sent as is with its `Content-Length`.
    /// - Returns: the response, whatever its status, or why there was none.
    ///   - shouldAbort: asked about once a second (more often while bytes flow) during the
    ///     transfer; true ends it at once as an ``HTTPTransportError`` of kind `.aborted` (the
    ///     server may have acted on the request already).
    public func post(
        url: String, headers: [(name: String, value: String)], body: [UInt8], shouldAbort: () -> Bool = { false }
    ) -> Result<HTTPResponse, HTTPTransportError> {
        withoutActuallyEscaping(shouldAbort) { shouldAbort in
            collector.shouldAbort = shouldAbort
            defer { collector.shouldAbort = nil }
            return Result { () throws(HTTPTransportError) in try perform(url: url, headers: headers, body: body) }
        }
    }

    /// Sends a GET request and waits for its response.
    ///
    /// - Parameters:
    ///   - url: an `http` or `https` URL.
    ///   - headers: request headers, sent in order.
    /// - Returns: the response, whatever its status, or why there was none.
    public func get(
        url: String, headers: [(name: String, value: String)]
    ) -> Result<HTTPResponse, HTTPTransportError> {
        Result { () throws(HTTPTransportError) in try perform(url: url, headers: headers, body: nil) }
    }

    /// Runs one request on the handle: a POST when there is a body, otherwise a GET.
    private func perform(
        url: String, headers: [(name: String, value: String)], body: [UInt8]?
    ) throws(HTTPTransportError) -> HTTPResponse {
        let list = try CurlHeaderList(headers)
        defer {
            _ = ordrecon_curl_set_slist(handle, CURLOPT_HTTPHEADER, nil)
            list.free()
        }
        collector.reset()
        errorBuffer[0] = 0
        try check(ordrecon_curl_set_string(handle, CURLOPT_URL, url))
        try check(ordrecon_curl_set_slist(handle, CURLOPT_HTTPHEADER, list.pointer))
        let code: CURLcode
        if let body {
            code = try performPOST(body)
        } else {
            try check(ordrecon_curl_set_long(handle, CURLOPT_HTTPGET, 1))
            code = curl_easy_perform(handle)
        }
        let seconds = totalSeconds()
        // An answer over the limit was cut by the callbacks after its status line: a response.
        let cut = code == CURLE_WRITE_ERROR && collector.truncated
        guard code == CURLE_OK || cut else {
            if collector.aborted {
                throw HTTPTransportError(
                    kind: .aborted, curlCode: Int(code.rawValue),
                    message: "stopped before the answer arrived (the server may have acted on the request)",
                    seconds: seconds)
            }
            throw HTTPTransportError(code: code, detail: String(cString: errorBuffer), seconds: seconds)
        }
        var status = 0
        try check(ordrecon_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status))
        guard status > 0 else {
            throw HTTPTransportError(code: code, detail: "no status line before the answer was cut", seconds: seconds)
        }
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body, seconds: seconds)
    }

    /// Sets the POST options, with POSTFIELDS pointing at the body only while the transfer
    /// runs, then performs the transfer.
    private func performPOST(_ body: [UInt8]) throws(HTTPTransportError) -> CURLcode {
        // An empty array may have no storage; libcurl needs a real pointer even for 0 bytes.
        let storage = body.isEmpty ? [0] : body
        try check(ordrecon_curl_set_long(handle, CURLOPT_POST, 1))
        try check(ordrecon_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        let code = storage.withUnsafeBytes { bytes in
            let pointer = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
            let set = ordrecon_curl_set_pointer(handle, CURLOPT_POSTFIELDS, pointer)
            return set == CURLE_OK ? curl_easy_perform(handle) : set
        }
        // No dangling pointer is left on the handle; the next request sets its method again.
        _ = ordrecon_curl_set_pointer(handle, CURLOPT_POSTFIELDS, nil)
        _ = ordrecon_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, -1)
        return code
    }

    /// The total time of the last transfer in seconds, 0 when libcurl cannot tell.
    private func totalSeconds() -> Double {
        var microseconds: curl_off_t = 0
        guard ordrecon_curl_get_offset(handle, CURLINFO_TOTAL_TIME_T, &microseconds) == CURLE_OK else { return 0 }
        return Double(microseconds) / 1_000_000
    }

    /// Sets the options that stay the same for every request: callbacks, error buffer,
    /// timeouts, TLS verification, protocols, redirects, signals and user agent.
    private func configureHandle() throws(HTTPTransportError) {
        let context = Unmanaged.passUnretained(collector).toOpaque()
        try check(
            ordrecon_curl_set_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                let length = size * count
                guard let data, let context else { return length }
                let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
                // A short count makes libcurl end the transfer (CURLE_WRITE_ERROR) and drop the connection.
                return collector.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
            })
        try check(ordrecon_curl_set_pointer(handle, CURLOPT_WRITEDATA, context))
        try check(
            ordrecon_curl_set_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                let length = size * count
                guard let data, let context else { return length }
                let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
                return collector.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
            })
        try check(ordrecon_curl_set_pointer(handle, CURLOPT_HEADERDATA, context))
        try check(
            ordrecon_curl_set_xferinfo(handle) { context, _, _, _, _ in
                guard let context else { return 0 }
                let collector = Unmanaged<CurlResponseCollector>.fromOpaque(context).takeUnretainedValue()
                return collector.abortRequested() ? 1 : 0
            })
        try check(ordrecon_curl_set_pointer(handle, CURLOPT_XFERINFODATA, context))
        try check(ordrecon_curl_set_long(handle, CURLOPT_NOPROGRESS, 0))
        try check(ordrecon_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try check(ordrecon_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        try check(ordrecon_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMilliseconds))
        try check(ordrecon_curl_set_long(handle, CURLOPT_TIMEOUT_MS, settings.totalTimeoutMilliseconds))
        try check(ordrecon_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        try check(ordrecon_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        if let caBundlePath = settings.caBundlePath {
            try check(ordrecon_curl_set_string(handle, CURLOPT_CAINFO, caBundlePath))
        }
        try check(ordrecon_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        try check(ordrecon_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(ordrecon_curl_set_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        try check(ordrecon_curl_set_string(handle, CURLOPT_USERAGENT, settings.userAgent))
    }

    /// Throws when a setopt or getinfo call failed.
    private func check(_ code: CURLcode) throws(HTTPTransportError) {
        guard code == CURLE_OK else {
            throw HTTPTransportError(code: code, detail: String(cString: errorBuffer), seconds: 0)
        }
    }
}

/// libcurl's process-wide initialisation, run once on first use.
enum CurlGlobal {
    /// What `curl_global_init(CURL_GLOBAL_DEFAULT)` returned.
    static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}
