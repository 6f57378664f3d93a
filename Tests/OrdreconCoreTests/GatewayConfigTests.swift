import Foundation
import OrdreconCore
import Testing

@Suite struct GatewayConfigTests {
    let root = "/srv/shop"

    func load(_ text: String) throws(ConfigurationError) -> Configuration {
        try Configuration.load(tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: root)
    }

    func error(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() throws {
        #expect(try load("").gateway == GatewayConfig.defaults)
        #expect(GatewayConfig.defaults.token == nil && GatewayConfig.defaults.caBundle == nil)
    }

    @Test func everyKey() throws {
        let gateway = try load(
            """
            [gateway]
            base_url = "https://pay.example.com/v2/"
            token = "sk_live_abc"
            ca_bundle = "config/ca.pem"
            connect_timeout_ms = 500
            timeout_ms = 4000
            max_attempts = 9
            backoff_initial_ms = 100
            backoff_max_ms = 60000
            """
        ).gateway
        #expect(
            gateway
                == GatewayConfig(
                    baseURL: "https://pay.example.com/v2", token: "sk_live_abc", caBundle: "/srv/shop/config/ca.pem",
                    connectTimeoutMilliseconds: 500, timeoutMilliseconds: 4000, maxAttempts: 9,
                    backoffInitialMilliseconds: 100, backoffMaxMilliseconds: 60000))
    }

    @Test func theEnvironmentTokenWins() throws {
        let gateway = try load("[gateway]\ntoken = \"from-file\"").gateway
        #expect(gateway.effectiveToken(environment: [:]) == "from-file")
        #expect(gateway.effectiveToken(environment: ["ORDRECON_GATEWAY_TOKEN": "from-env"]) == "from-env")
        #expect(gateway.effectiveToken(environment: ["ORDRECON_GATEWAY_TOKEN": ""]) == "from-file")
        #expect(try load("").gateway.effectiveToken(environment: [:]) == nil)
    }

    @Test(arguments: [
        ("max_attempts = 0", "gateway.max_attempts"),
        ("max_attempts = 101", "gateway.max_attempts"),
        ("timeout_ms = 0", "gateway.timeout_ms"),
        ("connect_timeout_ms = \"3000\"", "gateway.connect_timeout_ms"),
        ("backoff_initial_ms = -1", "gateway.backoff_initial_ms"),
        ("backoff_initial_ms = 500\nbackoff_max_ms = 100", "gateway.backoff_max_ms"),
        ("token = 42", "gateway.token"),
        ("ca_bundle = true", "gateway.ca_bundle"),
        ("retries = 3", "gateway.retries"),
    ])
    func badValuesNameTheKey(line: String, key: String) throws {
        let e = try #require(error("[gateway]\n" + line))
        #expect(e.description.contains(key), "\(e)")
    }

    @Test func aBadTokenIsNeverShown() throws {
        let e = try #require(error("[gateway]\ntoken = \"sk live secret\""))
        #expect(!e.description.contains("secret"), "\(e)")
        #expect(e.description.contains("gateway.token"))
        let typed = try #require(error("[gateway]\ntoken = 12345678"))
        #expect(!typed.description.contains("12345678"), "\(typed)")
    }
}

@Suite struct SellerConfigTests {
    func load(_ text: String) throws(ConfigurationError) -> Configuration {
        try Configuration.load(tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: "/srv/shop")
    }

    func error(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsAndEveryKey() throws {
        #expect(try load("").seller == SellerConfig.defaults)
        let seller = try load(
            """
            [seller]
            name = "Śrī Gaṇeśa Traders"
            address = ["Shop 4, Linking Road", "Mumbai 400050"]
            gstin = "27AAPFU0939F1ZV"
            state = "mh"
            """
        ).seller
        #expect(seller.name == "Śrī Gaṇeśa Traders" && seller.addressLines.count == 2)
        #expect(seller.state.code == "MH" && seller.state.gstCode == "27")
    }

    @Test(arguments: [
        ("gstin = \"29AAACO1234R1Z4\"", "check character"),
        ("gstin = \"29AAACO1234R1Z\"", "15 characters"),
        ("state = \"MH\"", "the state of the GSTIN"),
        ("state = \"XX\"", "unknown state code"),
        ("name = \"  \"", "empty"),
        ("address = []", "address lines"),
        ("address = [\"ok\", 5]", "seller.address[1]"),
        ("address = \"one line\"", "address lines"),
    ])
    func badValues(line: String, fragment: String) throws {
        let e = try #require(error("[seller]\n" + line))
        #expect(e.description.contains(fragment), "\(e)")
    }
}

@Suite struct WatchAndLoggingConfigTests {
    func load(_ text: String) throws(ConfigurationError) -> Configuration {
        try Configuration.load(tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: "/srv/shop")
    }

    @Test func defaultsAndValues() throws {
        let defaults = try load("")
        #expect(defaults.watch == WatchConfig.defaults && defaults.logging == LoggingConfig.defaults)
        let set = try load(
            "[watch]\npoll = true\nsettle_ms = 500\nrescan_seconds = 5\nmetrics_port = 9464\n[logging]\nformat = \"json\"\nlevel = \"debug\""
        )
        #expect(set.watch == WatchConfig(poll: true, settleMilliseconds: 500, rescanSeconds: 5, metricsPort: 9464))
        #expect(set.logging == LoggingConfig(format: "json", level: "debug"))
    }

    @Test(arguments: [
        ("[watch]\npoll = \"yes\"", "watch.poll"), ("[watch]\nmetrics_port = 70000", "watch.metrics_port"),
        ("[watch]\nrescan_seconds = 0", "watch.rescan_seconds"), ("[logging]\nformat = \"xml\"", "logging.format"),
        ("[logging]\nlevel = \"verbose\"", "logging.level"),
    ])
    func badValuesNameTheKey(text: String, key: String) throws {
        do {
            _ = try load(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(key), "\(error)")
        }
    }
}
