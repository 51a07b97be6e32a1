//! Peak memory of a 200 MB gzip download streamed to a file (issue 11: under 16 MB).
//!
//! A loopback server sends `Content-Length: 200 MiB` of `application/vnd.atlas.…+gzip`
//! bytes; the client streams them to a temporary file with `Download::write_to`. Prints
//! the bytes written and this process's peak resident set (`VmHWM`) before and after,
//! so the download's cost is the difference. Run: `cargo run --release -p atlas-bench
//! --bin download_memory`.

use std::io::{Read, Write};
use std::net::TcpListener;

use atlas_runtime::{Client, Format, RequestOptions, atlas_endpoint};

const SIZE: u64 = 200 * 1024 * 1024;

#[atlas_endpoint(
    GET,
    "/groups/{groupId}/clusters/{hostName}/logs/{logName}.gz",
    version = "2023-02-01"
)]
struct DownloadLog {
    group_id: String,
    host_name: String,
    log_name: String,
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        if let Some(Ok(mut stream)) = listener.incoming().next() {
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.atlas.2023-02-01+gzip\r\nContent-Length: {SIZE}\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![0x1fu8; 64 * 1024];
            let mut left = SIZE;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if stream.write_all(&chunk[..n]).is_err() {
                    return;
                }
                left -= n as u64;
            }
        }
    });
    let client = Client::builder().base_url(url).build()?;
    let before = peak_rss_kib();
    let path = std::env::temp_dir().join(format!("atlas-download-{}.gz", std::process::id()));
    let mut file = std::fs::File::create(&path)?;
    let call = DownloadLog::new("32b6e34b3d91647abb20e7b8", "host-00.example.net", "mongodb");
    let written = client
        .download(&call, &RequestOptions::new().format(Format::Gzip))?
        .write_to(&mut file)?;
    let after = peak_rss_kib();
    std::fs::remove_file(&path)?;
    println!(
        "downloaded {written} bytes; peak RSS {before} KiB before, {after} KiB after (+{} KiB)",
        after.saturating_sub(before)
    );
    assert_eq!(written, SIZE);
    Ok(())
}
