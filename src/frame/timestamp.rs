//! RFC 3339 timestamps, as HAR's `startedDateTime` writes them, to and from Unix
//! milliseconds. Turns carry them in UTC (`2025-05-01T21:30:00.123Z`), whatever offset the
//! capture used, so they sort as text and fall on one calendar day however they were taken.

/// Unix milliseconds of an RFC 3339 timestamp (`2025-05-01T23:30:00.123+02:00`, `…Z`,
/// `…+0200`, a space for the `T`, any number of fraction digits). A timestamp without an
/// offset is taken as UTC. `None` when the text is no timestamp.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, sep)| bytes[at] != sep)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let first3: String = fraction[..digits]
            .chars()
            .chain("00".chars())
            .take(3)
            .collect();
        millis = first3.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (hours, minutes) = (
                digits[..2].parse::<i64>().ok()?,
                digits[2..].parse::<i64>().ok()?,
            );
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 60 + minutes)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis).filter(|millis| WRITTEN.contains(millis))
}

/// The Unix milliseconds of years 0000 to 9999 in UTC: what RFC 3339 writes (four digits
/// of year), and so what a turn's `started_at` may hold; a date by its first 10 characters.
const WRITTEN: std::ops::RangeInclusive<i64> = -62_167_219_200_000..=253_402_300_799_999;

/// Unix milliseconds as RFC 3339 in UTC, to the millisecond; `None` outside years 0000 to
/// 9999, which it cannot write (a dump's file name may say any number).
pub fn format_millis(millis: i64) -> Option<String> {
    if !WRITTEN.contains(&millis) {
        return None;
    }
    let seconds = millis.div_euclid(1_000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60,
        millis.rem_euclid(1_000)
    ))
}

/// `text` as this tool writes a timestamp (UTC, to the millisecond), when it is one.
pub fn normalized(text: &str) -> Option<String> {
    parse_rfc3339(text).and_then(format_millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_fractions_and_utc() {
        let utc = parse_rfc3339("2025-05-01T21:30:00.123Z").unwrap();
        assert_eq!(utc, 1_746_135_000_123);
        assert_eq!(parse_rfc3339("2025-05-01T23:30:00.123456+02:00"), Some(utc));
        assert_eq!(parse_rfc3339("2025-05-01T16:30:00.1239-0500"), Some(utc));
        assert_eq!(parse_rfc3339("2025-05-01 21:30:00.123"), Some(utc));
        assert_eq!(format_millis(utc).unwrap(), "2025-05-01T21:30:00.123Z");
    }

    #[test]
    fn calendar_edges() {
        let written = |millis| format_millis(millis).unwrap();
        assert_eq!(written(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(written(-1), "1969-12-31T23:59:59.999Z");
        let leap = parse_rfc3339("2024-02-29T12:00:00Z").unwrap();
        assert_eq!(written(leap), "2024-02-29T12:00:00.000Z");
        assert_eq!(written(1_712_345_678_901), "2024-04-05T19:34:38.901Z");
        assert_eq!(written(*WRITTEN.start()), "0000-01-01T00:00:00.000Z");
        assert_eq!(written(*WRITTEN.end()), "9999-12-31T23:59:59.999Z");
        // Hostile run 28, D4: past year 9999 (a dump named for year 292278994) or before
        // year 0 no RFC 3339 text is written.
        for millis in [*WRITTEN.end() + 1, *WRITTEN.start() - 1, i64::MAX, i64::MIN] {
            assert_eq!(format_millis(millis), None, "{millis}");
        }
    }

    #[test]
    fn not_timestamps() {
        for text in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-05-01T21:30:00.Z",
            "2025-05-01T21:30:00+2",
            // Hostile run 28, D4: offsets past 23:59 moved the time past year 9999.
            "2025-05-01T21:30:00-99:99",
            "2025-05-01T21:30:00+24:00",
            "9999-12-31T23:30:00-01:00",
            "0000-01-01T00:30:00+01:00",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }
}
