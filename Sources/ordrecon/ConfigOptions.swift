import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine

/// The `--config` option every command that touches a workspace takes.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: config/ordrecon.toml in the current folder).")
    var config: String = "config/ordrecon.toml"

    /// Loads the configuration, or prints why it is unusable and exits 78.
    func load() throws -> Configuration {
        let path = absolute(config)
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("ordrecon: configuration file not found: \(path) (run from the workspace folder, or pass --config PATH)")
            throw ExitStatus.badConfig
        }
        guard let text = String(data: data, encoding: .utf8) else {
            printError("ordrecon: \(path): the configuration file is not valid UTF-8")
            throw ExitStatus.badConfig
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(
                tomlText: text, fileName: path, workspaceRoot: Configuration.workspaceRoot(forConfigFile: path))
        } catch {
            printError("ordrecon: \(error)")
            throw ExitStatus.badConfig
        }
        // Files the configuration names must be there (the core only checks their form).
        if let bundle = configuration.gateway.caBundle, !FileManager.default.isReadableFile(atPath: bundle) {
            printError("ordrecon: \(path): gateway.ca_bundle: cannot read \(bundle) (give a PEM file of certificate authorities, or \"\" for the system's)")
            throw ExitStatus.badConfig
        }
        return configuration
    }
}

extension Configuration {
    /// The engine's view of the configuration.
    var engineSettings: EngineSettings { EngineSettings(self) }
}

func absolute(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return URL(fileURLWithPath: full).standardizedFileURL.path
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
