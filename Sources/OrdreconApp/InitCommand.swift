import ArgumentParser
import Foundation
import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace: config/ordrecon.toml with commented defaults and the feed inbox folders.",
        discussion: """
            Creates DIR (default: the current folder) if needed, DIR/config/ordrecon.toml with every \
            key at its default and commented, and DIR/inbox/<feed>/ for each default feed; nothing \
            else (the other folders and the database are made by the first `ordrecon run`). Refuses \
            when DIR/config/ordrecon.toml already exists; nothing is overwritten.

            Exit status: 0 created; 73 DIR/config/ordrecon.toml already exists; 74 a folder or \
            the file could not be created.
            """)

    @Argument(help: "The workspace folder (default: the current folder).")
    var directory: String = "."

    func run() throws {
        let root = absolute(directory)
        let configFile = root + "/config/ordrecon.toml"
        var created: [String] = []
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: configFile) {
            throw Self.exists("\(configFile) already exists; not overwriting it (edit it, or choose another folder)")
        }
        // What the defaults say the inbox folders are.
        let defaults: Configuration
        do {
            defaults = try Configuration.load(
                tomlText: Configuration.defaultFileText, fileName: configFile, workspaceRoot: root)
        } catch {
            throw CommandFailure.internal("the built-in default configuration does not load: \(error)")
        }
        do {
            for folder in [root, root + "/config"] where !fileManager.fileExists(atPath: folder) {
                try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                created.append(folder + "/")
            }
            // O_EXCL: a file that appeared meanwhile is never overwritten.
            let fd = open(configFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                if errno == EEXIST {
                    throw Self.exists("\(configFile) already exists; not overwriting it")
                }
                throw CocoaError(
                    .fileWriteUnknown,
                    userInfo: [
                        NSFilePathErrorKey: configFile, NSLocalizedDescriptionKey: String(cString: strerror(errno)),
                    ])
            }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            try handle.write(contentsOf: Data(Configuration.defaultFileText.utf8))
            try handle.synchronize()
            try handle.close()
            created.append(configFile)
            for feed in defaults.feeds {
                let inbox = defaults.paths.inbox(feed: feed.name)
                if !fileManager.fileExists(atPath: inbox) {
                    try fileManager.createDirectory(atPath: inbox, withIntermediateDirectories: true)
                    created.append(inbox + "/")
                }
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure.io("cannot create the workspace in \(root): \(error)")
        }
        Console.print("Created the ordrecon workspace \(root):")
        for path in created { Console.print("  " + relative(path, to: root)) }
        Console.print(
            """

            Next steps:
              1. Review \(relative(configFile, to: root)) (time zone, gateway base_url, feeds and what each may send).
              2. Have each partner drop complete files into inbox/<feed>/ (write as name.part, then rename).
              3. Check a partner's file first: ordrecon validate FILE --feed FEED
              4. Process the inbox: cd \(root) && ordrecon run   (e.g. every few minutes from cron)
            """)
    }

    /// 73: the configuration file is there already.
    private static func exists(_ message: String) -> CommandFailure {
        CommandFailure(ExitStatus.cannotCreate, "workspace_exists", message)
    }

    private func relative(_ path: String, to root: String) -> String {
        if path == root + "/" { return "./" }
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
