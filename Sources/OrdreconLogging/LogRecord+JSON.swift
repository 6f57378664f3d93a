import Logging
import OrdreconCore

extension LogRecord {
    func json() -> String {
        var out = ""
        out.reserveCapacity(112 + message.utf8.count + metadata.count * 28)
        out += "{\"time\":\""
        out += TimeFormat.utcMilliseconds.string(milliseconds: milliseconds)
        out += "\",\"level\":\""
        out += level.rawValue
        out += "\",\"label\":"
        JSONText.appendString(label, to: &out)
        out += ",\"msg\":"
        JSONText.appendString(message, to: &out)
        if let callSite {
            out += ",\"source\":"
            JSONText.appendString(source, to: &out)
            out += ",\"code.file\":"
            JSONText.appendString(callSite.file, to: &out)
            out += ",\"code.function\":"
            JSONText.appendString(callSite.function, to: &out)
            out += ",\"code.line\":"
            out += String(callSite.line)
        }
        for (key, value) in fields(renamingFixedKeys: true) {
            out += ","
            JSONText.appendString(key, to: &out)
            out += ":"
            Self.appendJSON(value, to: &out)
        }
        out += "}"
        return out
    }

    /// Appends a metadata value as JSON: strings as strings; integers, finite floating-point
    /// numbers and booleans given as `.stringConvertible` as JSON numbers and booleans; any other
    /// value as the string of its description; arrays and dictionaries (keys sorted) as JSON
    /// arrays and objects.
    static func appendJSON(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let string):
            JSONText.appendString(string, to: &out)
        case .stringConvertible(let convertible):
            switch convertible {
            case let bool as Bool:
                out += bool ? "true" : "false"
            case let integer as any BinaryInteger:
                out += integer.description
            case let double as Double where double.isFinite:
                out += double.description
            case let float as Float where float.isFinite:
                out += float.description
            default:
                JSONText.appendString(convertible.description, to: &out)
            }
        case .array(let array):
            out += "["
            for (index, element) in array.enumerated() {
                if index > 0 { out += "," }
                appendJSON(element, to: &out)
            }
            out += "]"
        case .dictionary(let dictionary):
            out += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONText.appendString(key, to: &out)
                out += ":"
                appendJSON(dictionary[key]!, to: &out)
            }
            out += "}"
        }
    }
}
