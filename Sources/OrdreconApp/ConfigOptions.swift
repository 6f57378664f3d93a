import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconDaemon
import OrdreconEngine
import OrdreconLogging

/// The `--config` option every command that touches a workspace takes.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: config/ordrecon.toml in the current folder).")
    var config: String = "config/ordrecon.toml"

    /// Loads the configuration, or fails with why it is unusable (exit 78).
    func load() throws(CommandFailure) -> Configuration {
        switch loadResult() {
        case .success(let configuration):
            return configuration
        case .failure(let error):
            throw CommandFailure.configuration(error.message)
        }
    }

    /// Reads and checks the configuration file; the error says what is wrong, with file, line and key.
    func loadResult() -> Result<Configuration, ConfigurationLoadError> {
        let path = absolute(config)
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(
                .init(
                    message:
                        "configuration file not found: \(path) (run from the workspace folder, or pass --config PATH)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(.init(message: "\(path): the configuration file is not valid UTF-8"))
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(
                tomlText: text, fileName: path, workspaceRoot: Configuration.workspaceRoot(forConfigFile: path))
        } catch {
            return .failure(.init(message: "\(error)"))
        }
        // Files the configuration names must be there (the core only checks their form).
        if let bundle = configuration.gateway.caBundle, !FileManager.default.isReadableFile(atPath: bundle) {
            return .failure(
                .init(
                    message:
                        "\(path): gateway.ca_bundle: cannot read \(bundle) (give a PEM file of certificate authorities, or \"\" for the system's)"
                ))
        }
        return .success(configuration)
    }
}

extension Configuration {
    /// The engine's view of the configuration.
    var engineSettings: EngineSettings { EngineSettings(self) }
}

func printError(_ text: String) {
    // Under systemd, journald reads `<3>` as priority "error" (like the log's error lines).
    let invocation = Invocation.current
    let journal =
        invocation.isProcess && JournalStream.isConnected(fileDescriptor: 2, environment: invocation.environment)
    let lines =
        journal
        ? text.split(separator: "\n", omittingEmptySubsequences: false).map { "<3>" + $0 }.joined(separator: "\n")
        : text
    invocation.output.flush()
    invocation.output.standardError(lines + "\n")
}
