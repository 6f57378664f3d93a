import Foundation

/// The document being read, handing out one ``TableReader`` per table.
struct ConfigFileReader {
    let fileName: String
    let document: TOMLTable
    let recorder: KeyRecorder?
    /// The workspace folder, as messages name it (``ConfigKey/workspace``).
    var workspaceRoot = "/"

    func table(_ table: ConfigTable) -> TableReader {
        let source = table == .top ? nil : document[table.rawValue]
        let values = table == .top ? document : source?.tableValue ?? TOMLTable()
        return TableReader(
            fileName: fileName, table: table, source: source, values: values, recorder: recorder,
            workspaceRoot: workspaceRoot)
    }
}

/// A value read for a key, with where it came from (nil: the key is missing, the default applies).
struct Setting<Value> {
    var value: Value
    var source: TOMLValue?
    var key: ConfigKey
}

/// Reads the keys of one table. Each read takes the key's whole description (``ConfigKey``),
/// records it when a ``KeyRecorder`` is listening, checks the value against it and turns it
/// into a typed value; errors name the file, line and key, and never show a secret.
struct TableReader {
    let fileName: String
    let table: ConfigTable
    /// The table's value in the document (nil for the top level, or when the table is missing).
    let source: TOMLValue?
    /// The table's keys (empty when the table is missing).
    let values: TOMLTable
    let recorder: KeyRecorder?
    /// The workspace folder, as messages name it (``ConfigKey/workspace``).
    let workspaceRoot: String

    /// Records `key` (when recording) and returns it.
    @discardableResult
    func describe(_ key: ConfigKey) -> ConfigKey {
        recorder?.record(key)
        return key
    }

    // MARK: - Reading

    /// A string key; its caller checks the value further and reports problems with ``invalid(_:expected:because:)``.
    func text(
        _ name: String, default fallback: String, accepts: String, kind: ConfigValueKind = .string, doc: String,
        comment: [String] = [], secret: Bool = false
    ) throws(ConfigurationError) -> Setting<String> {
        let key = describe(
            ConfigKey(
                table: table, name: name, kind: kind, accepts: accepts, defaultValue: .string(fallback), doc: doc,
                comment: comment, secret: secret))
        guard let value = values[name] else { return Setting(value: fallback, source: nil, key: key) }
        guard let text = value.stringValue else {
            let hint =
                value.integerValue != nil || value.decimalText != nil || value.booleanValue != nil
                ? "strings must be in quotes" : nil
            throw invalid(key, value, because: hint)
        }
        return Setting(value: text, source: value, key: key)
    }

    /// A whole number in `range`, described as "a whole number of `unit` lo...hi[ (note)]".
    func integer(
        _ name: String, _ range: ClosedRange<Int>, unit: String, note: String? = nil, default fallback: Int,
        doc: String,
        comment: [String] = []
    ) throws(ConfigurationError) -> Setting<Int> {
        let accepts =
            "a whole number of \(unit) \(range.lowerBound)...\(range.upperBound)" + (note.map { " (\($0))" } ?? "")
        return try integer(name, range, accepts: accepts, default: fallback, doc: doc, comment: comment)
    }

    /// A whole number in `range`, described as `accepts`.
    func integer(
        _ name: String, _ range: ClosedRange<Int>, accepts: String, default fallback: Int, doc: String,
        comment: [String] = []
    ) throws(ConfigurationError) -> Setting<Int> {
        let key = describe(
            ConfigKey(
                table: table, name: name, kind: .integer(range), accepts: accepts,
                defaultValue: .integer(Int64(fallback)),
                doc: doc, comment: comment))
        guard let value = values[name] else { return Setting(value: fallback, source: nil, key: key) }
        switch value.kind {
        case .integer(let i):
            guard let n = Int(exactly: i), range.contains(n) else { throw invalid(key, value, because: "out of range") }
            return Setting(value: n, source: value, key: key)
        case .string(let s):
            let quoted = Int(s.trimmingCharacters(in: .whitespaces)) != nil
            throw invalid(key, value, because: quoted ? "a string; write the number without quotes" : nil)
        default:
            throw invalid(key, value)
        }
    }

    func boolean(_ name: String, default fallback: Bool, doc: String, comment: [String] = []) throws(ConfigurationError)
        -> Setting<Bool>
    {
        let key = describe(
            ConfigKey(
                table: table, name: name, kind: .boolean, accepts: "true or false (without quotes)",
                defaultValue: .boolean(fallback), doc: doc, comment: comment))
        guard let value = values[name] else { return Setting(value: fallback, source: nil, key: key) }
        guard let flag = value.booleanValue else { throw invalid(key, value) }
        return Setting(value: flag, source: value, key: key)
    }

    /// One of `choices` (exactly as written).
    func choice(_ name: String, among choices: [String], default fallback: String, doc: String, comment: [String] = [])
        throws(ConfigurationError) -> Setting<String>
    {
        let setting = try text(
            name, default: fallback, accepts: "one of \(choices.joined(separator: ", "))", kind: .choice(choices),
            doc: doc, comment: comment)
        guard choices.contains(setting.value) else { throw invalid(setting) }
        return setting
    }

