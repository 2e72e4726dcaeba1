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
    let caller = crate::scope::current();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let caller = caller.clone();
            scope.spawn(|| {
                crate::scope::enter(caller, || {
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
