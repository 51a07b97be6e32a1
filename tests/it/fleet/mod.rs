//! Fleets: many processes (`fleet-worker`, not threads) sharing one access token through
//! a shared token store, against the Atlas emulator, which enforces Atlas's limits (10
//! token requests a minute, 100 live tokens): a store that did not share would fail here.
//!
//! | file | what |
//! |---|---|
//! | `file_store.rs` | `FileTokenStore`: 32 processes × 50 calls through an expiry → one token request per lifetime; the lock holder killed mid-fetch; 30 processes with a wrong secret → one token request; revoke and close remove the file; planted tokens (CR LF, ten years) discarded and replaced; a hard link at the lock left intact; a 100 MB token file not read |
//! | `redis_store.rs` | `RedisTokenStore`: 4 groups ("hosts") × 8 processes → one per lifetime; the lease holder killed mid-fetch; Redis stopped or frozen mid-run; a wrong secret across hosts → one token request; revoke and close remove the entry; planted tokens discarded and replaced; a frozen Redis costs an operation, and a new process's first call, at most `io_timeout`; a 100 MB value not read whole |
//! | `bounded.rs` | stores that panic, hang, fail or hold the lease for an hour cannot wedge a client (against the emulator) |
//! | `lease.rs` | how a client uses a store's lease (scripted transport): bounded waits, a token saved meanwhile, a store that cannot coordinate, a shared refusal scrubbed of an echoed secret |
//! | `support.rs` | spawning workers, `redis-server` on 127.0.0.1, the planted-token scenario both stores run |
//!
//! The Redis tests need `redis-server` (`apt-get install redis-server`): without it they
//! are ignored with that reason (the build script's `has_redis`), and under CI
//! (`CI=true`) the build fails instead.

mod bounded;
mod file_store;
mod lease;
mod redis_store;
mod support;
