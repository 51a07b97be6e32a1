//! Fleets: many processes (`fleet-worker`, not threads) sharing one access token through
//! a shared token store, against the Atlas emulator, which enforces Atlas's limits (10
//! token requests a minute, 100 live tokens): a store that did not share would fail here.
//!
//! | file | what |
//! |---|---|
//! | `file_store.rs` | `FileTokenStore`: 32 processes × 50 calls through an expiry → one token request per lifetime; the lock holder killed mid-fetch; 30 processes with a wrong secret → one token request; revoke and close remove the file |
//! | `redis_store.rs` | `RedisTokenStore`: 4 groups ("hosts") × 8 processes → one per lifetime; the lease holder killed mid-fetch; Redis stopped or frozen mid-run; a wrong secret across hosts → one token request; revoke and close remove the entry |
//! | `bounded.rs` | stores that panic, hang, fail or hold the lease for an hour cannot wedge a client (against the emulator) |
//! | `lease.rs` | how a client uses a store's lease (scripted transport): bounded waits, a token saved meanwhile, a store that cannot coordinate, a shared refusal scrubbed of an echoed secret |
//! | `support.rs` | spawning workers, `redis-server` on 127.0.0.1 |
//!
//! The Redis tests need `redis-server` (`apt-get install redis-server`): without it they
//! are ignored with that reason (the build script's `has_redis`), and under CI
//! (`CI=true`) the build fails instead.

mod bounded;
mod file_store;
mod lease;
mod redis_store;
mod support;
