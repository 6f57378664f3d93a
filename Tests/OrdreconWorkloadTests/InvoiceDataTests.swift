import Foundation
import OrdreconCore
import Testing

@testable import OrdreconWorkload

/// The invoice data of contract section 8 in generated workloads: buyer fields, GSTINs, item
/// descriptions, `config/catalog.csv` and the count of incomplete invoices.
@Suite("Workload invoice data")
struct InvoiceDataTests {
    /// A `PENDING_PAYMENT` event whose texts need CSV quoting.
    static func awkwardEvent() -> WorkloadEvent {
        var e = WorkloadEvent(
            feed: .storefront, eventId: "SF-1", entity: "order", orderId: "ORD-1", status: "PENDING_PAYMENT",
            time: 1_772_335_800, timeStyle: .indiaOffset)
        e.customerId = "100001"
        e.customerName = "Iyer, Lakshmi \"Lucky\""
        e.billingAddress = "Flat 1203, Lake View Towers, 4th Cross Road\nIndiranagar, Bengaluru - 560038"
        e.billingState = "KA"
        e.customerGstin = "29ABCCK1234D1ZX"
        e.items = [
            EventItem(sku: "MUG-1", quantity: 2, unitPrice: 34_900, productName: "Mug \"Chai Time\", 350 ml"),
            EventItem(sku: "TEA-1", quantity: 1, unitPrice: 9_999),
        ]
        return e
    }

    @Test("a quoted name and a two-line address survive CSV, JSON and JSON Lines", arguments: [0, 1, 2, 3])
    func roundTrip(shape: Int) throws {
        let root = try TempRoot()
        defer { root.remove() }
        let e = Self.awkwardEvent()
        var rng = SplitMix64(seed: 1)
        let ext = ["csv", "csv", "json", "jsonl"][shape]
        let path = root.path + "/events." + ext
        let sink = try FileSink(path: path)
        if shape < 2 {
            var renderer = CSVRenderer(style: CSVStyle(crlf: shape == 1, quoteAll: shape == 1))
            renderer.begin([e], into: sink, rng: &rng)
            renderer.write(e, isLast: true, into: sink, rng: &rng)
        } else {
            var renderer = JSONRenderer(style: JSONStyle(lines: shape == 3, pretty: true))
            renderer.begin(into: sink)
            renderer.write(e, first: true, into: sink, rng: &rng)
            renderer.end(into: sink)
        }
        try sink.close(mtime: 0)
        if shape < 2 {
            // Header and two item rows, though the address holds a line break.
            let records = try #require(parseCSV(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(records.count == 3)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains("\"Iyer, Lakshmi \"\"Lucky\"\"\""))
            #expect(text.contains("4th Cross Road\nIndiranagar"))
        }
        let file = InboxFile(feed: "storefront", name: "events." + ext, path: path, mtime: 0)
        let events = try #require(try readEvents(file))
        try #require(events.count == 1)
        let read = events[0]
        #expect(read["customer_name"] == e.customerName)
        #expect(read["billing_address"] == e.billingAddress)
        #expect(read["billing_state"] == "KA")
        #expect(read["customer_gstin"] == e.customerGstin)
        #expect(read.items.map { $0["description"] } == ["Mug \"Chai Time\", 350 ml", nil])
        #expect(read.items.map { $0["sku"] } == ["MUG-1", "TEA-1"])
    }

