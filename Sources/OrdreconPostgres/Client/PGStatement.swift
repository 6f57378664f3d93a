import CPostgres
import Glibc
import OrdreconCore

/// A statement prepared on the server, with typed binds (1-based, `$1`…) and columns (0-based),
/// shaped like the SQLite store's so that the two adapters read alike.
///
/// Parameters travel as text and PostgreSQL infers their types from the statement; the first
/// ``step()`` sends them and receives every row at once, later steps walk those rows.
final class PGStatement {
    let name: String
    let sql: String
    private unowned let connection: PGConnection
    private var parameters: [String?] = []
    private var result: OpaquePointer?
    private var row: Int32 = -1
    private var rowCount: Int32 = 0

    init(connection: PGConnection, name: String, sql: String) {
        self.connection = connection
        self.name = name
        self.sql = sql
    }

    deinit { if let result { PQclear(result) } }

    /// Forgets the rows of the last execution and every bound parameter.
    func reset() {
        if let result { PQclear(result) }
        result = nil
        row = -1
        rowCount = 0
        parameters.removeAll(keepingCapacity: true)
    }

    // MARK: Binding

    /// Binds a text (nil: NULL), in the form ``PGText`` stores text with a NUL in.
    @discardableResult
    func bind(_ index: Int32, _ value: String?) -> PGStatement {
        bind(index, raw: value.map(PGText.encode))
    }

    @discardableResult
    private func bind(_ index: Int32, raw value: String?) -> PGStatement {
        let position = Int(index) - 1
        if parameters.count <= position {
            parameters.append(contentsOf: repeatElement(nil, count: position + 1 - parameters.count))
        }
        parameters[position] = value
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int64?) -> PGStatement { bind(index, raw: value.map { String($0) }) }

    @discardableResult
    func bind(_ index: Int32, _ value: Int?) -> PGStatement { bind(index, raw: value.map { String($0) }) }

    /// Binds each value in order, starting at `$1`.
    @discardableResult
    func bind(_ values: [(any PGValue)?]) -> PGStatement {
        for (offset, value) in values.enumerated() { bind(Int32(offset + 1), value?.pgText) }
        return self
    }

    // MARK: Running

    /// Advances to the next row (the first call runs the statement). - Returns: whether there is one.
    @discardableResult
    func step() throws(StoreError) -> Bool {
        if result == nil { try execute() }
        row += 1
        return row < rowCount
    }

    /// Runs the statement, ignoring any rows.
    func run() throws(StoreError) {
        try execute()
    }

    /// Sends the statement, a write whose result nothing needs at once, without waiting for the
    /// server: it travels with the next statement, and its error (if any) is thrown by that one,
    /// or by COMMIT, so that it still fails the transaction. Outside a transaction it runs as
    /// ``run()`` does.
    func runDeferred() throws(StoreError) {
        if let result { PQclear(result) }
        result = nil
        row = -1
        rowCount = 0
        try connection.sendDeferred(name, parameters: parameters, sql: sql)
    }

    /// How many rows the last run inserted, updated or deleted.
    var changes: Int {
        guard let result, let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    private func execute() throws(StoreError) {
        // Forgotten before anything can throw: a result cleared but still held would be cleared
        // again by the next reset (a double free).
        if let result { PQclear(result) }
        result = nil
        row = -1
        rowCount = 0
        let executed = try connection.runPrepared(name, parameters: parameters, sql: sql)
        result = executed
        do {
            try connection.check(executed, sql: sql)
        } catch {
            if let executed { PQclear(executed) }
            result = nil
            throw error
        }
        rowCount = PQntuples(executed)
    }

    // MARK: Columns

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) != 0 }

    /// The column as text, with what ``PGText`` escaped undone.
    func string(_ column: Int32) -> String {
        guard let text = PQgetvalue(result, row, column) else { return "" }
        let length = Int(PQgetlength(result, row, column))
        return text.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            PGText.decode(UnsafeBufferPointer(start: bytes, count: length))
        }
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    /// The column as an integer (0 when NULL); bigint and integer columns arrive as decimal text.
    func int64(_ column: Int32) -> Int64 {
        guard let text = PQgetvalue(result, row, column) else { return 0 }
        var value: Int64 = 0
        var negative = false
        var pointer = text
        if pointer.pointee == UInt8(ascii: "-") {
            negative = true
            pointer += 1
        }
        while case let byte = UInt8(bitPattern: pointer.pointee), byte >= 48, byte <= 57 {
            value = value &* 10 &+ Int64(byte - 48)
            pointer += 1
        }
        return negative ? -value : value
    }

    func int(_ column: Int32) -> Int { Int(int64(column)) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    func bool(_ column: Int32) -> Bool { PQgetvalue(result, row, column)?.pointee == CChar(UInt8(ascii: "t")) }
}

/// Calls `body` with C strings for `values` (NULL for nil), alive during the call.
func withCStrings<R>(_ values: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    if values.isEmpty { return body(nil) }
    var storage: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } }
    defer { for pointer in storage { free(pointer) } }
    return storage.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}

/// Values that can be bound to a statement parameter, as PostgreSQL's text form.
protocol PGValue {
    var pgText: String { get }
}

extension String: PGValue { var pgText: String { self } }
extension Int64: PGValue { var pgText: String { String(self) } }
extension Int: PGValue { var pgText: String { String(self) } }
extension Bool: PGValue { var pgText: String { self ? "1" : "0" } }

@available(*, unavailable, message: "a statement belongs to its connection's thread")
extension PGStatement: Sendable {}

extension PGStatement: StoreRow {}
