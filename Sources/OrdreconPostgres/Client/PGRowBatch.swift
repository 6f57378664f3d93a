import OrdreconCore

/// Rows of one table gathered on the client and inserted by one statement.
///
/// A single-row INSERT costs the server far more than its row: a message and a reply, an
/// executor started and ended, the table's constraint expressions read again. Ingestion writes
/// an audit row per event (and an order's header and lines, an invoice, …), so those costs were
/// most of the server's time. Rows whose insertion nobody waits for are therefore gathered here
/// and sent together, as `INSERT … SELECT * FROM unnest($1::…[], $2::…[], …)`: one array
/// parameter per column.
///
/// The connection (see ``PGConnection/register(_:)``) sends its batches, in the order they were
/// registered, before any other statement, so a statement never runs without the rows gathered
/// before it; register a table after the tables it refers to. A batch sent is a deferred write
/// (PGPipeline.swift): its failure fails the transaction at the next statement or COMMIT, as a
/// single deferred INSERT would. A rollback forgets the rows gathered.
final class PGRowBatch {
    enum Kind {
        case text
        case bigint

        var arrayType: String {
            switch self {
            case .text: "text[]"
            case .bigint: "bigint[]"
            }
        }
    }

    /// A value of a row, of its column's kind (nil: NULL).
    enum Value {
        case text(String?)
        case bigint(Int64?)
    }

    let sql: String
    private let kinds: [Kind]
    /// Each column's array literal so far, without its braces.
    private var columns: [[UInt8]]
    /// How many rows are gathered.
    private(set) var count = 0
    /// How many rows make the connection send the batch without waiting for another statement.
    let limit: Int

    /// - Parameters:
    ///   - table: the table the rows go to.
    ///   - columns: its columns, in the order of each row's values.
    ///   - limit: how many rows are sent at once at most.
    init(insertInto table: String, columns: [(name: String, kind: Kind)], limit: Int = 100) {
        precondition(!columns.isEmpty)
        kinds = columns.map(\.kind)
        self.columns = Array(repeating: [], count: columns.count)
        self.limit = limit
        let parameters = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.kind.arrayType)" }
        sql = """
            INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", ")))
            SELECT * FROM unnest(\(parameters.joined(separator: ", ")))
            """
    }

    var isEmpty: Bool { count == 0 }

    /// Adds a row: one value per column, of its kind.
    func append(_ values: [Value]) {
        precondition(values.count == kinds.count, "a row of \(values.count) values for \(kinds.count) columns")
        for (index, value) in values.enumerated() {
            if count > 0 { columns[index].append(UInt8(ascii: ",")) }
            switch (value, kinds[index]) {
            case (.text(let text), .text):
                guard let text else {
                    columns[index].append(contentsOf: Self.null)
                    continue
                }
                Self.appendQuoted(PGText.encode(text), to: &columns[index])
            case (.bigint(let number), .bigint):
                guard let number else {
                    columns[index].append(contentsOf: Self.null)
                    continue
                }
                columns[index].append(contentsOf: String(number).utf8)
            default:
                preconditionFailure("value \(value) for a \(kinds[index]) column")
            }
        }
        count += 1
    }

    /// The statement's parameters for the rows gathered (one array literal per column), and
    /// the batch emptied.
    func take() -> [String?] {
        defer { clear() }
        return columns.map { column in
            var literal: [UInt8] = [UInt8(ascii: "{")]
            literal.reserveCapacity(column.count + 2)
            literal.append(contentsOf: column)
            literal.append(UInt8(ascii: "}"))
            return String(decoding: literal, as: UTF8.self)
        }
    }

    /// Forgets the rows gathered.
    func clear() {
        for index in columns.indices { columns[index].removeAll(keepingCapacity: true) }
        count = 0
    }

    private static let null = Array("NULL".utf8)

    /// An array element: in double quotes, with `"` and `\` escaped (so that no text, not even
    /// "NULL" or one with braces or commas, is read as anything else).
    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}

@available(*, unavailable, message: "a batch belongs to its connection's thread")
extension PGRowBatch: Sendable {}
