import OrdreconCore

/// The outcome the contract prescribes for one event.
enum Outcome: Hashable, Sendable {
    case applied
    case duplicate
    case rejected(OrdreconCore.ReasonCode)
}
