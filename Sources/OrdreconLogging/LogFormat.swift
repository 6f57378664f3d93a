/// The shape of a log line.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `key=value` pairs: `time=… level=info label=ordrecon msg="run started" run.id=7`.
    case logfmt
    /// One JSON object per line (JSON Lines): `{"time":"…","level":"info",…}`.
    case json
    /// The human form, close to swift-log's `StreamLogHandler`: `… info ordrecon: run.id=7 [module] message`.
    case text
}
