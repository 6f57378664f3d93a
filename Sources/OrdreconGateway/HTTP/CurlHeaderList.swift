import CCurl
import OrdreconCore

/// The request headers as a libcurl `curl_slist`, plus an empty `Expect:` so libcurl never
/// waits for `100 Continue`; the owner calls ``free()`` once the transfer is over.
struct CurlHeaderList {
    /// The list for CURLOPT_HTTPHEADER; never nil, since `Expect:` is always in it.
    let pointer: UnsafeMutablePointer<curl_slist>

    /// Builds the list, refusing headers that would break the request apart.
    ///
    /// - Parameter headers: names and values, sent in order; an empty value is sent as an
    ///   empty header (`Name;` in libcurl's syntax, since `Name:` would remove the header).
    /// - Throws: ``HTTPTransportError`` (kind `.other`, CURLE_BAD_FUNCTION_ARGUMENT) naming
    ///   the header, not its value, when a name is empty or holds a colon, space or control
    ///   character, or a value holds CR, LF or NUL; CURLE_OUT_OF_MEMORY when the list cannot
    ///   grow.
    init(_ headers: [(name: String, value: String)]) throws(HTTPTransportError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in headers {
            guard Self.isValidName(name), Self.isValidValue(value) else {
                curl_slist_free_all(list)
                throw HTTPTransportError(
                    code: CURLE_BAD_FUNCTION_ARGUMENT,
                    detail:
                        "request header \(Self.printable(name)) has an invalid name or value (the value is not shown)",
                    seconds: 0
                )
            }
            list = try Self.append(value.isEmpty ? "\(name);" : "\(name): \(value)", to: list)
        }
        pointer = try Self.append("Expect:", to: list)
    }

    /// Frees the list; call once, after the handle no longer points at it.
    func free() {
        curl_slist_free_all(pointer)
    }

    /// Appends one line, freeing the whole list when libcurl cannot.
    private static func append(
        _ line: String, to list: UnsafeMutablePointer<curl_slist>?
    ) throws(HTTPTransportError) -> UnsafeMutablePointer<curl_slist> {
        guard let grown = curl_slist_append(list, line) else {
            curl_slist_free_all(list)
            throw HTTPTransportError(code: CURLE_OUT_OF_MEMORY, detail: "", seconds: 0)
        }
        return grown
    }

    /// A header name is a non-empty HTTP token: visible ASCII without separators.
    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }

    /// A header value must not end the line or the C string early.
    private static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// The name quoted for an error message, with non-printable bytes escaped.
    private static func printable(_ name: String) -> String {
        "\"" + name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "?" }.joined()
            + "\""
    }
}
