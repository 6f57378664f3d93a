import OrdreconCore

extension StoreError {
    /// The error for a PostgreSQL database at a schema version newer than this build's.
    static func newerSchema(path: String, version: Int) -> StoreError {
        StoreError(
            .schemaTooNew,
            message: "the database \(path) has schema version \(version), newer than this ordrecon knows "
                + "(\(PGSchema.migrations.count)): it was written by a newer ordrecon; use that version, "
                + "or restore the database from a backup made with this one")
    }

}
