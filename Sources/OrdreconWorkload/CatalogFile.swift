import OrdreconCore

/// The product catalog a generated workspace gets as `config/catalog.csv` (columns `sku,
/// description, hsn, gst_rate`): it fills the description, HSN code and GST rate an item leaves
/// blank. It lists every product but ``Catalog/unlistedProducts``, the same for every seed.
enum CatalogFile {
    /// The catalog's path inside a workspace.
    static let relativePath = "config/catalog.csv"

    /// HSN code by SKU of the listed products: what the catalog gives an item without one.
    static let hsnBySku: [String: String] = Dictionary(
        uniqueKeysWithValues: Catalog.products.filter(\.listed).map { ($0.sku, $0.hsn) })

    /// The catalog as CSV (RFC 4180, LF line ends, fields quoted where they hold a comma or quote).
    static func text() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Catalog.products.count * 64)
        out.append(contentsOf: "sku,description,hsn,gst_rate\n".utf8)
        for product in Catalog.products where product.listed {
            field(product.sku, &out)
            out.append(UInt8(ascii: ","))
            field(product.name, &out)
            out.append(UInt8(ascii: ","))
            field(product.hsn, &out)
            out.append(UInt8(ascii: ","))
            field(String(product.gstRate), &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes the catalog under `root` (replacing one that is there: the expected outcome holds
    /// for this catalog only).
    static func write(into root: String) throws {
        let sink = try FileSink(path: root + "/" + relativePath)
        sink.buffer.append(contentsOf: text())
        try sink.close(mtime: WorkloadRun.firstFileTime)
    }

    private static func field(_ text: String, _ out: inout [UInt8]) {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            out.append(byte)
            if byte == 0x22 { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