    @Test("buyer fields and descriptions appear in every format, with commas, quotes, line breaks, Greek or Cyrillic")
    func fieldsInFiles() throws {
        try TempRoot.with(WorkloadOptions(orders: 600, seed: 21, faults: false)) { root, _, _ in
            var formats: Set<String> = []
            var multiLineInCSV = false
            var quotedName = false
            var nonLatin = false
            var created = 0
            var items = 0
            var described = 0
            for file in try inboxFiles(root) where file.feed == "storefront" {
                for event in try #require(try readEvents(file)) where event["status"] == "PENDING_PAYMENT" {
                    created += 1
                    items += event.items.count
                    described += event.items.filter { $0["description"] != nil }.count
                    guard let name = event["customer_name"] else { continue }
                    if event["billing_address"] != nil, event["billing_state"] != nil,
                        event.items.contains(where: { $0["description"] != nil })
                    {
                        formats.insert(file.ext == "ndjson" ? "jsonl" : file.ext)
                    }
                    if file.ext == "csv", event["billing_address"]?.contains("\n") == true { multiLineInCSV = true }
                    if name.contains(",") || name.contains("\"") { quotedName = true }
                    if name.unicodeScalars.contains(where: { (0x370...0x4FF).contains($0.value) }) { nonLatin = true }
                }
            }
            #expect(formats == ["csv", "json", "jsonl"])
            #expect(multiLineInCSV && quotedName && nonLatin)
            #expect(created == 600)
            // Most items carry their product's name.
            #expect(described * 10 > items * 8 && described < items, "\(described) of \(items)")
        }
    }

    @Test("GSTINs are valid and of the billing state; billing states match the address")
    func gstins() throws {
        try TempRoot.with(WorkloadOptions(orders: 3000, seed: 5, faults: false)) { root, _, _ in
            var created = 0
            var registered = 0
            var withState = 0
            var sameAsShipping = 0
            for event in try allEvents(root) where event["status"] == "PENDING_PAYMENT" {
                created += 1
                if let gstin = event["customer_gstin"] {
                    registered += 1
                    #expect(GSTIN.problem(gstin) == nil, "\(gstin)")
                    let state = try #require(event["billing_state"].flatMap { IndianState(code: $0) })
                    #expect(GSTIN.stateCode(gstin) == state.gstCode, "\(gstin) billed to \(state.code)")
                    #expect(event["customer_name"] != nil && event["billing_address"] != nil)
                }
                guard let state = event["billing_state"] else {
                    #expect(event["billing_address"] == nil)
                    continue
                }
                withState += 1
                #expect(event["customer_name"] != nil)
                let address = try #require(event["billing_address"])
                let cities = Addresses.cities.filter { $0.state == state }.map(\.name)
                #expect(cities.contains { address.contains($0) }, "\(address) is not in \(state)")
                #expect(address.range(of: #"\b\d{6}$"#, options: .regularExpression) != nil, "\(address)")
                if event["ship_to_state"] == nil || event["ship_to_state"] == state { sameAsShipping += 1 }
            }
            #expect(created == 3000)
            // A few percent of buyers are registered businesses; most name their billing address.
            #expect(registered > 30 && registered < 180, "\(registered)")
            #expect(withState > created * 8 / 10)
            #expect(sameAsShipping > withState * 8 / 10)
        }
    }

    @Test("the catalog covers every SKU the events use but the deliberate gaps, which never carry HSN")
    func catalogCoverage() throws {
        try TempRoot.with(WorkloadOptions(orders: 3000, seed: 5, faults: false)) { root, _, _ in
            let (header, rows) = try readCatalog(root)
            #expect(header == ["sku", "description", "hsn", "gst_rate"])
            let unlisted = Set(Catalog.unlistedProducts.map { Catalog.products[$0].sku })
            #expect(rows.count == Catalog.products.count - unlisted.count)
            for product in Catalog.products where product.listed {
                #expect(rows[product.sku] == [product.sku, product.name, product.hsn, String(product.gstRate)])
            }
            var used: Set<String> = []
            for event in try allEvents(root) where event["status"] == "PENDING_PAYMENT" {
                for item in event.items {
                    used.insert(item["sku"]!)
                    if unlisted.contains(item["sku"]!) {
                        #expect(item["hsn"] == nil && item["description"] != nil)
                    }
                }
            }
            let gaps = used.subtracting(rows.keys)
            #expect(!gaps.isEmpty && gaps.isSubset(of: unlisted), "\(gaps)")
            #expect(used.count > 200)
        }
    }

    @Test(
        "expected.json's incomplete invoices match a recount from the files",
        arguments: [
            (WorkloadOptions.Lifecycle.waves, WorkloadOptions.Formats.mixed), (.spread, .csv), (.spread, .mixed),
        ])
    func incompleteRecount(lifecycle: WorkloadOptions.Lifecycle, formats: WorkloadOptions.Formats) throws {
        let options = WorkloadOptions(orders: 2500, seed: 9, faults: false, lifecycle: lifecycle, formats: formats)
        try TempRoot.with(options) { root, summary, _ in
            let recount = try recountIncompleteInvoices(root)
            #expect(recount.invoices == summary.invoices)
            #expect(recount.incomplete == summary.invoicesIncomplete)
            // A few: both causes (missing HSN; ₹50,000 or more without a named buyer) occur.
            #expect(recount.missingHSN > 0 && recount.unnamed > 0, "\(recount)")
            #expect(summary.invoicesIncomplete * 15 < summary.invoices, "\(summary.invoicesIncomplete)")
            let written =
                try JSONSerialization.jsonObject(
                    with: try Data(contentsOf: URL(fileURLWithPath: root + "/expected.json"))) as? [String: Any]
            #expect(written?["invoicesIncomplete"] as? Int == summary.invoicesIncomplete)
        }
    }

    @Test("even a small workload with faults has incomplete invoices of both kinds")
    func smallWorkload() throws {
        try TempRoot.with(WorkloadOptions(orders: 40, seed: 3)) { _, summary, _ in
            // Orders 8 (a product the catalog lacks), 9 and 13 (bulk, no name and address) ship.
            #expect(summary.invoicesIncomplete >= 3 && summary.invoicesIncomplete <= summary.invoices)
        }
    }

    @Test("the catalog is the same for every seed and lifecycle")
    func catalogFixed() throws {
        let waves = try TempRoot.with(WorkloadOptions(orders: 20, seed: 1)) { root, _, _ in
            try Data(contentsOf: URL(fileURLWithPath: root + "/config/catalog.csv"))
        }
        let spread = try TempRoot.with(
            WorkloadOptions(orders: 20, seed: 2, faults: false, lifecycle: .spread)
        ) { root, _, _ in
            try Data(contentsOf: URL(fileURLWithPath: root + "/config/catalog.csv"))
        }
        #expect(waves == spread && waves == Data(CatalogFile.text()))
    }
}
