//! Shared by the peers (`peers.rs`, `prism.rs`): child processes in their own process
//! group, stopped without leaving anything behind.

/// Whether `pid` (our child) has exited, without reaping it: while it is unreaped its pid,
/// which is also its process group's id, cannot be reused, so a group kill is safe.
pub(crate) fn exited_not_reaped(pid: libc::pid_t) -> bool {
    // SAFETY: siginfo_t is plain data; waitid only writes into it.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        // rc == -1: no such child (already reaped): as good as exited.
        rc == -1 || info.si_pid() != 0
    }
}
