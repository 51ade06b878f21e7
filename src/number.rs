//! Numbers for people to read, shared by the tables and the dollar amounts: a leaf that
//! imports nothing of this crate, so both `render` and `cost` may use it.

/// `n` with thousands separators: 24517 → 24,517.
pub fn thousands(n: impl Into<u128>) -> String {
    group_digits(&n.into().to_string())
}

/// A run of decimal digits with a comma every three from the right: `1234567` →
/// `1,234,567`. Takes text, so whole dollars too large for a `u64` group as well.
pub fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(24517u64), "24,517");
        assert_eq!(thousands(1234567u64), "1,234,567");
        assert_eq!(
            group_digits("12345678901234567890123"),
            "12,345,678,901,234,567,890,123"
        );
    }
}
