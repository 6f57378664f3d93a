import Logging

/// One log call, ready to be rendered as a line in any ``LogFormat``.
struct LogRecord {
    /// Where in the code the call was made; written only when asked for.
    struct CallSite {
        var file: String
        var function: String
        var line: UInt
    }

    var milliseconds: Int64
    var level: Logger.Level
    var label: String
    var message: String
    /// The module (swift-log's `source`): in the text form always, elsewhere with the call site.
    var source: String
    var callSite: CallSite?
    /// Handler, provider and per-call metadata, merged.
    var metadata: Logger.Metadata

    /// The fixed keys of logfmt and JSON lines, in the order they are written.
    static let fixedKeys = ["time", "level", "label", "msg"]
    /// The keys written after ``fixedKeys`` when the call site is included.
    static let callSiteKeys = ["source", "code.file", "code.function", "code.line"]
    /// What a metadata key equal to a fixed key is written as, so that it never hides one.
    static let renamedPrefix = "metadata."

    /// Renders the record as one line (no newline).
    func rendered(as format: LogFormat) -> String {
        switch format {
        case .logfmt: return logfmt()
        case .json: return json()
        case .text: return text()
        }
    }

    /// Metadata in the order written: secrets masked, keys sorted; with `renamingFixedKeys`, keys
    /// that clash with a fixed key are prefixed with ``renamedPrefix``.
    func fields(renamingFixedKeys: Bool) -> [(key: String, value: Logger.Metadata.Value)] {
        var result: [(key: String, value: Logger.Metadata.Value)] = []
        result.reserveCapacity(metadata.count)
        for (key, value) in metadata {
            let masked = Self.masked(value, key: key)
            if renamingFixedKeys && isFixedKey(key) {
                result.append((Self.renamedPrefix + key, masked))
            } else {
                result.append((key, masked))
            }
        }
        result.sort { $0.key < $1.key }
        return result
    }

    private func isFixedKey(_ key: String) -> Bool {
        Self.fixedKeys.contains(key) || (callSite != nil && Self.callSiteKeys.contains(key))
    }

    /// `value` with every secret replaced by ``SecretKeys/mask``, also inside nested dictionaries.
    static func masked(_ value: Logger.Metadata.Value, key: String) -> Logger.Metadata.Value {
        if SecretKeys.isSecret(key) {
            return .string(SecretKeys.mask)
        }
        switch value {
        case .string, .stringConvertible:
            return value
        case .dictionary(let dictionary):
            var result = Logger.Metadata()
            for (innerKey, innerValue) in dictionary {
                result[innerKey] = masked(innerValue, key: innerKey)
            }
            return .dictionary(result)
        case .array(let array):
            return .array(array.map { masked($0, key: "") })
        }
    }
}
