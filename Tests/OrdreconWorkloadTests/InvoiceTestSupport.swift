import Foundation
import OrdreconCore
import Testing

@testable import OrdreconWorkload

/// One event read back from a generated file, whatever its format: field texts (absent, empty
/// and JSON null fields left out; JSON numbers as written) and items.
struct ReadEvent {
    var fields: [String: String]
    var items: [[String: String]]
    subscript(_ name: String) -> String? { fields[name] }
}

private let itemColumns: Set<String> = ["sku", "quantity", "unit_price", "hsn", "gst_rate", "description"]

/// The events of a CSV, JSON or JSON Lines file, in file order (nil for another kind or a file
/// that does not parse). A CSV event is its run of rows with the same `event_id`: the first
/// row's other columns, and every row's item columns.
func readEvents(_ file: InboxFile) throws -> [ReadEvent]? {
    let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
    switch file.ext {
    case "csv":
        guard let records = parseCSV(data), let header = records.first,
            let idColumn = header.firstIndex(of: "event_id")
        else { return nil }
        var events: [ReadEvent] = []
        var previous: String?
        for row in records.dropFirst() {
            guard row.count == header.count else { return nil }
            var fields: [String: String] = [:]
            var item: [String: String] = [:]
            for (name, value) in zip(header, row) where !value.isEmpty {
                if itemColumns.contains(name) { item[name] = value } else { fields[name] = value }
            }
            if row[idColumn] != previous {
                events.append(ReadEvent(fields: fields, items: []))
            }
            if !item.isEmpty { events[events.count - 1].items.append(item) }
            previous = row[idColumn]
        }
        return events
    case "json":
        guard let object = try? JSONSerialization.jsonObject(with: data) else { return nil }
        let array = (object as? [Any]) ?? ((object as? [String: Any])?["events"] as? [Any])
        return array?.compactMap { ($0 as? [String: Any]).map(readEvent) }
    case "jsonl", "ndjson":
        var events: [ReadEvent] = []
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                return nil
            }
            events.append(readEvent(object))
        }
        return events
    default:
        return nil
    }
}

private func readEvent(_ object: [String: Any]) -> ReadEvent {
    func texts(_ object: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String, !text.isEmpty {
                result[key] = text
            } else if let number = value as? NSNumber {
                result[key] = number.stringValue
            }
        }
        return result
    }
    let items = (object["items"] as? [[String: Any]])?.map(texts) ?? []
    return ReadEvent(fields: texts(object), items: items)
}

/// Every event of a workload's readable files, in processing order.
func allEvents(_ root: String) throws -> [ReadEvent] {
    var events: [ReadEvent] = []
    for file in try inboxFilesInProcessingOrder(root) {
        events += try readEvents(file) ?? []
    }
    return events
}

/// `config/catalog.csv` of a workload: its header and its rows by SKU.
func readCatalog(_ root: String) throws -> (header: [String], rows: [String: [String]]) {
    let records = parseCSV(try Data(contentsOf: URL(fileURLWithPath: root + "/config/catalog.csv"))) ?? []
    var rows: [String: [String]] = [:]
    for row in records.dropFirst() { rows[row[0]] = row }
    return (records.first ?? [], rows)
}

/// Counts, from the files alone, the invoices the contract lists as incomplete: orders created
/// and then SHIPPED whose lines lack an HSN code after the catalog fills blanks, or whose total is
/// ₹50,000 or more without a GSTIN and without all of name, address and state. Every event must
/// be applied (a workload without faults).
func recountIncompleteInvoices(_ root: String) throws -> (
    invoices: Int, incomplete: Int, missingHSN: Int, unnamed: Int
) {
    let catalog = try readCatalog(root).rows
    var created: [String: ReadEvent] = [:]
    var invoices = 0
    var incomplete = 0
    var missingHSNCount = 0
    var unnamed = 0
    for event in try allEvents(root) where event["entity"]?.lowercased() == "order" {
        switch event["status"]?.uppercased() {
        case "PENDING_PAYMENT": created[event["order_id"]!] = event
        case "SHIPPED":
            let order = try #require(created[event["order_id"]!])
            invoices += 1
            var total: Int64 = 0
            var missingHSN = false
            for item in order.items {
                total += try Money(parsing: item["unit_price"]!).paise * Int64(item["quantity"]!)!
                if item["hsn"] == nil, (catalog[item["sku"]!]?[2] ?? "").isEmpty { missingHSN = true }
            }
            let named =
                order["customer_name"] != nil && order["billing_address"] != nil && order["billing_state"] != nil
            let anonymous = total >= 5_000_000 && order["customer_gstin"] == nil && !named
            if missingHSN { missingHSNCount += 1 }
            if anonymous { unnamed += 1 }
            if missingHSN || anonymous { incomplete += 1 }
        default: break
        }
    }
    return (invoices, incomplete, missingHSNCount, unnamed)
}
