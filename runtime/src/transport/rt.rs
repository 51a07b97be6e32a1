//! The one tokio runtime every [`HttpTransport`](super::HttpTransport) shares, and the
//! blocking bridge onto it.
//!
//! A current-thread runtime, started on first use: the thread that waits for an answer
//! drives the sockets itself (tokio lets several threads `block_on` one current-thread
//! runtime; the others hook into the one holding the driver), so a call costs no hand-off
//! to a worker thread. Connections' tasks run whenever some caller is waiting.

use std::future::Future;
use std::io;
use std::sync::LazyLock;

use tokio::runtime::{Builder, Handle, Runtime};

static RUNTIME: LazyLock<Result<Runtime, String>> = LazyLock::new(|| {
    Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .thread_name("atlas-http")
        .build()
        .map_err(|e| e.to_string())
});

/// Runs `future` to completion on the shared runtime, blocking the calling thread.
///
/// Called from inside a tokio runtime (a user's async code calling the blocking API),
/// where blocking on another runtime would panic, the work goes to a short-lived thread
/// of its own and this thread waits for it.
///
/// # Errors
/// When the runtime could not be started (the OS refused an epoll instance or a timer).
pub(super) fn block_on<F>(future: F) -> io::Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = RUNTIME
        .as_ref()
        .map_err(|e| io::Error::other(format!("could not start the I/O runtime: {e}")))?;
    if Handle::try_current().is_err() {
        return Ok(runtime.block_on(future));
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("atlas-http-call".into())
            .spawn_scoped(scope, || runtime.block_on(future))?;
        match worker.join() {
            Ok(output) => Ok(output),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Gives the connections' tasks one turn, so those whose sender was just dropped close
/// their sockets now rather than at the next call through this runtime.
pub(super) fn settle() {
    let _ = block_on(tokio::task::yield_now());
}
