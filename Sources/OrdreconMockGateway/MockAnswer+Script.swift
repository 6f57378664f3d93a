public import Foundation

extension MockAnswer {
    /// Reads a script: a JSON array of answers.
    ///
    /// - Parameter data: the JSON text, e.g. `[{"status": 500}, {"status": 429, "retry_after": "1"}]`.
    /// - Throws: ``MockScriptError`` saying which entry is wrong and why.
    public static func script(from data: Data) throws -> [MockAnswer] {
        do {
            return try JSONDecoder().decode([MockAnswer].self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw MockScriptError(reason: Self.describe(context))
        } catch let DecodingError.keyNotFound(key, context) {
            throw MockScriptError(reason: "\(Self.describe(context)): \"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw MockScriptError(reason: "\(Self.describe(context)): expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw MockScriptError(reason: "\(Self.describe(context)): expected \(type), got null")
        } catch {
            throw MockScriptError(reason: "\(error)")
        }
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "entry \($0 + 1)" } ?? $0.stringValue }
        let place = path.isEmpty ? "script" : path.joined(separator: ".")
        let underlying = (context.underlyingError as? any CustomStringConvertible)?.description
        return place + ": " + context.debugDescription + (underlying.map { " (\($0))" } ?? "")
    }
}

/// Why a script (a JSON array of ``MockAnswer``) cannot be used.
public struct MockScriptError: Error, CustomStringConvertible {
    /// What is wrong, naming the entry.
    public var reason: String
    public var description: String { "invalid script: \(reason)" }
}
