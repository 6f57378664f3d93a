import Foundation
import OrdreconCore
import OrdreconTestSupport
import OrdreconWorkload
import Testing

/// Metrics as Prometheus reads them, through the built binary: `run --metrics-file` counters are
/// totals that grow from run to run (kept in the database), `ordrecon_build_info` is there in
/// both modes, and `watch` listens on the configured address.
@Suite(.runsPrograms)
struct PrometheusMetricsTests {
    /// Samples of a text exposition: `name{labels}` (as written) → value.
    static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            result[String(line[..<space])] = value
        }
        return result
    }

    /// The sum of every sample of `name` whose labels contain `containing`.
    static func sum(_ samples: [String: Double], _ name: String, _ containing: String = "") -> Double {
        samples.filter {
            ($0.key == name || $0.key.hasPrefix(name + "{")) && (containing.isEmpty || $0.key.contains(containing))
        }
        .values.reduce(0, +)
    }

    /// New orders, one event each; event ids `e<hour>-<order id>`.
    static func orders(_ ids: [String], hour: Int) -> String {
        "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"
            + ids.map {
                "e\(hour)-\($0),order,\($0),PENDING_PAYMENT,2026-04-01T\(hour):00:00+05:30,c1,SKU-1,1,100.00\n"
            }.joined()
    }

    @Test(arguments: StoreBackend.allCases) func runMetricsFileCountersGrowFromRunToRunAndCountRunsWithoutAFile(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let path = ws.root + "/ordrecon.prom"
        _ = try WorkloadGenerator.write(WorkloadOptions(orders: 20, seed: 5), to: ws.root)
        let first = try await ws.run(["run", "--quiet", "--metrics-file", path])
        #expect([0, 65, 75].contains(first.status), "\(first.stderr)")
        let one = Self.samples(try ws.read("ordrecon.prom"))

        // A second run with no file to write (as if it had crashed before writing it), then a third.
        try ws.drop("storefront", "more.csv", Self.orders(["M-1", "M-2", "M-3"], hour: 10))
        let second = try await ws.run(["run", "--quiet"])
        #expect([0, 65, 75].contains(second.status), "\(second.stderr)")
        try ws.drop("storefront", "again.csv", Self.orders(["M-4", "M-1"], hour: 11))
        let third = try await ws.run(["run", "--quiet", "--metrics-file", path])
        #expect([65, 75].contains(third.status), "\(third.stderr)")
        let three = Self.samples(try ws.read("ordrecon.prom"))

        #expect(one["ordrecon_runs_total"] == 1)
        #expect(three["ordrecon_runs_total"] == 3)
        // Every counter of the third file is at least the first's: nothing went back.
        for (series, value) in one
        where series.contains("_total") || series.hasSuffix("_count") || series.contains("_bucket") {
            #expect((three[series] ?? -1) >= value, "\(series): \(value) then \(three[series] ?? -1)")
        }
        // Exactly what the two later runs did was added: 4 applied (M-1…M-4), 1 rejected (M-1 again).
        let applied = "feed=\"storefront\",outcome=\"applied\""
        let rejected = "feed=\"storefront\",outcome=\"rejected\""
        #expect(
            Self.sum(three, "ordrecon_events_total", applied) == Self.sum(one, "ordrecon_events_total", applied) + 4)
        #expect(
            Self.sum(three, "ordrecon_events_total", rejected) == Self.sum(one, "ordrecon_events_total", rejected) + 1)
        #expect(
            Self.sum(three, "ordrecon_rejections_total", "code=\"order_exists\"")
                == Self.sum(one, "ordrecon_rejections_total", "code=\"order_exists\"") + 1)
        #expect(Self.sum(three, "ordrecon_files_total") == Self.sum(one, "ordrecon_files_total") + 2)
        // The totals are the database's.
        // (Each file refused as a whole has one audit record that is no event.)
        #expect(
            Self.sum(three, "ordrecon_events_total")
                == Double(
                    try ws.count(
                        "SELECT (SELECT COUNT(*) FROM audit_log) - (SELECT COUNT(*) FROM files WHERE failure_code IS NOT NULL)"
                    )))
        #expect(Self.sum(three, "ordrecon_files_total") == Double(try ws.count("SELECT COUNT(*) FROM files")))
        #expect(
            Self.sum(three, "ordrecon_rejections_total")
                == Double(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'rejected'")))
        // Histograms: +Inf is the count, buckets never go down, one observation per finished file.
        let storefront = "{feed=\"storefront\"}"
        let count = try #require(three["ordrecon_file_processing_seconds_count" + storefront])
        #expect(three["ordrecon_file_processing_seconds_bucket{feed=\"storefront\",le=\"+Inf\"}"] == count)
        #expect(count == Double(try ws.count("SELECT COUNT(*) FROM files WHERE feed = 'storefront'")))
        let buckets = three.filter {
            $0.key.hasPrefix("ordrecon_file_processing_seconds_bucket{feed=\"storefront\"") && !$0.key.contains("+Inf")
        }
        .map { (Double($0.key.split(separator: "\"")[3]) ?? -1, $0.value) }.sorted { $0.0 < $1.0 }
        #expect(buckets.count == 17)
        #expect(
            zip(buckets, buckets.dropFirst()).allSatisfy { $0.1 <= $1.1 } && (buckets.last?.1 ?? .infinity) <= count)

        let build =
            "ordrecon_build_info{version=\"\(BuildInfo.version)\",commit=\"\(BuildInfo.gitCommit ?? "unknown")\"}"
        #expect(three[build] == 1, "\(three.keys.filter { $0.hasPrefix("ordrecon_build") })")
        let finished = try #require(three["ordrecon_last_run_timestamp_seconds"])
        #expect(abs(finished - Date().timeIntervalSince1970) < 600)
        #expect(three["ordrecon_last_run_duration_seconds"] != nil)

        try await Self.promtoolAccepts(try ws.read("ordrecon.prom"))
    }

    /// `promtool check metrics` on an exposition, where promtool is installed (Debian's prometheus).
    static func promtoolAccepts(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let promtool = "/usr/bin/promtool"
        guard FileManager.default.isExecutableFile(atPath: promtool) else {
            print("PrometheusMetricsTests: SKIPPED promtool check metrics: promtool is not installed")
            return
        }
        // promtool reads the exposition from its standard input.
        let file = NSTemporaryDirectory() + "ordrecon-promtool-\(UUID().uuidString).prom"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "exec \"$0\" check metrics < \"$1\"", promtool, file],
            output: .merged)
        let result = await process.finish(timeout: .seconds(120))
        #expect(result.status == 0, "promtool: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "promtool: \(result.stdout)", sourceLocation: sourceLocation)
    }

    // MARK: watch: the bind address

    /// A TCP port free on the loopback addresses right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        guard bound, port > 0 else { throw TestError("no free port") }
        return port
    }

    /// `GET path` from an IPv4 address with a blocking socket: the whole answer, or nil when the
    /// connection is refused (nobody listens there).
    static func get(_ host: String, _ port: Int, _ path: String) async -> String? {
        await onOwnThread { blockingGet(host, port, path) }
    }

    private static func blockingGet(_ host: String, _ port: Int, _ path: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Starts `ordrecon watch`, its output kept in memory; stopped with SIGTERM by the caller.
    static func startWatch(_ ws: TestWorkspace, _ arguments: [String]) throws -> ChildProcess {
        try ws.start(["watch"] + arguments, output: .merged)
    }

    /// Waits (at most two minutes) until `/healthz` answers on `host:port`, or the daemon exited.
    /// - Returns: the daemon's output so far.
    static func waitForListening(_ process: ChildProcess, _ host: String, _ port: Int) async -> String {
        await eventually(timeout: .seconds(120)) {
            guard process.isRunning else { return true }
            return await get(host, port, "/healthz") != nil
        }
        return process.standardOutput
    }

    static func stop(_ process: ChildProcess) async -> Int32? {
        await process.stop()?.exitStatus
    }

    @Test(arguments: StoreBackend.allCases) func watchListensOnTheConfiguredAddressOnlyAndServesBuildInfo(
        store: StoreBackend
    ) async throws {
        let port = try Self.freePort()
        let config = TestWorkspace.defaultConfig.replacingOccurrences(
            of: "metrics_address = \"127.0.0.1\"", with: "metrics_address = \"127.0.0.2\"")
        #expect(config.contains("metrics_address = \"127.0.0.2\""))
        let ws = try TestWorkspace(config: config, store: store)
        defer { ws.remove() }
        try ws.drop("storefront", "o.csv", Self.orders(["W-1"], hour: 9))
        let process = try Self.startWatch(ws, ["--metrics-port", "\(port)"])
        let text = await Self.waitForListening(process, "127.0.0.2", port)
        #expect(text.contains("metrics on http://127.0.0.2:\(port)/metrics"), "\(text)")
        let answer = try #require(await Self.get("127.0.0.2", port, "/metrics"), "\(text)")
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        // Nothing listens on 127.0.0.1 at that port: the configured address is the only one.
        #expect(await Self.get("127.0.0.1", port, "/metrics") == nil)
        #expect(await Self.stop(process) == 0)

        let body = String(answer[answer.range(of: "\r\n\r\n")!.upperBound...])
        let samples = Self.samples(body)
        let build =
            "ordrecon_build_info{version=\"\(BuildInfo.version)\",commit=\"\(BuildInfo.gitCommit ?? "unknown")\"}"
        #expect(samples[build] == 1)
        #expect(samples["ordrecon_documents_unrendered{kind=\"invoice\"}"] == 0)
        try await Self.promtoolAccepts(body)

        // --metrics-address wins over the file.
        let port2 = try Self.freePort()
        let again = try Self.startWatch(ws, ["--metrics-port", "\(port2)", "--metrics-address", "127.0.0.3"])
        let text2 = await Self.waitForListening(again, "127.0.0.3", port2)
        #expect(text2.contains("metrics on http://127.0.0.3:\(port2)/metrics"), "\(text2)")
        #expect(await Self.get("127.0.0.3", port2, "/healthz")?.hasPrefix("HTTP/1.1 200") == true)
        #expect(await Self.get("127.0.0.2", port2, "/healthz") == nil)
        #expect(await Self.stop(again) == 0)
    }

    @Test(arguments: ["localhost", "127.0.0.1:9464", "300.1.2.3", "", "[::1]"])
    func aBadMetricsAddressIsAConfigurationError(address: String) async throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(
            of: "metrics_address = \"127.0.0.1\"", with: "metrics_address = \"\(address)\"")
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        let watch = try await ws.run(["watch", "--metrics-port", "\(try Self.freePort())"], timeout: .seconds(60))
        #expect(watch.status == 78, "\(watch.stderr)")
        #expect(watch.stderr.contains("metrics_address"), "\(watch.stderr)")
        // Every command reads the same file: run refuses it too, before touching anything.
        let run = try await ws.run(["run"], timeout: .seconds(60))
        #expect(run.status == 78)
        #expect(!FileManager.default.fileExists(atPath: ws.database))

        // The option is checked the same way.
        let good = try TestWorkspace()
        defer { good.remove() }
        let option = try await good.run(
            [
                "watch", "--metrics-port", "\(try Self.freePort())", "--metrics-address",
                address.isEmpty ? "nowhere" : address,
            ], timeout: .seconds(60))
        #expect(option.status == 78, "\(option.stderr)")
        #expect(option.stderr.contains("--metrics-address"), "\(option.stderr)")
    }
}
