import OrdreconCore
import Testing

/// `[watch] metrics_address`: where the metrics endpoint listens.
struct MetricsAddressConfigTests {
    static func load(_ text: String) throws(ConfigurationError) -> Configuration {
        try Configuration.load(tomlText: text, fileName: "ordrecon.toml", workspaceRoot: "/srv/ws")
    }

    @Test func defaultIsTheLoopbackAndTheDefaultFileSaysSo() throws {
        #expect(try Self.load("").watch.metricsAddress == "127.0.0.1")
        #expect(WatchConfig.defaults.metricsAddress == "127.0.0.1")
        #expect(Configuration.defaultFileText.contains("metrics_address = \"127.0.0.1\""))
        #expect(try Self.load(Configuration.defaultFileText).watch.metricsAddress == "127.0.0.1")
    }

    @Test(arguments: ["0.0.0.0", "10.1.2.3", "::", "::1", "fe80::1"])
    func ipLiteralsAreTaken(address: String) throws {
        #expect(try Self.load("[watch]\nmetrics_address = \"\(address)\"").watch.metricsAddress == address)
    }

    @Test(arguments: ["localhost", "127.0.0.1:9464", "300.1.2.3", "", "[::1]", " 127.0.0.1", "1.2.3"])
    func anythingElseIsRefusedNamingTheKey(address: String) {
        do {
            _ = try Self.load("[watch]\nmetrics_address = \"\(address)\"")
            Issue.record("\(address) was taken")
        } catch {
            #expect(error.keyPath == "watch.metrics_address", "\(error)")
            #expect("\(error)".contains("IP address"), "\(error)")
        }
        #expect(IPAddress.family(of: address) == nil)
    }

    @Test func familyTellsIPv4FromIPv6() {
        #expect(IPAddress.family(of: "127.0.0.1") == 4)
        #expect(IPAddress.family(of: "::") == 6)
        #expect(IPAddress.family(of: "::ffff:127.0.0.1") == 6)
    }
}
