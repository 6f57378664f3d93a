/// Why a configuration file cannot be used.
///
/// Its description reads like a compiler message, e.g.
/// `config/ordrecon.toml:14: returns.window_days: expected a whole number of days 0...3650, got "thirty"`.
/// TOML syntax errors carry a column too: `config/ordrecon.toml:3:9: string is not closed ...`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file as the user knows it (e.g. `config/ordrecon.toml`).
    public var fileName: String
    /// The key involved, e.g. `returns.window_days` or `feeds.carrier.allow[1]` (0-based index);
    /// empty when the problem is not about one key (most syntax errors).
    public var keyPath: String
    /// 1-based line of the problem, when known.
    public var line: Int?
    /// 1-based column, for syntax errors.
    public var column: Int?
    /// What is wrong, the value (unless secret) and what would be accepted.
    public var message: String

    public init(fileName: String, keyPath: String, line: Int?, column: Int? = nil, message: String) {
        self.fileName = fileName
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var text = fileName
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !keyPath.isEmpty { text += keyPath + ": " }
        return text + message
    }
}
