public import OrdreconCore
import Synchronization

/// The configuration in force, replaced as a whole on SIGHUP; workers read it at the start of
/// each pass. Checked `Sendable`: the value and its generation live in one `Mutex`.
public final class ConfigurationBox: Sendable {
    private let state: Mutex<(value: Configuration, generation: Int)>

    public init(_ configuration: Configuration) { state = Mutex((configuration, 0)) }

    public var current: Configuration { state.withLock { $0.value } }

    /// Increases with every replacement, so a worker can tell that it must rebuild.
    public var generation: Int { state.withLock { $0.generation } }

    public func replace(with configuration: Configuration) {
        state.withLock { $0 = (configuration, $0.generation + 1) }
    }
}
