import OrdreconCore
import Testing

@testable import OrdreconDaemon

/// A running daemon keeps its store: a SIGHUP that changes `[store] url` is not taken over (the
/// workers' connections and the lock belong to the old one), and the log asks for a restart.
@Suite struct ReloadStoreTests {
    static func load(_ text: String) throws -> Configuration {
        try Configuration.load(tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: "/srv/shop")
    }

    @Test func aChangedStoreNeedsARestart() throws {
        let sqlite = try Self.load("")
        let postgres = try Self.load("[store]\nurl = \"postgresql://ordrecon@db/shop\"")
        let other = try Self.load("[store]\nurl = \"postgresql://ordrecon@db/other\"")
        #expect(ReloadService.needsRestart(sqlite, postgres) == "a change of [store]")
        #expect(ReloadService.needsRestart(postgres, other) == "a change of [store]")
        #expect(
            ReloadService.needsRestart(postgres, try Self.load("[store]\nurl = \"postgresql://ordrecon@db/shop\""))
                == nil)
        // The same SQLite file, named by url or by [paths] database, is no change.
        let named = try Self.load("[paths]\n[store]\nurl = \"sqlite:var/ordrecon.sqlite\"")
        #expect(ReloadService.needsRestart(sqlite, named) == nil)
    }
}
