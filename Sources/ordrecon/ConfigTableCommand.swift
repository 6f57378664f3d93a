import ArgumentParser
import Foundation
import OrdreconCore

/// `ordrecon config-table`: the README's table of configuration keys, made from the keys'
/// descriptions in OrdreconCore (hidden from help: it is for people working on ordrecon).
///
/// After adding or changing a key (or a default feed), regenerate the tables from the
/// repository root:
///
///     swift run ordrecon config-table --update README.md --update docs/feed-contract.md
///
/// `ConfigurationDocsTests` fails while either file's table differs from the generated one.
struct ConfigTableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-table",
        abstract: "Print the Markdown table of configuration keys, or update the generated tables in Markdown files.",
        shouldDisplay: false)

    @Option(name: .long, help: "A Markdown file whose generated tables to bring up to date (repeatable), instead of printing.")
    var update: [String] = []

    func run() throws {
        if update.isEmpty { print(Configuration.keyTableMarkdown, terminator: "") }
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
            throw ValidationError("\(file) holds no generated table (the table of configuration keys, or of the default feeds)")
        }
        guard updated != text else {
            print("\(file): up to date")
            return
        }
        do {
            try updated.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure.io("cannot write \(file): \(error)")
        }
        print("\(file): updated")
    }
}
