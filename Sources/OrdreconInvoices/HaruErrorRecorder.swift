import CHaru

/// Keeps the first error libharu reports through its error handler, for the renderer to throw.
///
/// libharu calls the handler and then returns an error status from the failing function (the
/// handler does not longjmp), so the renderer checks the recorder after each step. Owned by
/// one ``HaruDocument`` and used on the thread that renders.
final class HaruErrorRecorder {
    private(set) var first: (error: UInt, detail: UInt)?

    /// The handler given to `HPDF_New`; `userData` is an unretained pointer to the recorder.
    static var handler: HPDF_Error_Handler {
        { error, detail, userData in
            guard let userData else { return }
            let recorder = Unmanaged<HaruErrorRecorder>.fromOpaque(userData).takeUnretainedValue()
            if recorder.first == nil {
                recorder.first = (UInt(error), UInt(detail))
            }
        }
    }
}
