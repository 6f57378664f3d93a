/// A 64-bit FNV-1a hash over a sequence of length-prefixed fields.
///
/// Used to tell whether a re-sent `event_id` carries the same content; fields are fed in a
/// fixed order with their lengths, so no two different field lists hash the same by construction
/// of the input (collisions of the hash itself are astronomically unlikely for two contents).
public struct ContentHasher: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Feeds one optional field; absent and empty are distinct.
    public mutating func combine(_ text: String?) {
        guard let text else {
            mix(0xff)
            return
        }
        var length = UInt32(truncatingIfNeeded: text.utf8.count)
        for _ in 0..<4 {
            mix(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        let fast: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes { mix(byte) }
        }
        if fast == nil {
            for byte in text.utf8 { mix(byte) }
        }
    }

    /// Feeds one integer.
    public mutating func combine(_ value: Int64) {
        var v = UInt64(bitPattern: value)
        for _ in 0..<8 {
            mix(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    @inline(__always)
    private mutating func mix(_ byte: UInt8) {
        state ^= UInt64(byte)
        state = state &* 0x0000_0100_0000_01b3
    }

    /// The hash of everything fed so far.
    public var value: UInt64 { state }
}
