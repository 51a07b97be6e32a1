//! The runtime's integration tests, as one binary (each file a module).
//!
//! | module | what it tests |
//! |---|---|
//! | [`http_transport`] | the default transport against raw loopback servers: exact bytes, reuse, streaming, deadlines, what counts as sent, calls from inside tokio |
//! | [`no_wire_logs`] | no form of a secret in any log record at TRACE, hex dumps reassembled |

mod http_transport;
mod no_wire_logs;
