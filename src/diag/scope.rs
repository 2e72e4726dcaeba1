//! What the code running for one request asks of the stages below it: the language of its
//! messages and where its diagnostics go. A command sets neither and the process-wide
//! language and the printer apply; `serve` answers many requests at once, each in its
//! own language and with its own diagnostics, so both are per thread and follow the work
//! onto the worker threads of `parallel::map`.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use super::Diagnostic;

/// Diagnostics gathered instead of printed.
pub type Sink = Arc<Mutex<Vec<Diagnostic>>>;

#[derive(Clone, Default)]
pub struct Scope {
    /// The language of messages (`zh-CN`, `en`); `None`: the process's.
    pub locale: Option<String>,
    /// Where the printer puts diagnostics; `None`: standard error.
    pub sink: Option<Sink>,
}

thread_local! {
    static CURRENT: RefCell<Scope> = RefCell::new(Scope::default());
}

/// The scope of the running thread.
pub fn current() -> Scope {
    CURRENT.with(|c| c.borrow().clone())
}

/// Runs `work` in `scope` on this thread; the thread's own scope comes back after it.
pub fn enter<R>(scope: Scope, work: impl FnOnce() -> R) -> R {
    struct Restore(Option<Scope>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(scope) = self.0.take() {
                CURRENT.with(|c| *c.borrow_mut() = scope);
            }
        }
    }
    let previous = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), scope));
    let _restore = Restore(Some(previous));
    work()
}

/// The language messages are written in now.
pub fn locale() -> String {
    CURRENT
        .with(|c| c.borrow().locale.clone())
        .unwrap_or_else(|| rust_i18n::locale().to_string())
}

/// Gives `diagnostics` to the scope's sink; false when there is none (print them).
pub fn gather(diagnostics: &[Diagnostic]) -> bool {
    let Some(sink) = CURRENT.with(|c| c.borrow().sink.clone()) else {
        return false;
    };
    sink.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .extend(diagnostics.iter().cloned());
    true
}

/// Whether the printer's lines go nowhere (a scope that gathers its diagnostics).
pub fn silent() -> bool {
    CURRENT.with(|c| c.borrow().sink.is_some())
}