    /// A percent 0...100 with at most 2 decimals (written as a number or a string), as basis points.
    func percent(_ name: String, defaultBasisPoints fallback: Int, doc: String, comment: [String] = [])
        throws(ConfigurationError) -> Setting<Int>
    {
        let written =
            fallback % 100 == 0 ? TOMLValue.Kind.integer(Int64(fallback / 100)) : .decimal(Self.percentText(fallback))
        let key = describe(
            ConfigKey(
                table: table, name: name, kind: .percent,
                accepts: "a GST percent from 0 to 100 with at most 2 decimals, e.g. 18 or 12.5", defaultValue: written,
                doc: doc, comment: comment))
        guard let value = values[name] else { return Setting(value: fallback, source: nil, key: key) }
        let text: String
        switch value.kind {
        case .integer(let i): text = String(i)
        case .decimal(let d): text = d
        case .string(let s): text = s
        default: throw invalid(key, value)
        }
        guard let basisPoints = Self.basisPoints(text), basisPoints <= 10_000 else { throw invalid(key, value) }
        return Setting(value: basisPoints, source: value, key: key)
    }

    /// An array of non-empty strings, with a number of elements in `count`.
    func lines(
        _ name: String, count: ClosedRange<Int>, accepts: String, default fallback: [String], doc: String,
        comment: [String] = []
    ) throws(ConfigurationError) -> Setting<[String]> {
        let key = describe(
            ConfigKey(
                table: table, name: name, kind: .strings(count), accepts: accepts,
                defaultValue: .array(fallback.map { TOMLValue(.string($0), line: 0, column: 0) }), doc: doc,
                comment: comment))
        guard let value = values[name] else { return Setting(value: fallback, source: nil, key: key) }
        guard let entries = value.arrayValue, count.contains(entries.count) else { throw invalid(key, value) }
        var lines: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let text = entry.stringValue, !text.trimmingSpaces().isEmpty else {
                throw invalid(key, entry, suffix: "[\(index)]", expected: "a non-empty string")
            }
            lines.append(text)
        }
        return Setting(value: lines, source: value, key: key)
    }

    // MARK: - Errors

    /// "expected X, got Y[: because]" for a setting that failed its caller's check.
    func invalid<Value>(_ setting: Setting<Value>, expected: String? = nil, because: String? = nil)
        -> ConfigurationError
    {
        invalid(setting.key, setting.source, expected: expected, because: because)
    }

    /// "expected X, got Y[: because]" for `value` of `key` (the default, when `value` is nil).
    /// X is what the key accepts unless `expected` says otherwise; a secret's value is not shown.
    /// The error names `keyPath` (default: the key in this table), then `suffix` (an array index).
    func invalid(
        _ key: ConfigKey, _ value: TOMLValue?, at keyPath: String? = nil, suffix: String = "", expected: String? = nil,
        because: String? = nil
    ) -> ConfigurationError {
        var message = "expected \(expected ?? key.accepts(workspaceRoot: workspaceRoot))"
        if let value {
            var shown = ConfigurationValues.describe(value, secret: key.secret)
            if key.kind == .url, let s = value.stringValue {
                shown = TOMLTable.quoted(Configuration.redactedURL(s))
            }
            if key.kind == .storeURL, let s = value.stringValue {
                shown = TOMLTable.quoted(PostgresURL.redactingPassword(s))
            }
            message += ", got \(shown)"
        } else {
            message += " (the default)"
        }
        if let because { message += ": \(because)" }
        return error((keyPath ?? self.keyPath(key.name)) + suffix, line: value?.line, message)
    }

    /// An error about `keyPath` (as ``keyPath(_:)`` writes it) with its own message.
    func error(_ keyPath: String, line: Int?, _ message: String) -> ConfigurationError {
        ConfigurationError(fileName: fileName, keyPath: keyPath, line: line, message: message)
    }

    /// A key of this table as messages write it: `timezone`, `gateway.token`, `feeds.carrier.allow`.
    func keyPath(_ names: String...) -> String {
        TOMLTable.keyPathText(table == .top ? names : [table.rawValue] + names)
    }

    // MARK: - Numbers

    /// 1250 → "12.5", 25 → "0.25".
    static func percentText(_ basisPoints: Int) -> String {
        var fraction = String(basisPoints % 100)
        if fraction.count == 1 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(basisPoints / 100)" + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// `18` → 1800, `12.5` → 1250, `0.25` → 25; `nil` unless plain digits with at most 2 decimals.
    static func basisPoints(_ text: String) -> Int? {
        var whole = 0
        var fraction = 0
        var fractionDigits = 0
        var wholeDigits = 0
        var seenPoint = false
        var body = Substring(text)
        if body.hasPrefix("+") { body = body.dropFirst() }
        for c in body.unicodeScalars {
            switch c {
            case "0"..."9":
                let digit = Int(c.value - 48)
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits > 2 { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    wholeDigits += 1
                    if wholeDigits > 6 { return nil }
                    whole = whole * 10 + digit
                }
            case ".":
                if seenPoint { return nil }
                seenPoint = true
            default:
                return nil
            }
        }
        if wholeDigits == 0 || (seenPoint && fractionDigits == 0) { return nil }
        if fractionDigits == 1 { fraction *= 10 }
        return whole * 100 + fraction
    }
}
