import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconStore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process every ready inbox file once, send pending refunds, then exit.",
        discussion: """
            Files are taken in order of modification time, then feed, then name. Each event gets \
            one audit record (applied, duplicate or rejected). Processed files go to archive/, \
            unreadable ones to failed/ with a .reason file; rejected rows go to \
            outbox/rejections/<feed>/<file>.rejected.csv for review and resubmission. Then every \
            pending refund is sent to the payment gateway (see `ordrecon dispatch`).

            Exit status: 0 nothing rejected and no refund left; 65 at least one event or file \
            rejected, or the gateway refused a refund; 75 another instance holds the workspace lock, \
            or refunds are left pending because the gateway could not take them (75 wins over 65); \
            78 the configuration is unusable; 70/74 an internal or I/O error (nothing half-applied: \
            the next run resumes).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "Print the summary as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Log only warnings and errors.")
    var quiet = false

    func run() throws {
        let configuration = try options.load()
        let settings = configuration.engineSettings
        let logger = LoggingSetup.logger(quiet: quiet)
        do {
            try RunEngine.prepareDirectories(settings)
        } catch {
            printError("ordrecon: cannot prepare the workspace: \(error)")
            throw ExitStatus.ioError
        }
        let lock = try WorkspaceLock.forCommand(settings)
        defer { withExtendedLifetime(lock) {} }

        let summary: RunSummary
        do {
            let store = try Store(path: settings.database)
            let engine = RunEngine(settings: settings, store: store, logger: logger)
            if configuration.writePDFs {
                engine.documentIssuer = DocumentDelivery.issuer(configuration, store: store, logger: logger)
            }
            engine.refundDispatcher = try RefundDelivery.dispatcher(configuration, store: store, logger: logger)
            summary = try engine.run()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as FileSystemError {
            printError("ordrecon: \(error) (nothing was half-applied; run again once it is fixed)")
            throw ExitStatus.ioError
        } catch {
            printError("ordrecon: \(error) (nothing was half-applied; run again once it is fixed)")
            throw ExitStatus.software
        }
        let report = summary.refundDelivery ?? DispatchReport()
        if json {
            print(summary.json.text(indent: 2))
        } else {
            print(SummaryTable.render(summary))
            if let documents = summary.documents { print(DocumentDelivery.text(documents)) }
            print(RefundDelivery.text(report))
        }
        if let status = RefundDelivery.exitStatus(rejected: summary.hasRejections, report: report) { throw status }
    }
}
