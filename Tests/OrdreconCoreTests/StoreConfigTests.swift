import Foundation
import Testing

@testable import OrdreconCore

private let root = "/srv/shop"
private let file = "config/ordrecon.toml"

private func load(_ text: String) throws(ConfigurationError) -> Configuration {
    try Configuration.load(tomlText: text, fileName: file, workspaceRoot: root)
}

/// Loads `text`, expecting a ConfigurationError; returns it (fails the test if none).
private func loadError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
    do {
        _ = try load(text)
        Issue.record("expected a configuration error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("Configuration: [store] url")
struct StoreConfigTests {
    @Test func absentOrEmptyIsTheSQLiteDatabaseAtPathsDatabase() throws {
        #expect(try load("").store == .sqlite(path: "/srv/shop/var/ordrecon.sqlite"))
        #expect(try load("[store]\nurl = \"\"").store == .sqlite(path: "/srv/shop/var/ordrecon.sqlite"))
        let moved = try load("[paths]\ndatabase = \"data/shop.db\"")
        #expect(moved.store == .sqlite(path: "/srv/shop/data/shop.db"))
        #expect(moved.paths.database == "/srv/shop/data/shop.db")
    }

    @Test func sqlitePathIsTakenFromTheWorkspaceAndBecomesPathsDatabase() throws {
        let c = try load("[store]\nurl = \"sqlite:var/other.sqlite\"")
        #expect(c.store == .sqlite(path: "/srv/shop/var/other.sqlite"))
        // The lock and processing/ follow the database.
        #expect(c.paths.database == "/srv/shop/var/other.sqlite")
        #expect(try load("[store]\nurl = \"sqlite:/data/x.sqlite\"").store == .sqlite(path: "/data/x.sqlite"))
        #expect(try load("[store]\nurl = \"SQLite:./var/../db.sqlite\"").store == .sqlite(path: "/srv/shop/db.sqlite"))
    }

    @Test func sqlitePathAndPathsDatabaseMustAgree() throws {
        let same = try load("[paths]\ndatabase = \"var/a.sqlite\"\n[store]\nurl = \"sqlite:./var/a.sqlite\"")
        #expect(same.store == .sqlite(path: "/srv/shop/var/a.sqlite"))
        let e = try #require(loadError("[paths]\ndatabase = \"var/a.sqlite\"\n[store]\nurl = \"sqlite:var/b.sqlite\""))
        #expect(e.keyPath == "store.url")
        #expect(e.line == 4)
        #expect(e.message.contains("/srv/shop/var/b.sqlite"), "\(e.message)")
        #expect(e.message.contains("paths.database names /srv/shop/var/a.sqlite"), "\(e.message)")
        #expect(e.message.contains("in one place only"), "\(e.message)")
    }

    @Test(arguments: [
        ("sqlite:", "empty"),
        ("sqlite:~/db.sqlite", "'~'"),
        ("sqlite://var/db.sqlite", "without //"),
        ("sqlite:inbox/db.sqlite", "lies in paths.inbox"),
        ("sqlite:archive/orders/db.sqlite", "lies in paths.archive"),
        ("sqlite:failed/db.sqlite", "lies in paths.failed"),
        ("sqlite:invoices", "same as paths.invoices"),
    ])
    func sqlitePathsAreCheckedLikePathsDatabase(url: String, fragment: String) throws {
        let e = try #require(loadError("[store]\nurl = \"\(url)\""))
        #expect(e.keyPath == "store.url")
        #expect(e.line == 2)
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test func postgresURL() throws {
        let text = "postgresql://ordrecon@db.internal:5433/shop?sslmode=require"
        let c = try load("[store]\nurl = \"\(text)\"")
        #expect(c.store == .postgres(try PostgresURL(text)))
        #expect(c.store.description == text)
        #expect(c.store.postgresURL?.text == text)
        // [paths] database still places the lock and processing/.
        #expect(c.paths.database == "/srv/shop/var/ordrecon.sqlite")
        #expect(try load("[store]\nurl = \"postgres://u@h/d\"").store == .postgres(try PostgresURL("postgres://u@h/d")))
        let socket = "postgresql:///shop?host=/run/postgresql"
        #expect(try load("[store]\nurl = \"\(socket)\"").store.postgresURL?.text == socket)
    }

    @Test func passwordIsRefusedWithoutBeingShown() throws {
        let e = try #require(loadError("[store]\nurl = \"postgresql://ordrecon:s3cret@db:5432/shop\""))
        #expect(e.keyPath == "store.url")
        #expect(e.line == 2)
        #expect(!e.description.contains("s3cret"), "\(e.description)")
        #expect(e.message.contains("\"postgresql://ordrecon:***@db:5432/shop\""), "\(e.message)")
        #expect(e.message.contains("PGPASSWORD or ~/.pgpass"), "\(e.message)")

        let parameter = try #require(
            loadError("[store]\nurl = \"postgresql://u@db/shop?password=s3cret&sslmode=require\""))
        #expect(!parameter.description.contains("s3cret"), "\(parameter.description)")
        #expect(parameter.message.contains("password=***&sslmode=require"), "\(parameter.message)")
        #expect(parameter.message.contains("PGPASSWORD or ~/.pgpass"), "\(parameter.message)")
    }

    @Test(arguments: [
        ("postgresql://ordrecon@/shop", "names no host"),
        ("postgresql://ordrecon@:5432/shop", "names no host"),
        ("postgresql://ordrecon@db:5432", "names no database"),
        ("postgresql://ordrecon@db:5432/", "names no database"),
        ("postgresql://ordrecon@db/shop?sslmode=require x", "spaces"),
        ("mysql://ordrecon@db/shop", "does not know the scheme \"mysql\""),
        ("var/ordrecon.sqlite", "write sqlite:var/ordrecon.sqlite"),
    ])
    func badURLs(url: String, fragment: String) throws {
        let e = try #require(loadError("[store]\nurl = \"\(url)\""))
        #expect(e.keyPath == "store.url")
        #expect(e.line == 2)
        #expect(e.message.contains(fragment), "\(e.message)")
        // The message says what is accepted: the fix.
        #expect(e.message.contains("postgresql://user@host:port/dbname"), "\(e.message)")
        #expect(e.message.contains("got \"\(url)\""), "\(e.message)")
    }

    @Test func wrongTypeAndUnknownKey() throws {
        let number = try #require(loadError("[store]\nurl = 5"))
        #expect(number.keyPath == "store.url")
        let typo = try #require(loadError("[store]\nurll = \"\""))
        #expect(typo.keyPath == "store.urll")
        #expect(typo.message.contains("did you mean url?"), "\(typo.message)")
    }

    @Test func redactingPassword() {
        #expect(PostgresURL.redactingPassword("postgresql://u:p@h:1/d") == "postgresql://u:***@h:1/d")
        #expect(
            PostgresURL.redactingPassword("postgresql://u:p@h/d?password=x") == "postgresql://u:***@h/d?password=***")
        #expect(PostgresURL.redactingPassword("u:p@h/d") == "u:***@h/d")
        #expect(PostgresURL.redactingPassword("postgresql://u@h/d?a=1") == "postgresql://u@h/d?a=1")
        #expect(PostgresURL.redactingPassword("sqlite:var/x") == "sqlite:var/x")
    }
}
