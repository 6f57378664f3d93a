import Foundation
import OrdreconTestSupport
import Testing

/// The systemd units in `contrib/systemd/`: their key settings, read from the files, and, where
/// systemd-analyze is installed, its verdict (`verify` and the `security` exposure score).
@Suite(.runsPrograms)
struct SystemdUnitTests {
    static let folder = TestWorkspace.repositoryRoot + "/contrib/systemd"

    /// A unit file as section → key → values (a key may be given several times), comments dropped.
    static func parse(_ name: String) throws -> [String: [String: [String]]] {
        let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        var sections: [String: [String: [String]]] = [:]
        var section = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key, default: []].append(value)
        }
        return sections
    }

    /// The settings both services share: the umask and the hardening that brings the score down.
    static let hardening: [String: String] = [
        "UMask": "0027", "ProtectSystem": "strict", "ReadWritePaths": "/srv/ordrecon", "ProtectHome": "yes",
        "PrivateTmp": "yes", "PrivateDevices": "yes", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6", "RestrictNamespaces": "yes", "RestrictSUIDSGID": "yes",
        "MemoryDenyWriteExecute": "yes", "SystemCallArchitectures": "native", "LockPersonality": "yes",
        "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes", "ProtectControlGroups": "yes",
    ]

    @Test func watchServiceRestartsButNotOnABadConfigurationAndIsHardened() async throws {
        let unit = try Self.parse("ordrecon.service")
        let service = try #require(unit["Service"])
        #expect(service["ExecStart"]?.first?.hasPrefix("/usr/local/bin/ordrecon watch") == true)
        #expect(service["WorkingDirectory"] == ["/srv/ordrecon"])
        #expect(service["Restart"] == ["on-failure"])
        #expect(service["RestartPreventExitStatus"] == ["78"])
        #expect(service["ExecReload"]?.first?.contains("-HUP") == true)
        for (key, value) in Self.hardening {
            #expect(service[key]?.last == value, "\(key)=\(service[key] ?? [])")
        }
        #expect(service["SystemCallFilter"]?.contains("@system-service") == true)
        #expect(unit["Install"]?["WantedBy"] == ["multi-user.target"])
    }

    @Test func runServiceIsAOneshotWhereRejectionsAreNotAFailure() async throws {
        let unit = try Self.parse("ordrecon-run.service")
        let service = try #require(unit["Service"])
        #expect(service["Type"] == ["oneshot"])
        #expect(service["ExecStart"]?.first?.hasPrefix("/usr/local/bin/ordrecon run") == true)
        #expect(service["SuccessExitStatus"] == ["65"])
        #expect(service["Restart"] == nil)
        for (key, value) in Self.hardening {
            #expect(service[key]?.last == value, "\(key)=\(service[key] ?? [])")
        }
        let timer = try #require(try Self.parse("ordrecon-run.timer")["Timer"])
        #expect(timer["OnCalendar"] == ["*:0/5"])
        #expect(timer["Unit"] == ["ordrecon-run.service"])
        #expect(try Self.parse("ordrecon-run.timer")["Install"]?["WantedBy"] == ["timers.target"])
    }

    static let analyze = "/usr/bin/systemd-analyze"

    static func run(_ arguments: [String], in folder: String) async throws -> (status: Int32, output: String) {
        let process = try ChildProcess(executable: analyze, arguments: arguments, directory: folder, output: .merged)
        let result = await process.finish(timeout: .seconds(120))
        return (result.status, result.stdout)
    }

    /// Whether `systemd-analyze` is installed (Debian's systemd package).
    static var hasAnalyze: Bool { FileManager.default.isExecutableFile(atPath: analyze) }

    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"), arguments: ["ordrecon.service", "ordrecon-run.service"])
    func exposureScoreIsAtMostFour(unit: String) async throws {
        let result = try await Self.run(["security", "--offline=yes", unit], in: Self.folder)
        let line = try #require(result.output.split(separator: "\n").last { $0.contains("Overall exposure level") })
        // "→ Overall exposure level for ordrecon.service: 1.2 OK 🙂"
        let words = line.split(separator: " ")
        let score = try #require(
            words.firstIndex { $0.hasSuffix(":") && $0.contains(".service") }.flatMap { Double(words[$0 + 1]) })
        #expect(score <= 4.0, "\(line)")
    }

    @Test(.enabled(if: hasAnalyze, "needs systemd-analyze"))
    func unitsVerifyCleanly() async throws {
        // verify wants ExecStart= to exist: a copy of the units pointing at a stand-in binary.
        let folder = NSTemporaryDirectory() + "ordrecon-units-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let binary = folder + "/ordrecon"
        try "#!/bin/sh\nexit 0\n".write(toFile: binary, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary)
        let names = ["ordrecon.service", "ordrecon-run.service", "ordrecon-run.timer"]
        for name in names {
            let text = try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/ordrecon", with: binary)
                .write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        let result = try await Self.run(["verify"] + names.map { "./" + $0 }, in: folder)
        #expect(result.status == 0, "\(result.output)")
        // verify exits 0 on unknown keys and bad values, but says so: it must say nothing.
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(result.output)")
    }
}
