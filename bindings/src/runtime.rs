//! The bindings' tokio runtime, created once on first use, and `TaskHandle`, what a subscription returns.
//!
//! Async exports do their work on this runtime and only await it from the foreign executor (a Kotlin
//! coroutine, a Swift task, Python's asyncio): the work never runs on the shell's threads, and whatever the
//! work needs from tokio (timers, I/O) finds its runtime.

use crate::error::{OrientationError, Result};
use std::future::Future;
use std::sync::{Mutex, OnceLock};
use tokio::runtime::{Handle, Runtime};
use tokio::task::AbortHandle;

/// Two workers: phones have few cores and a local catalogue needs little; blocking work (a catalogue
/// build) goes to tokio's blocking pool.
const WORKERS: usize = 2;

static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();

pub(crate) fn handle() -> Result<Handle> {
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("orientation-rt")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    match rt {
        Ok(rt) => Ok(rt.handle().clone()),
        Err(reason) => {
            tracing::error!(%reason, "le runtime tokio n'a pas démarré");
            Err(OrientationError::Internal)
        }
    }
}

/// Runs blocking work on the runtime's blocking pool and waits for it without blocking the caller's
/// executor. If the waiting future is dropped (the coroutine or task was cancelled), `on_drop` runs so the
/// work can be told to stop; it keeps running otherwise, since a thread cannot be killed.
pub(crate) async fn run_blocking<T, F>(work: F, on_drop: impl FnOnce() + Send) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    struct Guard<D: FnOnce()> {
        on_drop: Option<D>,
    }
    impl<D: FnOnce()> Drop for Guard<D> {
        fn drop(&mut self) {
            if let Some(f) = self.on_drop.take() {
                f();
            }
        }
    }
    let mut guard = Guard {
        on_drop: Some(on_drop),
    };
    let joined = handle()?.spawn_blocking(work).await;
    guard.on_drop = None;
    joined.unwrap_or_else(|e| {
        // The work panicked: report it as an error of ours rather than resuming the panic in the shell.
        tracing::error!(panic = e.is_panic(), "une tâche de fond a échoué");
        Err(OrientationError::Internal)
    })
}

/// Spawns a future on the runtime and returns the handle that stops it.
pub(crate) fn spawn<F>(future: F) -> Result<std::sync::Arc<TaskHandle>>
where
    F: Future<Output = ()> + Send + 'static,
{
    let task = handle()?.spawn(future);
    Ok(std::sync::Arc::new(TaskHandle {
        abort: Mutex::new(Some(task.abort_handle())),
    }))
}

/// A running subscription. `cancel()` stops it; so does dropping the handle (in Kotlin `close()`, or the
/// garbage collector; in Swift releasing it): keep a reference for as long as you want updates.
#[derive(uniffi::Object)]
pub struct TaskHandle {
    abort: Mutex<Option<AbortHandle>>,
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the subscription: no listener call starts after this returns. Calling it again does nothing.
    pub fn cancel(&self) {
        let abort = match self.abort.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(a) = abort {
            a.abort();
        }
    }

    /// Whether the subscription has stopped (cancelled, or its source is gone).
    pub fn is_finished(&self) -> bool {
        match self.abort.lock() {
            Ok(slot) => slot.as_ref().is_none_or(AbortHandle::is_finished),
            Err(_) => true,
        }
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn cancelling_or_dropping_a_handle_stops_its_task() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let ticks = Arc::new(AtomicUsize::new(0));
        let t = ticks.clone();
        let handle = spawn(async move {
            loop {
                t.fetch_add(1, Ordering::SeqCst);
                let _ = tx.send(());
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        })
        .unwrap();
        rx.recv().unwrap();
        assert!(!handle.is_finished());
        handle.cancel();
        // After cancel the task is aborted at its next await: the channel closes once it is dropped.
        while rx.recv().is_ok() {}
        assert!(handle.is_finished());
        let after = ticks.load(Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(ticks.load(Ordering::SeqCst), after);

        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let dropped = spawn(async move {
            loop {
                let _ = tx.send(());
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        })
        .unwrap();
        rx.recv().unwrap();
        drop(dropped);
        while rx.recv().is_ok() {}
    }

    #[test]
    fn a_dropped_wait_tells_the_blocking_work_to_stop() {
        let stop = Arc::new(AtomicBool::new(false));
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let s = stop.clone();
        let work_stop = stop.clone();
        let fut = run_blocking(
            move || {
                let _ = started_tx.send(());
                while !work_stop.load(Ordering::SeqCst) {
                    std::thread::yield_now();
                }
                Ok(())
            },
            move || s.store(true, Ordering::SeqCst),
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut fut = Box::pin(fut);
            // Poll once so the work starts, then drop the future as a cancelled coroutine would.
            tokio::select! {
                _ = &mut fut => panic!("the work cannot finish before it is told to stop"),
                _ = tokio::task::spawn_blocking(move || started_rx.recv()) => {}
            }
            drop(fut);
        });
        assert!(stop.load(Ordering::SeqCst));
    }

    #[test]
    fn a_panic_in_blocking_work_is_an_internal_error() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let r: Result<()> = rt.block_on(run_blocking(|| panic!("bug"), || {}));
        assert_eq!(r, Err(OrientationError::Internal));
    }
}
