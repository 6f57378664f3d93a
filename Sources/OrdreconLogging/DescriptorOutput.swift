#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing a whole buffer to a file descriptor: the program's one loop around `write(2)`, used
/// by log sinks, the terminal's progress line, the engine's files and the workload generator.
///
/// It lives here because this is the lowest target that already writes to descriptors and
/// depends on no other part of ordrecon, so every target that writes can use it.
public enum DescriptorOutput {
    /// Writes all of `bytes` to `fd`, going on after a partial write and after `EINTR`.
    /// - Returns: nil when every byte was written; otherwise the `errno` of the write that failed
    ///   (`EIO` when `write` wrote nothing and reported no error), the bytes before it written.
    @discardableResult
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
                let written = Glibc.write(fd, base + offset, bytes.count - offset)
            #elseif canImport(Musl)
                let written = Musl.write(fd, base + offset, bytes.count - offset)
            #else
                let written = Darwin.write(fd, base + offset, bytes.count - offset)
            #endif
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return written < 0 ? errno : EIO
            }
        }
        return nil
    }

    /// Writes all of `bytes` to `fd` (see ``writeAll(_:to:)-(UnsafeRawBufferPointer,_)``).
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { writeAll($0, to: fd) }
    }

    /// Writes the UTF-8 bytes of `text` to `fd` (see ``writeAll(_:to:)-(UnsafeRawBufferPointer,_)``).
    @discardableResult
    public static func writeAll(_ text: String, to fd: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: fd) }
    }
}
