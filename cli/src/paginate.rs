//! `--paginate`: every page of a list, 500 items a page, as one JSON array or as JSON
//! lines, with a progress bar on stderr when it is a terminal.

use std::io::IsTerminal as _;

use atlas_runtime::{Client, RequestOptions, raw::RawCall};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::call::Sink;
use crate::exit::CliError;

/// Walks every page of `call` and writes its items to `sink`.
pub fn all(
    client: &Client,
    call: &RawCall,
    options: &RequestOptions,
    json_lines: bool,
    sink: &mut Sink,
) -> Result<(), CliError> {
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} items, page {msg}") {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        None
    };
    if !json_lines {
        sink.write(b"[")?;
    }
    let mut first = true;
    for (n, page) in client.raw_pages(call, options).enumerate() {
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                if let Some(bar) = &bar {
                    bar.abandon();
                }
                if !json_lines {
                    sink.write(b"]\n")?;
                }
                sink.finish()?;
                return Err(e.into());
            }
        };
        if let Some(bar) = &bar {
            if let Some(total) = page.total_count {
                bar.set_length(total);
            }
            bar.inc(page.results.len() as u64);
            bar.set_message((n + 1).to_string());
        }
        for item in &page.results {
            if json_lines {
                sink.write(item.get().as_bytes())?;
                sink.write(b"\n")?;
            } else {
                if !first {
                    sink.write(b",")?;
                }
                sink.write(item.get().as_bytes())?;
            }
            first = false;
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if !json_lines {
        sink.write(b"]\n")?;
    }
    sink.finish()
}
