//! The log files a host of an emulated cluster serves: lines in the structured JSON
//! format `mongod` and `mongos` write (one document a line, `t`, `s`, `c`, `id`, `ctx`,
//! `msg`, `attr`), made up from the host's name and the time range asked for, and
//! gzip-compressed as Atlas serves them (`logs/mongodb.gz`).
//!
//! The same host and range give the same lines, so a test can compare two downloads.
//! Timestamps step by [`STEP`] from the start of the range; at most [`MAX_LINES`] lines
//! (the latest ones) are written.

use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flate2::Compression;
use flate2::write::GzEncoder;

/// Time between two lines.
pub(crate) const STEP: Duration = Duration::from_secs(30);
/// The most lines one file holds (a day at one line every 30 s).
pub(crate) const MAX_LINES: u64 = 2880;

/// Which process wrote the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Process {
    Mongod,
    Mongos,
}

/// A small deterministic generator (SplitMix64), seeded from the host's name.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `2024-08-05T10:00:00.000+00:00`, as the server writes `t.$date`.
fn date(t: SystemTime) -> String {
    let ts = jiff::Timestamp::try_from(t).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    format!("{}+00:00", ts.strftime("%Y-%m-%dT%H:%M:%S%.3f"))
}

/// One line: the fixed fields in the server's order, then `attr`.
fn line(
    t: SystemTime,
    component: &str,
    id: u32,
    ctx: &str,
    msg: &str,
    attr: &str,
    severity: &str,
) -> String {
    format!(
        r#"{{"t":{{"$date":"{}"}},"s":"{severity}","c":"{component}","id":{id},"ctx":"{ctx}","msg":"{msg}","attr":{attr}}}"#,
        date(t)
    )
}

/// The log text of `host` between `from` and `to`.
pub(crate) fn text(host: &str, process: Process, from: SystemTime, to: SystemTime) -> String {
    let seed = crate::ids::sha256(host.as_bytes());
    let mut mix = Mix(u64::from_le_bytes(seed[..8].try_into().unwrap_or([0; 8])));
    let span = to.duration_since(from).unwrap_or_default();
    let count = (span.as_secs() / STEP.as_secs()).min(MAX_LINES);
    let first = to
        .checked_sub(STEP * u32::try_from(count).unwrap_or(u32::MAX))
        .unwrap_or(from)
        .max(from);
    let mut out = String::new();
    let mut connection = 1000 + mix.below(9000);
    for i in 0..count {
        let t = first + STEP * u32::try_from(i).unwrap_or(0);
        // The milliseconds vary, as real timestamps do.
        let t = t + Duration::from_millis(mix.below(1000));
        let remote = format!(
            "192.168.{}.{}:{}",
            mix.below(255),
            1 + mix.below(254),
            32768 + mix.below(28000)
        );
        let next = match (process, mix.below(6)) {
            (_, 0) => {
                connection += 1;
                line(
                    t,
                    "NETWORK",
                    22943,
                    "listener",
                    "Connection accepted",
                    &format!(
                        r#"{{"remote":"{remote}","isLoadBalanced":false,"connectionId":{connection},"connectionCount":{}}}"#,
                        20 + mix.below(40)
                    ),
                    "I",
                )
            }
            (_, 1) => line(
                t,
                "NETWORK",
                51800,
                &format!("conn{connection}"),
                "client metadata",
                &format!(
                    r#"{{"remote":"{remote}","client":"conn{connection}","doc":{{"driver":{{"name":"mongo-go-driver","version":"v1.12.0"}},"os":{{"type":"linux","architecture":"amd64"}}}}}}"#
                ),
                "I",
            ),
            (_, 2) => line(
                t,
                "ACCESS",
                5286306,
                &format!("conn{connection}"),
                "Successfully authenticated",
                r#"{"client":"127.0.0.1","isSpeculative":true,"isClusterMember":false,"mechanism":"SCRAM-SHA-256","user":"app","db":"admin"}"#,
                "I",
            ),
            (_, 3) => line(
                t,
                "NETWORK",
                22944,
                &format!("conn{connection}"),
                "Connection ended",
                &format!(
                    r#"{{"remote":"{remote}","isLoadBalanced":false,"connectionId":{connection},"connectionCount":{}}}"#,
                    19 + mix.below(40)
                ),
                "I",
            ),
            (Process::Mongod, 4) => line(
                t,
                "WTCHKPT",
                22430,
                "Checkpointer",
                "WiredTiger message",
                &format!(
                    r#"{{"message":{{"ts_sec":{},"ts_usec":0,"thread":"1:0x7f","session_name":"WT_SESSION.checkpoint","category":"WT_VERB_CHECKPOINT_PROGRESS","verbose_level":"DEBUG_1","msg":"saving checkpoint snapshot min: {}, snapshot max: {}"}}}}"#,
                    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs(),
                    i,
                    i + 1
                ),
                "I",
            ),
            (Process::Mongos, 4) => line(
                t,
                "SHARDING",
                22727,
                "ShardRegistryUpdater",
                "Received reply from config server node",
                r#"{"reply":{"ok":1}}"#,
                "I",
            ),
            _ => line(
                t,
                "COMMAND",
                51803,
                &format!("conn{connection}"),
                "Slow query",
                &format!(
                    r#"{{"type":"command","ns":"app.orders","command":{{"find":"orders","filter":{{"status":"open"}}}},"planSummary":"COLLSCAN","keysExamined":0,"docsExamined":{},"nreturned":{},"durationMillis":{}}}"#,
                    1000 + mix.below(50_000),
                    mix.below(100),
                    100 + mix.below(900)
                ),
                "I",
            ),
        };
        out.push_str(&next);
        out.push('\n');
    }
    out
}

/// `text` compressed as a gzip file.
pub(crate) fn gzip(text: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(text);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn lines_are_json_documents_in_the_range_and_repeatable() {
        let to = UNIX_EPOCH + Duration::from_secs(1_722_852_000);
        let from = to - Duration::from_secs(3600);
        let host = "cluster0-shard-00-00.ab1cd.mongodb.net";
        let log = text(host, Process::Mongod, from, to);
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 120);
        for l in &lines {
            let doc: serde_json::Value = serde_json::from_str(l).unwrap();
            for key in ["t", "s", "c", "id", "ctx", "msg", "attr"] {
                assert!(doc.get(key).is_some(), "{key} in {l}");
            }
            let t = doc["t"]["$date"].as_str().unwrap();
            assert!(t.starts_with("2024-08-05T") && t.ends_with("+00:00"), "{t}");
        }
        assert_eq!(text(host, Process::Mongod, from, to), log);
        assert_ne!(text("other.mongodb.net", Process::Mongod, from, to), log);
        assert!(text(host, Process::Mongod, to, from).is_empty());
        let day = text(
            host,
            Process::Mongos,
            to - Duration::from_secs(86_400 * 3),
            to,
        );
        assert_eq!(day.lines().count() as u64, MAX_LINES);
    }

    #[test]
    fn gzip_round_trips() {
        let bytes = gzip(b"one\ntwo\n");
        assert_eq!(&bytes[..2], &[0x1f, 0x8b]);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "one\ntwo\n");
    }
}
