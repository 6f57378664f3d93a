import Foundation
public import OrdreconCore

/// The configuration in force, replaced as a whole on SIGHUP; workers read it at the start of
/// each pass.
///
/// `@unchecked Sendable`: the value is only read and written under `lock`.
public final class ConfigurationBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Configuration
    private var generationValue = 0

    public init(_ configuration: Configuration) { value = configuration }

    public var current: Configuration {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// Increases with every replacement, so a worker can tell that it must rebuild.
    public var generation: Int {
        lock.lock()
        defer { lock.unlock() }
        return generationValue
    }

    public func replace(with configuration: Configuration) {
        lock.lock()
        value = configuration
        generationValue += 1
        lock.unlock()
    }
}
