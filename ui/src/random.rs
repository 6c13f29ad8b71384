//! Random values as the server writes them: hex digits, from the operating system's CSPRNG
//! (through `rand`), for secrets, tab ids and the feed.

/// `N` random bytes, hex-encoded: `2 × N` lowercase digits.
pub fn hex<const N: usize>() -> String {
    hex::encode(rand::random::<[u8; N]>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn n_bytes_are_twice_as_many_lowercase_digits_and_differ() {
        let value = super::hex::<8>();
        assert_eq!(value.len(), 16);
        assert!(
            value.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
            "{value}"
        );
        assert_ne!(
            value,
            super::hex::<8>(),
            "two draws of 64 bits should differ"
        );
    }
}
