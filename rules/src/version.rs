//! API versions: the date an operation's media type names (`2024-08-05`), or `preview`.

/// Whether `version` is `YYYY-MM-DD` (a real calendar date) or `preview`.
///
/// The macro refuses a declaration's version with it, the runtime a per-call or default
/// version before any I/O. It runs on every request, so it reads the ten bytes itself
/// instead of going through a date parser (which cost ~70 ns a call); the runtime's tests
/// hold it to `jiff`'s calendar for thirty years of days. `#[inline]`: it moved here from
/// the runtime, and a call across crates is not inlined otherwise.
#[inline]
pub fn is_valid_version(version: &str) -> bool {
    version == "preview" || is_date(version)
}

/// Whether `text` is a real calendar date written `YYYY-MM-DD` (a dated version).
#[inline]
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::is_valid_version;

    #[test]
    fn dates_and_preview() {
        for good in [
            "2024-08-05",
            "2024-02-29",
            "2000-02-29",
            "2023-12-31",
            "preview",
        ] {
            assert!(is_valid_version(good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-05",
            "2024-00-05",
            "2024-08-00",
            "2024-04-31",
            "2024-8-05",
            "2024-08-5",
            "v2",
            "latest",
            "Preview",
            "",
            "2024/08/05",
            "2024-08-05 ",
            "２０２４-08-05",
            "+024-08-05",
        ] {
            assert!(!is_valid_version(bad), "{bad}");
        }
    }
}
