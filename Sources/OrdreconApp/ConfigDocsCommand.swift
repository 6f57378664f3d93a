import ArgumentParser
import Foundation
import OrdreconCore

/// `ordrecon config-docs`: what is written about the configuration, made from the keys'
/// descriptions in OrdreconCore (hidden from help: it is for people working on ordrecon).
///
/// After adding or changing a key (or a default feed), regenerate from the repository root:
///
///     swift run ordrecon config-docs --update README.md --update docs/feed-contract.md
///     swift run ordrecon config-docs --default-file > config/ordrecon.toml
///
/// Tests fail while README.md's table of keys, docs/feed-contract.md's table of the default
/// feeds (ConfigurationDocsTests) or config/ordrecon.toml (ConfigurationDefaultTests) differ.
struct ConfigDocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-docs",
        abstract:
            "Print the Markdown table of configuration keys or the default file, or update the generated tables in Markdown files.",
        shouldDisplay: false)

    @Flag(name: .long, help: "Print the default config/ordrecon.toml (what `ordrecon init` writes) instead.")
    var defaultFile = false

    @Option(
        name: .long,
        help: "A Markdown file whose generated tables to bring up to date (repeatable), instead of printing.")
    var update: [String] = []

    func run() throws {
        if defaultFile {
            Console.print(Configuration.defaultFileText, terminator: "")
        } else if update.isEmpty {
            Console.print(Configuration.keyTableMarkdown, terminator: "")
        }
        for file in update { try Self.update(file) }
    }

    static func update(_ file: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure.io("cannot read \(file): \(error)")
        }
        guard let updated = Configuration.updatingGeneratedTables(in: text) else {
            throw ValidationError(
                "\(file) holds no generated table (the table of configuration keys, or of the default feeds)")
        }
        guard updated != text else {
            Console.print("\(file): up to date")
            return
        }
        do {
            try updated.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure.io("cannot write \(file): \(error)")
        }
        Console.print("\(file): updated")
    }
}
