/// `value` in decimal with leading zeros up to `width` digits.
func zeroPadded(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    let count = text.utf8.count
    return count >= width ? text : String(repeating: "0", count: width - count) + text
}

/// Paise as decimal rupees with two fraction digits, e.g. `1299.50`.
func rupees(_ paise: Int64) -> String {
    let sign = paise < 0 ? "-" : ""
    let magnitude = paise.magnitude
    let rest = magnitude % 100
    return sign + String(magnitude / 100) + (rest < 10 ? ".0" : ".") + String(rest)
}
