//! Dates of versions. Negotiation itself, one for every operation, is
//! [`crate::api::generic::negotiate`].

/// The version a request gets when it names none.
pub(crate) const DEFAULT_VERSION: &str = "2023-01-01";

/// `YYYY-MM-DD`, a real calendar date.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[0..4].parse(), s[5..7].parse(), s[8..10].parse()) else {
        return false;
    };
    jiff::civil::Date::new(y, m, d).is_ok()
}
