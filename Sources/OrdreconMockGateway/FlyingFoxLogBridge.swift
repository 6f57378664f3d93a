import FlyingSocks
import Logging

/// Sends FlyingFox's own log lines to swift-log (by default FlyingFox prints to standard
/// output on Linux, where the mock's listening line must be the only output).
///
/// Its connection chatter and per-connection errors (including the connections the mock drops
/// on purpose) go to `debug`, since the mock logs every request's outcome itself; only
/// critical errors (such as a port already in use) stay visible at the default level.
struct FlyingFoxLogBridge: FlyingSocks.Logging {
    let logger: Logger

    func logDebug(_ debug: @autoclosure () -> String) {
        logger.debug("flyingfox: \(debug())")
    }

    func logInfo(_ info: @autoclosure () -> String) {
        logger.debug("flyingfox: \(info())")
    }

    func logWarning(_ warning: @autoclosure () -> String) {
        logger.debug("flyingfox: \(warning())")
    }

    func logError(_ error: @autoclosure () -> String) {
        logger.debug("flyingfox: \(error())")
    }

    func logCritical(_ critical: @autoclosure () -> String) {
        // Stopping (cancelling the task) makes FlyingFox report a CancellationError as a server
        // error; that is the normal way out, not a failure.
        if Task.isCancelled {
            logger.debug("flyingfox: \(critical())")
        } else {
            logger.error("flyingfox: \(critical())")
        }
    }
}
