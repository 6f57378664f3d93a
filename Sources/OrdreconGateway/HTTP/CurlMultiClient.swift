import CCurl
public import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// A ``ConcurrentHTTPClient`` over libcurl's multi interface: one thread drives every transfer,
/// and connections are kept alive in the multi handle's cache, so the next request to the same
/// server reuses one.
///
/// Each transfer is an easy handle configured like ``CurlHTTPClient``'s (timeouts, TLS verified,
/// no redirects, only http and https, no `Expect: 100-continue`), and reads an answer up to
/// 64 KiB of body and 64 KiB of header lines while it streams in: the rest is never read, the
/// transfer ends there (its connection is closed) and the answer is what came, with its status.
/// Memory per transfer is therefore bounded, whatever the server sends.
///
/// Cancelling (``abortAll()``) removes every transfer from the multi handle at once, which
/// closes their connections: nothing waits for a timeout.
///
/// Not `Sendable`: one owner thread calls everything but ``wakeUp()``.
public final class CurlMultiClient: ConcurrentHTTPClient {
    public let settings: HTTPClientSettings
    /// The most connections kept to one server, and transfers that run at once.
    public let maxConnections: Int
    private let multi: UnsafeMutableRawPointer
    /// Transfers running, by their easy handle.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Finished transfers kept for reuse (their easy handles and buffers).
    private var idle: [Transfer] = []

    /// - Parameters:
    ///   - settings: timeouts, CA bundle and user agent of every request.
    ///   - maxConnections: connections kept to one server (and transfers running at once; more
    ///     wait for a connection inside libcurl).
    /// - Throws: ``HTTPTransportError`` when a timeout is not at least 1 ms or libcurl cannot start.
    public init(settings: HTTPClientSettings = HTTPClientSettings(), maxConnections: Int) throws(HTTPTransportError) {
        guard settings.connectTimeoutMilliseconds >= 1, settings.totalTimeoutMilliseconds >= 1 else {
            throw HTTPTransportError(
                code: CURLE_BAD_FUNCTION_ARGUMENT,
                detail: "timeouts must be at least 1 ms, got connect \(settings.connectTimeoutMilliseconds) ms"
                    + " and total \(settings.totalTimeoutMilliseconds) ms",
                seconds: 0)
        }
        let global = CurlGlobal.initResult
        guard global == CURLE_OK else {
            throw HTTPTransportError(code: global, detail: "curl_global_init failed", seconds: 0)
        }
        guard let multi = curl_multi_init() else {
            throw HTTPTransportError(code: CURLE_FAILED_INIT, detail: "curl_multi_init failed", seconds: 0)
        }
        self.settings = settings
        self.maxConnections = max(1, maxConnections)
        self.multi = multi
        _ = ordrecon_curl_multi_set_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, self.maxConnections)
        _ = ordrecon_curl_multi_set_long(multi, CURLMOPT_MAXCONNECTS, self.maxConnections)
    }

    deinit {
        for (handle, transfer) in active {
            curl_multi_remove_handle(multi, handle)
            transfer.clearRequest()
        }
        active.removeAll()
        idle.removeAll()
        curl_multi_cleanup(multi)
    }

    public var inFlight: Int { active.count }

    public func start(_ request: HTTPRequest, tag: Int) throws(HTTPTransportError) {
        let transfer: Transfer
        if let reused = idle.popLast() { transfer = reused } else { transfer = try Transfer(settings: settings) }
        do {
            try transfer.prepare(request, tag: tag)
        } catch {
            transfer.clearRequest()
            idle.append(transfer)
            throw error
        }
        let added = curl_multi_add_handle(multi, transfer.handle)
        guard added == CURLM_OK else {
            transfer.clearRequest()
            idle.append(transfer)
            throw HTTPTransportError(
                kind: .other, curlCode: Int(CURLE_FAILED_INIT.rawValue),
                message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))", seconds: 0)
        }
        active[transfer.handle] = transfer
    }

    public func waitForCompletions(timeoutMilliseconds: Int) -> [HTTPCompletion] {
        guard !active.isEmpty else { return [] }
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        var done = collect()
        if done.isEmpty {
            curl_multi_poll(multi, nil, 0, Int32(clamping: max(0, timeoutMilliseconds)), nil)
            curl_multi_perform(multi, &running)
            done = collect()
        }
        return done
    }

    public func abortAll() -> [HTTPCompletion] {
        var aborted: [HTTPCompletion] = []
        for (handle, transfer) in active {
            curl_multi_remove_handle(multi, handle)
            let error = HTTPTransportError(
                kind: .aborted, curlCode: Int(CURLE_ABORTED_BY_CALLBACK.rawValue),
                message: "stopped before the answer arrived (the server may have acted on the request)",
                seconds: transfer.elapsedSeconds())
            aborted.append(HTTPCompletion(tag: transfer.tag, result: .failure(error)))
            transfer.clearRequest()
            idle.append(transfer)
        }
        active.removeAll()
        return aborted
    }

    public func wakeUp() {
        curl_multi_wakeup(multi)
    }

    /// Reads libcurl's messages about finished transfers and turns each into a completion.
    private func collect() -> [HTTPCompletion] {
        var done: [HTTPCompletion] = []
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let transfer = active.removeValue(forKey: handle)
            else { continue }
            let code = ordrecon_curl_message_result(message)
            curl_multi_remove_handle(multi, handle)
            done.append(HTTPCompletion(tag: transfer.tag, result: transfer.result(code)))
            transfer.clearRequest()
            idle.append(transfer)
        }
        return done
    }
}

