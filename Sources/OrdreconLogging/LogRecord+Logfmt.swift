import Logging
import OrdreconCore

extension LogRecord {
    func logfmt() -> String {
        var out = ""
        out.reserveCapacity(96 + message.utf8.count + metadata.count * 24)
        out += "time="
        out += TimeFormat.utcMilliseconds.string(milliseconds: milliseconds)
        out += " level="
        out += level.rawValue
        out += " label="
        LogEscaping.appendLogfmtValue(label, to: &out)
        out += " msg="
        LogEscaping.appendLogfmtValue(message, to: &out)
        if let callSite {
            out += " source="
            LogEscaping.appendLogfmtValue(source, to: &out)
            out += " code.file="
            LogEscaping.appendLogfmtValue(callSite.file, to: &out)
            out += " code.function="
            LogEscaping.appendLogfmtValue(callSite.function, to: &out)
            out += " code.line="
            out += String(callSite.line)
        }
        for (key, value) in fields(renamingFixedKeys: true) {
            out += " "
            LogEscaping.appendLogfmtKey(key, to: &out)
            out += "="
            LogEscaping.appendLogfmtValue(Self.plainText(value), to: &out)
        }
        return out
    }

    /// A metadata value as text: strings as they are, nested values as compact JSON.
    static func plainText(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string):
            return string
        case .stringConvertible(let convertible):
            return convertible.description
        case .dictionary, .array:
            var out = ""
            appendJSON(value, to: &out)
            return out
        }
    }
}
