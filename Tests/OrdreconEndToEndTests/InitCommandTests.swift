import Foundation
import OrdreconTestSupport
import Testing

/// `ordrecon init`: a new workspace, and a second init refused.
extension ValidateAndInitTests {

    static func tree(_ root: String) -> [String] {
        var paths: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String { paths.append(path) }
        return paths.sorted()
    }

    @Test func initCreatesConfigAndInboxesOnlyRefusesASecondTimeAndRunWorks() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let result = try await ws.run(["init", "shop"])
        #expect(result.status == 0, "\(result.stderr)")
        let root = ws.root + "/shop"
        #expect(
            Self.tree(root) == [
                "config", "config/ordrecon.toml", "inbox", "inbox/carrier", "inbox/payments", "inbox/returns-desk",
                "inbox/storefront", "inbox/warehouse",
            ])
        #expect(
            try String(contentsOfFile: root + "/config/ordrecon.toml", encoding: .utf8)
                == TestWorkspace.repositoryConfig)
        #expect(result.stdout.contains("config/ordrecon.toml") && result.stdout.contains("inbox/storefront/"))
        #expect(result.stdout.contains("ordrecon run"))

        // A second time: refused, nothing touched.
        try "# mine\n".write(toFile: root + "/config/ordrecon.toml", atomically: true, encoding: .utf8)
        let again = try await ws.run(["init", "shop"])
        #expect(again.status == 73)
        #expect(again.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: root + "/config/ordrecon.toml", encoding: .utf8) == "# mine\n")
        try TestWorkspace.defaultConfig.write(toFile: root + "/config/ordrecon.toml", atomically: true, encoding: .utf8)

        // ordrecon run works in the new folder (here through --config; relative paths follow it).
        try Self.orders.write(toFile: root + "/inbox/storefront/orders.csv", atomically: true, encoding: .utf8)
        let run = try await ws.run(["run", "--config", "shop/config/ordrecon.toml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/archive/storefront/orders.csv"))
        #expect(FileManager.default.fileExists(atPath: root + "/var/ordrecon.sqlite"))
    }

    @Test func initWithoutArgumentUsesTheCurrentFolder() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        // The harness made config/ordrecon.toml: init refuses there.
        #expect(try await ws.run(["init"]).status == 73)
        try FileManager.default.removeItem(atPath: ws.root + "/config")
        let result = try await ws.run(["init"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.tree(ws.root).filter { !$0.hasPrefix("inbox/") } == ["config", "config/ordrecon.toml", "inbox"])
        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try await ws.run(["run"]).status == 0)
        #expect(try await ws.run(["init"]).status == 73)
    }
}
