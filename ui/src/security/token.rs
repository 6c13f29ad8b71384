//! The per-launch secrets: the launch token that signs the window in, once, and the
//! session secret its cookie then carries.

use std::{fmt, sync::Mutex};
use subtle::ConstantTimeEq;

/// Whether the server demands the launch token.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Every request needs the session cookie obtained with this token.
    Token(Token),
    /// Anyone who can reach the port may use the server. Only for explicit opt-outs.
    Disabled,
}

/// A secret, compared in constant time and never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is empty")]
    Empty,
    #[error("the token may only hold letters, digits, '-', '_', '.' and '~' (found {0:?})")]
    InvalidChar(char),
}

impl Token {
    /// 192 random bits, hex-encoded, from the operating system's CSPRNG (via `rand`).
    pub fn generate() -> Self {
        let bytes: [u8; 24] = rand::random();
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A user-chosen token. Restricted to characters that need no escaping in a URL or a
    /// cookie, so the printed URL always works as printed.
    pub fn parse(value: &str) -> Result<Self, TokenError> {
        if value.is_empty() {
            return Err(TokenError::Empty);
        }
        if let Some(bad) = value
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
        {
            return Err(TokenError::InvalidChar(bad));
        }
        Ok(Self(value.to_owned()))
    }

    /// Constant-time, so response timing reveals nothing about how much of a guess matched.
    pub fn matches(&self, offered: &str) -> bool {
        self.0.as_bytes().ct_eq(offered.as_bytes()).into()
    }

    /// The secret itself, for building the launch URL and the cookie.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

/// The launch tokens not yet exchanged for a session. Each signs in once: a token left in
/// a browser's history, a session file or a shell's scrollback is worthless once used.
#[derive(Debug, Default)]
pub struct LaunchTokens {
    unused: Mutex<Vec<Token>>,
}

impl LaunchTokens {
    pub fn new(first: Option<Token>) -> Self {
        Self {
            unused: Mutex::new(first.into_iter().collect()),
        }
    }

    /// A fresh token that signs in once.
    pub fn issue(&self) -> Token {
        let token = Token::generate();
        self.lock().push(token.clone());
        token
    }

    /// Uses up `offered` if it is an unused token. Every unused token is compared, in
    /// constant time, so the answer's timing does not tell which one came close.
    pub fn redeem(&self, offered: &str) -> bool {
        let mut unused = self.lock();
        let mut found = None;
        for (index, token) in unused.iter().enumerate() {
            if token.matches(offered) {
                found = Some(index);
            }
        }
        found.map(|index| unused.swap_remove(index)).is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Token>> {
        // A panic while holding this lock leaves the list intact: a Vec push or remove.
        self.unused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl std::str::FromStr for Token {
    type Err = TokenError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_and_distinct() {
        let token = Token::generate();
        assert_eq!(token.reveal().len(), 48, "24 bytes, hex-encoded");
        assert_ne!(token, Token::generate());
    }

    #[test]
    fn matches_only_the_exact_token() {
        let token = Token::parse("s3cret-token").unwrap();
        assert!(token.matches("s3cret-token"));
        assert!(!token.matches("s3cret-toke"));
        assert!(!token.matches("s3cret-token!"));
        assert!(!token.matches(""));
    }

    #[test]
    fn parse_refuses_what_would_not_survive_a_url() {
        assert_eq!(Token::parse(""), Err(TokenError::Empty));
        assert_eq!(Token::parse("a b"), Err(TokenError::InvalidChar(' ')));
        assert_eq!(Token::parse("a;b"), Err(TokenError::InvalidChar(';')));
    }

    #[test]
    fn a_launch_token_signs_in_once() {
        let tokens = LaunchTokens::new(Some(Token::parse("first").unwrap()));
        let issued = tokens.issue();
        assert!(!tokens.redeem("guess"));
        assert!(tokens.redeem("first"));
        assert!(!tokens.redeem("first"), "used up");
        assert!(tokens.redeem(issued.reveal()));
        assert!(!tokens.redeem(issued.reveal()), "used up");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::parse("hunter2").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }
}
