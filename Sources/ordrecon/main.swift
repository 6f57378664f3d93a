import Foundation
import OrdreconApp

// The composition root is OrdreconApp; the executable only hands it this process.
let status = await CommandLineApp.execute(.process(), arguments: Array(CommandLine.arguments.dropFirst()))
fflush(nil)
exit(status)
