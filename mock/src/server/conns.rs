//! The connection table: at most `max_connections` open at once, and who gives way when
//! it is full.
//!
//! A connection is *active* while a request on it is being answered, and *waiting*
//! otherwise (reading a head, idle between requests, or writing an answer its client does
//! not read). When the table is full, a new connection takes the place of the one that
//! has been waiting longest, which is closed; only when every connection is active is the
//! newcomer refused (503). So slowloris clients (heads that never end) and pipelining
//! clients that never read cannot lock a normal client out: they are all waiting, and the
//! oldest of them goes first. Each is also bounded in time on its own (the head deadline,
//! the write timeout).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::oneshot;

use crate::state::lock;

#[derive(Debug)]
struct Entry {
    active: bool,
    /// When the connection last changed between active and waiting.
    since: Instant,
    /// Closes the connection when fired (or dropped).
    evict: oneshot::Sender<()>,
}

#[derive(Debug, Default)]
struct Table {
    next_id: u64,
    open: HashMap<u64, Entry>,
}

/// The open connections.
#[derive(Debug)]
pub(crate) struct Connections {
    max: usize,
    table: Mutex<Table>,
}

/// A place in the table, released on drop.
#[derive(Debug)]
pub(crate) struct Slot {
    id: u64,
    conns: Arc<Connections>,
}

impl Connections {
    pub(crate) fn new(max: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max: max.max(1),
            table: Mutex::new(Table::default()),
        })
    }

    /// A place for a new connection, and the signal that evicts it; `None` when every
    /// connection is active.
    pub(crate) fn admit(self: &Arc<Self>) -> Option<(Slot, oneshot::Receiver<()>)> {
        let mut table = lock(&self.table);
        if table.open.len() >= self.max {
            let victim = table
                .open
                .iter()
                .filter(|(_, e)| !e.active)
                .min_by_key(|(_, e)| e.since)
                .map(|(id, _)| *id)?;
            if let Some(entry) = table.open.remove(&victim) {
                let _ = entry.evict.send(());
            }
        }
        let id = table.next_id;
        table.next_id += 1;
        let (evict, evicted) = oneshot::channel();
        table.open.insert(
            id,
            Entry {
                active: false,
                since: Instant::now(),
                evict,
            },
        );
        Some((
            Slot {
                id,
                conns: Arc::clone(self),
            },
            evicted,
        ))
    }

    /// How many connections are open.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.table).open.len()
    }
}

impl Slot {
    /// Marks the connection active (answering a request) until the guard is dropped.
    pub(crate) fn active(self: &Arc<Self>) -> Active {
        self.set(true);
        Active(Arc::clone(self))
    }

    fn set(&self, active: bool) {
        if let Some(e) = lock(&self.conns.table).open.get_mut(&self.id) {
            e.active = active;
            e.since = Instant::now();
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        lock(&self.conns.table).open.remove(&self.id);
    }
}

/// See [`Slot::active`].
#[derive(Debug)]
pub(crate) struct Active(Arc<Slot>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_waiting_connection_gives_way() {
        let conns = Connections::new(2);
        let (a, mut a_evicted) = conns.admit().unwrap();
        let (b, mut b_evicted) = conns.admit().unwrap();
        let b = Arc::new(b);
        let busy = b.active();
        let (c, _) = conns.admit().expect("a waits, so it gives way");
        let c = Arc::new(c);
        assert!(a_evicted.try_recv().is_ok());
        assert!(b_evicted.try_recv().is_err());
        assert_eq!(conns.len(), 2);
        let also_busy = c.active();
        assert!(conns.admit().is_none(), "all active: refused");
        drop((busy, also_busy));
        drop(a);
        assert_eq!(conns.len(), 2, "an evicted slot is already gone");
        drop((b, c));
        assert_eq!(conns.len(), 0);
    }
}
