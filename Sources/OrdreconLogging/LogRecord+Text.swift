import Logging
import OrdreconCore

extension LogRecord {
    /// `2026-11-27T14:05:00+0000 info ordrecon: run.id=7 [module] message`
    func text() -> String {
        var out = TimeFormat.swiftLogStyle.string(milliseconds: milliseconds)
        out += " "
        out += level.rawValue
        if !label.isEmpty {
            out += " "
            LogEscaping.appendOneLine(label, to: &out)
        }
        out += ":"
        for (key, value) in fields(renamingFixedKeys: false) {
            out += " "
            LogEscaping.appendLogfmtKey(key, to: &out)
            out += "="
            LogEscaping.appendLogfmtValue(Self.plainText(value), to: &out)
        }
        out += " ["
        LogEscaping.appendOneLine(source, to: &out)
        out += "] "
        LogEscaping.appendOneLine(message, to: &out)
        if let callSite {
            out += " ("
            LogEscaping.appendOneLine(callSite.file, to: &out)
            out += ":\(callSite.line) "
            LogEscaping.appendOneLine(callSite.function, to: &out)
            out += ")"
        }
        return out
    }
}

extension TimeFormat {
    /// `2026-11-27T14:05:00+0000`: UTC to the second, the shape of swift-log's `StreamLogHandler`.
    static let swiftLogStyle = TimeFormat(fraction: .none, offset: .compact)
}
