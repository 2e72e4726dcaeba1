//! The one worker pool: loading, validating and building all hand their items to `map`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` on every item, on up to `jobs` threads; the results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = jobs.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(items.len()));
    // The workers speak the caller's language and report where it does.
    let caller = crate::diag::scope::current();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let caller = caller.clone();
            scope.spawn(|| {
                crate::diag::scope::enter(caller, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            break;
                        };
                        let result = work(item);
                        results
                            .lock()
                            .expect("no worker panics holding the lock")
                            .push((i, result));
                    }
                })
            });
        }
    });
    let mut results = results.into_inner().expect("the workers are done");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_scope_follows_work_onto_the_pool_and_ends_with_it() {
        let sink = crate::diag::scope::Sink::default();
        let scope = crate::diag::scope::Scope {
            locale: Some("en".into()),
            sink: Some(sink.clone()),
        };
        let seen = crate::diag::scope::enter(scope, || {
            super::map(&[1, 2, 3, 4], 4, |i| {
                crate::diag::scope::gather(&[crate::diag::Diagnostic::error(format!("{i}"))]);
                crate::diag::scope::locale()
            })
        });
        assert_eq!(seen, vec!["en"; 4]);
        assert_eq!(sink.lock().unwrap().len(), 4);
        assert!(crate::diag::scope::current().sink.is_none());
        assert!(!crate::diag::scope::gather(&[
            crate::diag::Diagnostic::error("printed")
        ]));
    }

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u32> = (0..100).collect();
        for jobs in [1, 2, 7] {
            assert_eq!(
                super::map(&items, jobs, |i| i * 2),
                (0..100).map(|i| i * 2).collect::<Vec<_>>()
            );
        }
    }
}
