import Foundation
import OrdreconCore
import Testing

/// Parser throughput on ~50 MB of realistic feed text. Off by default; run in release with
/// `ORDRECON_PARSER_THROUGHPUT=1 swift test -c release -Xswiftc -enable-testing --filter Throughput`.
@Suite(
    "Parser throughput", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["ORDRECON_PARSER_THROUGHPUT"] != nil))
struct CSVAndJSONThroughputTests {
    static let targetBytes = 50 << 20

    /// Rows like a storefront/payments/warehouse mix: orders with 1–3 item rows, payments, shipments.
    static func csvText() -> [UInt8] {
        var text =
            "event_id,entity,order_id,return_id,status,occurred_at,actor,reason,customer_id,ship_to_state,currency,amount,payment_ref,carrier,tracking_number,sku,quantity,unit_price,hsn,gst_rate\n"
        var n = 0
        while text.utf8.count < targetBytes {
            n += 1
            switch n % 4 {
            case 0:
                for k in 0..<(1 + n % 3) {
                    text +=
                        k == 0
                        ? "evt-\(n),order,ORD-\(n),,PENDING_PAYMENT,2026-11-27T10:15:00+05:30,storefront,,CUST-\(n % 9973),KA,INR,,,,,SKU-\(k)-\(n % 500),\(1 + k),1299.50,6109,12\n"
                        : "evt-\(n),,,,,,,,,,,,,,,SKU-\(k)-\(n % 500),\(1 + k),499.00,6109,5\n"
                }
            case 1:
                text +=
                    "evt-\(n),order,ORD-\(n - 1),,PAID,2026-11-27T10:20:00+05:30,payments,,,,INR,2597.00,pay_\(n)abcdef,,,,,,,\n"
            case 2:
                text +=
                    "evt-\(n),order,ORD-\(n - 2),,SHIPPED,2026-11-28T09:00:00+05:30,warehouse,,,,,,,BlueDart,\"BD,\(n)\",,,,,\n"
            default:
                text +=
                    "evt-\(n),order,ORD-\(n - 3),,CANCELLED,2026-11-28T09:00:00+05:30,,\"customer said \"\"no\"\", twice\",,,,,,,,,,,,\n"
            }
        }
        return Array(text.utf8)
    }

    static func jsonObjects() -> [String] {
        var objects: [String] = []
        var size = 0
        var n = 0
        while size < targetBytes {
            n += 1
            let object: String
            switch n % 3 {
            case 0:
                object =
                    #"{"event_id":"evt-\#(n)","entity":"order","order_id":"ORD-\#(n)","status":"PENDING_PAYMENT","occurred_at":"2026-11-27T10:15:00+05:30","customer_id":"CUST-\#(n % 9973)","ship_to_state":"KA","items":[{"sku":"SKU-1-\#(n % 500)","quantity":1,"unit_price":1299.50,"hsn":"6109","gst_rate":12},{"sku":"SKU-2","quantity":2,"unit_price":"499.00"}]}"#
            case 1:
                object =
                    #"{"event_id":\#(n),"entity":"order","order_id":"ORD-\#(n - 1)","status":"PAID","occurred_at":"2026-11-27T10:20:00+05:30","amount":2597.00,"currency":"INR","payment_ref":"pay_\#(n)abcdef","meta":{"gateway":"x","tries":[1,2]}}"#
            default:
                object =
                    #"{"event_id":"evt-\#(n)","entity":"order","order_id":"ORD-\#(n - 2)","status":"CANCELLED","occurred_at":"2026-11-28T09:00:00+05:30","reason":"customer said \"no\" \u20b9"}"#
            }
            size += object.utf8.count + 2
            objects.append(object)
        }
        return objects
    }

    /// The fastest of `rounds` runs of `work`.
    private func best(_ rounds: Int = 3, _ work: () throws -> Void) rethrows -> Duration {
        var fastest = Duration.seconds(1_000_000)
        for _ in 0..<rounds { fastest = min(fastest, try ContinuousClock().measure(work)) }
        return fastest
    }

    private func report(_ name: String, bytes: Int, events: Int, _ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let mbPerSecond = Double(bytes) / seconds / 1e6
        print(
            "\(name): \(bytes / 1_000_000) MB, \(events) events in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", mbPerSecond)) MB/s, \(String(format: "%.0f", Double(events) / seconds)) events/s"
        )
    }

    @Test func csv() throws {
        let bytes = Self.csvText()
        var count = 0  // events read, over all rounds
        var malformed = 0
        let validation = best(10) {
            var validator = UTF8Validator()
            _ = bytes.withUnsafeBytes { validator.feed($0) }
            #expect(validator.finish())
        }
        report("CSV UTF-8 pre-pass", bytes: bytes.count, events: 0, validation)
        let duration = try best {
            var source = InMemoryByteSource(bytes, chunkSize: 1 << 20)
            let header = try CSVEventReader.readHeader(from: &source)
            var reader = CSVEventReader(
                source: InMemoryByteSource(bytes, position: Int(header.byteLength), chunkSize: 1 << 20), header: header,
                startOffset: header.byteLength, startLine: header.nextLine)
            while let event = try reader.next() {
                count += 1
                if event.malformed != nil { malformed += 1 }
            }
        }
        #expect(malformed == 0)
        report("CSV events", bytes: bytes.count, events: count / 3, duration)
    }

    @Test func jsonLines() throws {
        let bytes = Array((Self.jsonObjects().joined(separator: "\n") + "\n").utf8)
        var count = 0  // events read, over all rounds
        var malformed = 0
        let duration = try best {
            var reader = JSONLinesEventReader(
                source: InMemoryByteSource(bytes, chunkSize: 1 << 20), startOffset: 0, startLine: 1)
            while let event = try reader.next() {
                count += 1
                if event.malformed != nil { malformed += 1 }
            }
        }
        #expect(malformed == 0)
        report("JSON Lines events", bytes: bytes.count, events: count / 3, duration)
    }

    @Test func jsonArray() throws {
        let bytes = Array(("{\"events\": [\n" + Self.jsonObjects().joined(separator: ",\n") + "\n]}").utf8)
        var count = 0  // events read, over all rounds
        var malformed = 0
        let check = try best {
            var source = InMemoryByteSource(bytes, chunkSize: 1 << 20)
            let shape = try JSONDocumentChecker.check(&source)
            #expect(shape == .eventsObject)
        }
        report("JSON document check", bytes: bytes.count, events: 0, check)
        let duration = try best {
            var reader = JSONArrayEventReader(
                source: InMemoryByteSource(bytes, chunkSize: 1 << 20), shape: .eventsObject, startOffset: 0,
                startIndex: 1)
            while let event = try reader.next() {
                count += 1
                if event.malformed != nil { malformed += 1 }
            }
        }
        #expect(malformed == 0)
        report("JSON array events", bytes: bytes.count, events: count / 3, duration)
    }
}
