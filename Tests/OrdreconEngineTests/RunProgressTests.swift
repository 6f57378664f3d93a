import OrdreconCore
import OrdreconEngine
import OrdreconTestSupport
import Testing

/// ``RunProgress`` in process, on a clock the test moves: what the line says, the event rate,
/// the estimate per phase, and how often a line is emitted.
struct RunProgressTests {
    /// A progress on `clock` keeping what it emits.
    final class Recorder {
        var lines: [String] = []
    }

    static func make(_ clock: TestClock, interval: Double = 0) -> (RunProgress, Recorder) {
        let recorder = Recorder()
        let progress = RunProgress(clock: clock, interval: interval) { recorder.lines.append($0) }
        return (progress, recorder)
    }

    @Test func aFreshRunKnowsNothingYet() async {
        let clock = TestClock(now: 100)
        let (progress, _) = Self.make(clock)
        #expect(progress.line() == "reading files: files 0/0, 0 events, PDFs 0, refunds sent 0, ETA --")
        progress.addFiles(3, bytes: 3000)
        #expect(progress.line() == "reading files: files 0/3, 0 events, PDFs 0, refunds sent 0, ETA --")
    }

    @Test func filesPhaseRateAndEstimateFollowTheBytesRead() async {
        let clock = TestClock(now: 100)
        let (progress, _) = Self.make(clock)
        progress.addFiles(2, bytes: 1000)
        clock.advance(by: 2)
        progress.fileRead(upTo: 250, newEvents: 500)
        // 500 events in 2 s; 250 of 1000 bytes in 2 s: 750 left at 125 B/s.
        #expect(progress.eventsPerSecond == 250)
        #expect(progress.secondsLeft == 6)
        #expect(progress.line() == "reading files: files 0/2, 500 events (250/s), PDFs 0, refunds sent 0, ETA 6s")
        clock.advance(by: 2)
        progress.fileRead(upTo: 400, newEvents: 300)
        progress.fileDone(size: 400)
        // 400 bytes in 4 s: 600 left at 100 B/s.
        #expect(progress.line() == "reading files: files 1/2, 800 events (200/s), PDFs 0, refunds sent 0, ETA 6s")
        clock.advance(by: 1)
        progress.fileRead(upTo: 600, newEvents: 200)
        progress.fileDone(size: 600)
        #expect(progress.bytesDone == 1000)
        #expect(progress.line() == "reading files: files 2/2, 1000 events (200/s), PDFs 0, refunds sent 0, ETA 0s")
    }

    @Test func emptyFilesAreEstimatedByCount() async {
        let clock = TestClock(now: 100)
        let (progress, _) = Self.make(clock)
        progress.addFiles(4, bytes: 0)
        clock.advance(by: 3)
        progress.fileDone(size: 0)
        #expect(progress.secondsLeft == 9)
    }

    @Test func pdfAndRefundPhasesHaveTheirOwnEstimateAndTheEventRateStays() async {
        let clock = TestClock(now: 100)
        let (progress, _) = Self.make(clock)
        progress.addFiles(1, bytes: 100)
        clock.advance(by: 10)
        progress.fileRead(upTo: 100, newEvents: 5000)
        progress.fileDone(size: 100)
        progress.startPDFs(total: 100)
        #expect(progress.line() == "writing PDFs: files 1/1, 5000 events (500/s), PDFs 0/100, refunds sent 0, ETA --")
        clock.advance(by: 5)
        progress.pdfsWritten(16)
        progress.pdfsWritten(9)
        // 25 in 5 s: 75 left at 5/s. The event rate is the file phase's, not diluted by the PDFs.
        #expect(progress.line() == "writing PDFs: files 1/1, 5000 events (500/s), PDFs 25/100, refunds sent 0, ETA 15s")
        clock.advance(by: 15)
        progress.pdfsWritten(75)
        progress.startRefunds(total: 4)
        clock.advance(by: 1)
        progress.refunds(sent: 1, handled: 2)
        // 2 tried in 1 s (one refused): 2 left at 2/s.
        #expect(
            progress.line() == "sending refunds: files 1/1, 5000 events (500/s), PDFs 100/100, refunds sent 1/4, ETA 1s"
        )
    }

    @Test func linesAreEmittedAtMostOncePerInterval() async {
        let clock = TestClock(now: 100)
        let (progress, recorder) = Self.make(clock, interval: 0.25)
        progress.addFiles(1, bytes: 1000)  // at the start: not yet
        clock.advance(by: 0.1)
        progress.fileRead(upTo: 100, newEvents: 10)
        #expect(recorder.lines.isEmpty)
        clock.advance(by: 0.15)
        progress.fileRead(upTo: 200, newEvents: 10)
        #expect(recorder.lines.count == 1)
        clock.advance(by: 0.2)
        progress.fileRead(upTo: 300, newEvents: 10)
        progress.fileRead(upTo: 400, newEvents: 10)
        #expect(recorder.lines.count == 1)
        clock.advance(by: 0.05)
        progress.fileRead(upTo: 500, newEvents: 10)
        #expect(recorder.lines.count == 2)
        #expect(recorder.lines.last == progress.line())
        #expect(recorder.lines.last?.hasPrefix("reading files: files 0/1, 50 events (100/s), ") == true)
    }

    @Test func durations() async {
        #expect(RunProgress.duration(0) == "0s")
        #expect(RunProgress.duration(0.2) == "1s")
        #expect(RunProgress.duration(59) == "59s")
        #expect(RunProgress.duration(61) == "1m01s")
        #expect(RunProgress.duration(725) == "12m05s")
        #expect(RunProgress.duration(3725) == "1h02m")
        #expect(RunProgress.duration(1e300) == "277777h46m")
    }
}
