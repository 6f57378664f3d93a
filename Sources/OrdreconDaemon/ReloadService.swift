import Logging
import OrdreconCore
import OrdreconLogging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP. Feeds and their permissions, the gateway, the seller,
/// invoicing, returns, batch size and logging take effect at the next file or refund pass;
/// a changed time zone, path or store needs a restart (the old values stay, and the log says so).
struct ReloadService: Service, CustomStringConvertible {
    let context: DaemonContext
    var description: String { "ReloadService" }
    /// Reads and checks the configuration file again; the error text names file, line and key.
    let load: @Sendable () -> Result<Configuration, ConfigurationLoadError>

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        // Ends on graceful shutdown (the loop is cancelled; nothing is thrown).
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                reload()
            }
        }
    }

    func reload() {
        let logger = context.logger
        switch load() {
        case .failure(let error):
            logger.error("SIGHUP: the configuration was not reloaded, the old one stays in force: \(error.message)")
        case .success(let new):
            let old = context.configuration.current
            if let reason = Self.needsRestart(old, new) {
                logger.error(
                    "SIGHUP: \(reason) needs a restart (`systemctl restart ordrecon`); the old configuration stays in force"
                )
                return
            }
            context.configuration.replace(with: new)
            StructuredLogging.update(
                LoggingOptions(
                    format: LogFormat(rawValue: new.logging.format) ?? .logfmt,
                    level: Logger.Level(rawValue: new.logging.level) ?? .info))
            logger.notice(
                "SIGHUP: configuration reloaded", metadata: ["feeds": "\(new.feeds.map(\.name).joined(separator: ","))"]
            )
        }
    }

    /// What changed that a running daemon cannot take over, if anything.
    static func needsRestart(_ old: Configuration, _ new: Configuration) -> String? {
        if old.paths != new.paths { return "a change of [paths]" }
        if old.store != new.store { return "a change of [store]" }
        if old.timezoneIdentifier != new.timezoneIdentifier { return "a change of timezone" }
        if old.feeds.map(\.name) != new.feeds.map(\.name) {
            return "adding or removing a feed (its inbox folder is watched)"
        }
        return nil
    }
}

/// Why the configuration could not be loaded, as a message for the log.
public struct ConfigurationLoadError: Error, Sendable {
    public var message: String

    public init(message: String) { self.message = message }
}