/// One easy handle with its buffers, reused from request to request.
private final class Transfer {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    let collector = CurlResponseCollector()
    var headerList: CurlHeaderList?
    /// The URL set on the handle.
    var url: String?
    var tag = 0
    var started: timespec = timespec()

    init(settings: HTTPClientSettings) throws(HTTPTransportError) {
        guard let handle = curl_easy_init() else {
            throw HTTPTransportError(code: CURLE_FAILED_INIT, detail: "curl_easy_init failed", seconds: 0)
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        do {
            try configure(settings)
        } catch {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            throw error
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        headerList?.free()
        errorBuffer.deallocate()
    }

    /// Sets the request's URL, headers and body (copied by libcurl).
    func prepare(_ request: HTTPRequest, tag: Int) throws(HTTPTransportError) {
        self.tag = tag
        collector.reset()
        errorBuffer[0] = 0
        let list = try CurlHeaderList(request.headers)
        headerList = list
        // The URL is parsed when set: set it only when it changes (it never does for refunds).
        if url != request.url {
            try check(ordrecon_curl_set_string(handle, CURLOPT_URL, request.url))
            url = request.url
        }
        try check(ordrecon_curl_set_slist(handle, CURLOPT_HTTPHEADER, list.pointer))
        try check(ordrecon_curl_set_long(handle, CURLOPT_POST, 1))
        try check(ordrecon_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
        // COPYPOSTFIELDS copies the bytes now: nothing of ours must outlive this call.
        let storage = request.body.isEmpty ? [0] : request.body
        let code = storage.withUnsafeBytes { bytes in
            ordrecon_curl_set_pointer(
                handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        try check(code)
        clock_gettime(CLOCK_MONOTONIC, &started)
    }

    /// Forgets the request (its header list is freed once the handle no longer points at it).
    func clearRequest() {
        _ = ordrecon_curl_set_slist(handle, CURLOPT_HTTPHEADER, nil)
        headerList?.free()
        headerList = nil
    }

    /// Seconds since the request started.
    func elapsedSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - started.tv_sec) + Double(now.tv_nsec - started.tv_nsec) / 1e9
    }

    /// The response, or why there was none, from the transfer's result code.
    func result(_ code: CURLcode) -> Result<HTTPResponse, HTTPTransportError> {
        let seconds = totalSeconds()
        // An answer over the limit was cut by the callbacks after its status line: a response.
        let cut = code == CURLE_WRITE_ERROR && collector.truncated
        guard code == CURLE_OK || cut else {
            return .failure(HTTPTransportError(code: code, detail: String(cString: errorBuffer), seconds: seconds))
        }
        var status = 0
        guard ordrecon_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status > 0 else {
            return .failure(
                HTTPTransportError(code: code, detail: "no status line before the answer was cut", seconds: seconds))
        }
        return .success(
            HTTPResponse(status: status, headers: collector.headers, body: collector.body, seconds: seconds))
    }

    private func totalSeconds() -> Double {
        var microseconds: curl_off_t = 0
        guard ordrecon_curl_get_offset(handle, CURLINFO_TOTAL_TIME_T, &microseconds) == CURLE_OK else {
            return elapsedSeconds()
        }
        return Double(microseconds) / 1_000_000
    }

    private func configure(_ settings: HTTPClientSettings) throws(HTTPTransportError) {
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

    private func check(_ code: CURLcode) throws(HTTPTransportError) {
        guard code == CURLE_OK else {
            throw HTTPTransportError(code: code, detail: String(cString: errorBuffer), seconds: 0)
        }
    }
}

extension CurlMultiClient {
    /// A client for `[gateway]`: its timeouts, CA bundle and concurrency (the most connections).
    /// - Throws: ``HTTPTransportError`` when libcurl cannot start.
    public convenience init(gateway: GatewayConfig) throws(HTTPTransportError) {
        try self.init(
            settings: HTTPClientSettings(
                connectTimeoutMilliseconds: gateway.connectTimeoutMilliseconds,
                totalTimeoutMilliseconds: gateway.timeoutMilliseconds, caBundlePath: gateway.caBundle,
                userAgent: "ordrecon"),
            maxConnections: gateway.concurrency)
    }
}
