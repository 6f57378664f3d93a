import Foundation
import OrdreconCore

/// Reading a refund request body as the feed contract (section 5) fixes it, into the refund
/// ordrecon recorded (``RefundRequest/jsonBody`` writes the same body).
extension RefundRequest {
    /// The parts of a body that could be read, valid or not, for the listing of remembered keys.
    struct Fields: Sendable, Equatable {
        var refundID: String?
        var orderID: String?
        var returnID: String?
        var amount: Int?
    }

    /// Checks a body sent with `key`.
    ///
    /// - Returns: the request, or every problem found as one message a client can act on.
    static func validate(key: String, body: Data) -> Result<RefundRequest, Invalid> {
        let members: [String: JSONValue]
        do {
            guard let object = try JSONValue.parse(body).members else {
                return .failure(Invalid(message: "the body must be a JSON object"))
            }
            members = object
        } catch {
            return .failure(Invalid(message: "the body is not valid JSON: \(error)"))
        }
        var problems: [String] = []
        func text(_ name: String) -> String? {
            switch members[name] {
            case .string(let value) where !value.isEmpty: return value
            case nil: problems.append("\(name) is missing")
            case let other?: problems.append("\(name) must be a non-empty string, got \(other.summary)")
            }
            return nil
        }
        let refundID = text("refund_id")
        if let refundID, refundID != key {
            problems.append("refund_id \"\(refundID)\" differs from the Idempotency-Key \"\(key)\"")
        }
        let orderID = text("order_id")
        let paymentRef = text("payment_ref")
        var amount: Int?
        switch members["amount"] {
        case nil: problems.append("amount is missing")
        case let value? where (value.integerValue ?? 0) > 0: amount = value.integerValue
        case let value?:
            problems.append(
                "amount must be a whole number of paise greater than 0 (no fraction or exponent), got \(value.summary)")
        }
        switch members["currency"] {
        case .string("INR"): break
        case nil: problems.append("currency is missing")
        case let other?: problems.append("currency must be \"INR\", got \(other.summary)")
        }
        var returnID: String?
        switch members["return_id"] {
        case nil, .null: break
        case .string(let value) where !value.isEmpty: returnID = value
        case let other?: problems.append("return_id must be a non-empty string when present, got \(other.summary)")
        }
        guard problems.isEmpty, let refundID, let orderID, let paymentRef, let amount else {
            return .failure(Invalid(message: problems.joined(separator: "; ")))
        }
        return .success(
            RefundRequest(
                refundId: refundID, kind: returnID == nil ? .cancellation : .return, orderId: orderID,
                returnId: returnID,
                amount: Money(paise: Int64(amount)), paymentRef: paymentRef))
    }

    /// Whatever identifying fields a body has, valid or not (nil where absent or unreadable).
    static func fields(of body: Data) -> Fields {
        guard let members = (try? JSONValue.parse(body))?.members else { return Fields() }
        return Fields(
            refundID: members["refund_id"]?.stringValue,
            orderID: members["order_id"]?.stringValue,
            returnID: members["return_id"]?.stringValue,
            amount: members["amount"]?.integerValue)
    }

    /// Why a body was refused.
    struct Invalid: Error, Equatable {
        var message: String
    }
}
