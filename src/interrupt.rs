//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: the first asks the run to stop, so that workers
//! finish their step, children are killed and temporary files removed; a second one exits
//! at once.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit status of a run that was stopped by a signal (128 + SIGINT, as shells report).
pub const EXIT_STATUS: u8 = 130;

/// Whether a stop has been asked for.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {
    // Only async-signal-safe work here: an atomic swap, and `_exit` on the second signal.
    if REQUESTED.swap(true, Ordering::SeqCst) {
        unsafe { libc::_exit(i32::from(EXIT_STATUS)) };
    }
}

/// Installs the handlers; called once by `main`.
pub fn install() {
    #[cfg(unix)]
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: the handler only touches an atomic and calls `_exit`.
        unsafe {
            libc::signal(signal, handler);
        }
    }
}
