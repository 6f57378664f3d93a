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
    /// - Parameter catalog: also read `catalog.csv` beside it. Only the commands that store orders
    ///   (`run`, `watch`, `validate`) use it, so only they read it, and a catalog that cannot be
    ///   used stops only them: refunds, reviews and documents go on while a person fixes it.
    func load(catalog: Bool = false) throws(CommandFailure) -> Configuration {
        switch loadResult(catalog: catalog) {
        case .success(let configuration):
            return configuration
        case .failure(let error):
            throw CommandFailure.configuration(error.message)
        }
    }

    /// Reads and checks the configuration file; the error says what is wrong, with file, line and key.
    func loadResult(catalog: Bool = false) -> Result<Configuration, ConfigurationLoadError> {
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
        var configuration: Configuration
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
        guard catalog else { return .success(configuration) }
        switch Self.loadCatalog(besideConfig: path) {
        case .success(let catalog): configuration.catalog = catalog
        case .failure(let error): return .failure(error)
        }
        return .success(configuration)
    }

    /// `catalog.csv` in the configuration file's folder: empty when there is none; unusable (a
    /// bad row, a duplicate SKU, too large) fails the configuration with file, line and why.
    /// The size is checked before the file is read, so a huge file costs nothing.
    static func loadCatalog(besideConfig configPath: String) -> Result<ProductCatalog, ConfigurationLoadError> {
        let path = (configPath as NSString).deletingLastPathComponent + "/catalog.csv"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .success(.empty) }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            return .failure(.init(message: "\(path): the catalog must be a regular file"))
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= ProductCatalog.maximumBytes else {
            return .failure(
                .init(
                    message:
                        "\(path): the catalog is \(size) bytes; at most \(ProductCatalog.maximumBytes) are read (split it or trim it)"
                ))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(.init(message: "\(path): cannot read the catalog (check its permissions)"))
        }
        defer { try? handle.close() }
        // Read at most one byte more than allowed: a file that grew since its size was taken is
        // refused by the parser, never read whole.
        let data = (try? handle.read(upToCount: ProductCatalog.maximumBytes + 1)) ?? Data()
        do {
            return .success(try ProductCatalog.parse([UInt8](data), fileName: path))
        } catch {
            return .failure(.init(message: "\(error)"))
        }
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
