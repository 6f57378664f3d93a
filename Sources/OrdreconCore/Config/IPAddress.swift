#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address literal, as a server binds to it.
public enum IPAddress {
    /// The address family of `text`: 4 for an IPv4 literal (`127.0.0.1`, `0.0.0.0`), 6 for an
    /// IPv6 one (`::1`, `::`), nil for anything else (a host name, a port, brackets, a zone).
    public static func family(of text: String) -> Int? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return 4 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return 6 }
        return nil
    }
}
