import OrdreconCore
import OrdreconPostgres
import OrdreconTestSupport
import Testing

/// The PostgreSQL store makes its schema in an empty database, once, and refuses one written by
/// a newer ordrecon.
@Suite struct PostgresSchemaTests {
    @Test func anEmptyDatabaseGetsTheWholeSchemaOnce() throws {
        let url = try TestPostgres.newDatabase()
        let factory = PostgresStoreFactory(url: url)
        #expect(try factory.inspect() == .empty)
        let store = try factory.open()
        #expect(try store.schemaVersion == factory.latestSchemaVersion)
        _ = try factory.open()
        #expect(try factory.inspect() == .database(schemaVersion: factory.latestSchemaVersion))
        let columns = try TestPostgres.rows(
            """
            SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_log' ORDER BY ordinal_position
            """, in: url
        ).map { $0[0] ?? "" }
        #expect(
            columns == [
                "id", "run_id", "feed", "file_name", "line", "event_id", "entity", "entity_id", "order_id", "return_id",
                "status", "occurred_at", "actor", "reason", "outcome", "reason_code", "message", "recorded_at",
                "file_id", "occurred_at_ms", "recorded_at_ms",
            ])
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() throws {
        let url = try TestPostgres.newDatabase()
        _ = try PostgresStoreFactory(url: url).open()
        try TestPostgres.execute("INSERT INTO ordrecon_schema (version) VALUES (99)", in: url)
        #expect(throws: StoreError.self) { _ = try PostgresStoreFactory(url: url).open() }
        #expect(try TestPostgres.rows("SELECT max(version) FROM ordrecon_schema", in: url) == [["99"]])
    }
}
