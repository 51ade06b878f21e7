//! Dollars for people to read.

use crate::number::group_digits;

/// `usd` with the precision a reader needs: cents from a dollar up (`$12.30`,
/// `$1,234.50`), two significant digits below (`$0.42`, `$0.0042`), and `$0.00` only for a
/// true zero, so a cheap turn never looks free. Machine outputs keep the plain number.
pub fn format_usd(usd: f64) -> String {
    if !usd.is_finite() {
        return format!("${usd}");
    }
    let sign = if usd < 0.0 { "-" } else { "" };
    let amount = usd.abs();
    if amount == 0.0 {
        return "$0.00".to_string();
    }
    if amount >= 1.0 || format!("{amount:.2}") == "1.00" {
        let cents = format!("{amount:.2}");
        let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
        return format!("{sign}${}.{fraction}", group_digits(whole));
    }
    const MAX_DECIMALS: i32 = 8;
    // Two significant digits: 0.0042 has its first at the third decimal, so four decimals.
    let decimals = (1 - amount.log10().floor() as i32).clamp(2, MAX_DECIMALS);
    let text = format!("{amount:.*}", decimals as usize);
    if text.bytes().all(|b| b == b'0' || b == b'.') {
        return format!("{sign}<$0.{}1", "0".repeat(MAX_DECIMALS as usize - 1));
    }
    // Rounding up can leave a trailing zero (0.0995 -> 0.100); two decimals always stay.
    let trimmed = text.trim_end_matches('0');
    let decimals_left = trimmed.len() - trimmed.find('.').unwrap_or(trimmed.len()) - 1;
    let text = if decimals_left < 2 {
        &text[..text.find('.').unwrap_or(0) + 3]
    } else {
        trimmed
    };
    format!("{sign}${text}")
}

#[cfg(test)]
mod tests {
    use super::format_usd;

    #[test]
    fn a_dollar_and_up_shows_cents() {
        assert_eq!(format_usd(12.3), "$12.30");
        assert_eq!(format_usd(1.0), "$1.00");
        assert_eq!(format_usd(1234.5), "$1,234.50");
        assert_eq!(format_usd(1_234_567.891), "$1,234,567.89");
        // Rounds up into a dollar.
        assert_eq!(format_usd(0.999), "$1.00");
    }

    #[test]
    fn below_a_dollar_shows_two_significant_digits() {
        assert_eq!(format_usd(0.42), "$0.42");
        assert_eq!(format_usd(0.0042), "$0.0042");
        assert_eq!(format_usd(0.004), "$0.004");
        assert_eq!(format_usd(0.012345), "$0.012");
        assert_eq!(format_usd(0.5), "$0.50");
        // 0.0995 rounds to 0.100, shown as $0.10.
        assert_eq!(format_usd(0.0995), "$0.10");
        assert_eq!(format_usd(0.0000036), "$0.0000036");
    }

    #[test]
    fn only_a_true_zero_is_zero() {
        assert_eq!(format_usd(0.0), "$0.00");
        assert_eq!(format_usd(0.000_000_000_1), "<$0.00000001");
    }

    #[test]
    fn negative_amounts_keep_their_sign() {
        assert_eq!(format_usd(-0.42), "-$0.42");
        assert_eq!(format_usd(-12.3), "-$12.30");
    }
}
