//! Header values every call of a thread sends again and again (the media types of the
//! versions it uses, its `User-Agent`), made once per thread: a clone is a reference
//! count, where making one is an allocation and a check of every byte. (The transport
//! keeps each host's pool key and `Host` value the same way, in `transport::http1`.)

use std::cell::RefCell;

use http::HeaderValue;
use http::header::InvalidHeaderValue;

use crate::format::Format;

/// Enough for the versions and agents one program uses; past it, the oldest goes.
const ENTRIES: usize = 16;

/// A value, by the text it was made from (a media type's also by its format).
type Entry = (Option<Format>, Box<str>, HeaderValue);

thread_local! {
    static VALUES: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

fn get(
    format: Option<Format>,
    text: &str,
    make: impl FnOnce() -> Result<HeaderValue, InvalidHeaderValue>,
) -> Result<HeaderValue, InvalidHeaderValue> {
    VALUES.with_borrow_mut(|values| {
        if let Some((_, _, v)) = values.iter().find(|(f, t, _)| *f == format && &**t == text) {
            return Ok(v.clone());
        }
        let value = make()?;
        if values.len() == ENTRIES {
            values.remove(0);
        }
        values.push((format, text.into(), value.clone()));
        Ok(value)
    })
}

/// `application/vnd.atlas.{version}+{format}`.
pub(crate) fn media_type(version: &str, format: Format) -> Result<HeaderValue, InvalidHeaderValue> {
    get(Some(format), version, || {
        HeaderValue::try_from(crate::request::media_type_for(version, format))
    })
}

/// `text` as a header value.
pub(crate) fn value(text: &str) -> Result<HeaderValue, InvalidHeaderValue> {
    get(None, text, || HeaderValue::from_str(text))
}
