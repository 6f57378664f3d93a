import ArgumentParser
import OrdreconCore

/// A command that can print its result as JSON (`--json`, or `--format json`). When it does,
/// its failures are JSON too: one object on standard output, and nothing on standard error
/// but log lines, so that a script reading standard output always gets one JSON document:
///
///     {"error":{"code":"order_not_found","message":"order NOPE is unknown","exit_status":66}}
///
/// The exit status is the same as without JSON.
protocol JSONReporting {
    var reportsJSON: Bool { get }
}

extension RunCommand: JSONReporting { var reportsJSON: Bool { json } }
extension DispatchCommand: JSONReporting { var reportsJSON: Bool { json } }
extension OrderCommand: JSONReporting { var reportsJSON: Bool { json } }
extension ReturnCommand: JSONReporting { var reportsJSON: Bool { json } }
extension RefundsListCommand: JSONReporting { var reportsJSON: Bool { json } }
extension RefundsShowCommand: JSONReporting { var reportsJSON: Bool { json } }
extension InvoicesListCommand: JSONReporting { var reportsJSON: Bool { json } }
extension InvoicesRenderCommand: JSONReporting { var reportsJSON: Bool { json } }
extension InvoiceShowCommand: JSONReporting { var reportsJSON: Bool { json } }
extension ValidateCommand: JSONReporting { var reportsJSON: Bool { json } }
extension AuditCommand: JSONReporting { var reportsJSON: Bool { json || format == .json } }
extension RejectionsCommand: JSONReporting { var reportsJSON: Bool { format == .json } }

enum JSONErrors {
    /// `{"error":{"code":…,"message":…,"exit_status":…}}` on one line.
    static func text(code: String, message: String, status: ExitCode) -> String {
        JSONValue.object([
            (
                "error",
                .object([
                    ("code", .string(code)), ("message", .string(message)),
                    ("exit_status", .int(Int64(status.rawValue))),
                ])
            )
        ]).text()
    }

    /// Whether raw arguments that did not parse asked for JSON: `--json`, `--format json` or
    /// `--format=json` before a `--`.
    static func requested(in arguments: [String]) -> Bool {
        let options = arguments.prefix { $0 != "--" }
        for (index, argument) in options.enumerated() {
            if argument == "--json" || argument == "--format=json" { return true }
            if argument == "--format", index + 1 < options.count, options[options.startIndex + index + 1] == "json" {
                return true
            }
        }
        return false
    }
}
