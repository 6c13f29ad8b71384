//! The per-launch secrets: the launch token that signs the window in, once, and the
//! session secret its cookie then carries.

use std::{fmt, sync::Mutex, time::Duration};
use subtle::ConstantTimeEq;

/// Each wrong guess waits this much longer than the one before it...
pub const WRONG_GUESS_STEP: Duration = Duration::from_millis(100);
/// ...up to this.
pub const WRONG_GUESS_MAX: Duration = Duration::from_secs(2);

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

/// The shortest token a user may choose: 128 bits, written as hex. A short token falls to
/// guessing (four digits did in about a second); `openssl rand -hex 16` makes a good one.
pub const MIN_CHOSEN_LEN: usize = 32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is empty")]
    Empty,
    #[error(
        "the token is {0} characters long; a chosen token needs at least {MIN_CHOSEN_LEN} \
         (128 bits as hex, such as `openssl rand -hex 16` prints)"
    )]
    TooShort(usize),
    #[error("the token may only hold letters, digits, '-', '_', '.' and '~' (found {0:?})")]
    InvalidChar(char),
}

impl Token {
    /// 192 random bits, hex-encoded, from the operating system's CSPRNG (via `rand`).
    pub fn generate() -> Self {
        Self(crate::random::hex::<24>())
    }

    /// A user-chosen token, at least [`MIN_CHOSEN_LEN`] characters. Restricted to
    /// characters that need no escaping in a URL or a cookie, so the printed URL always works
    /// as printed.
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
        if value.len() < MIN_CHOSEN_LEN {
            return Err(TokenError::TooShort(value.len()));
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
///
/// Wrong guesses are answered one at a time, each after a growing delay, so that guessing
/// cannot be sped up by asking in parallel. A right token is never held up by them.
#[derive(Debug, Default)]
pub struct LaunchTokens {
    unused: Mutex<Vec<Token>>,
    /// How many wrong guesses so far; held while one is made to wait.
    wrong_guesses: tokio::sync::Mutex<u32>,
}

impl LaunchTokens {
    pub fn new(first: Option<Token>) -> Self {
        Self {
            unused: Mutex::new(first.into_iter().collect()),
            wrong_guesses: tokio::sync::Mutex::default(),
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

    /// Waits out the penalty for one more wrong guess, behind every earlier one still
    /// waiting.
    pub async fn after_wrong_guess(&self) {
        let mut wrong = self.wrong_guesses.lock().await;
        *wrong = wrong.saturating_add(1);
        tokio::time::sleep(penalty(*wrong)).await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Token>> {
        // A panic while holding this lock leaves the list intact: a Vec push or remove.
        crate::sync::lock(&self.unused)
    }
}

/// The wait after the `nth` wrong guess.
fn penalty(nth: u32) -> Duration {
    WRONG_GUESS_STEP.saturating_mul(nth).min(WRONG_GUESS_MAX)
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

    const SECRET: &str = "s3cret-token-of-32-characters-ok";

    #[test]
    fn matches_only_the_exact_token() {
        let token = Token::parse(SECRET).unwrap();
        assert!(token.matches(SECRET));
        assert!(!token.matches(&SECRET[..SECRET.len() - 1]));
        assert!(!token.matches(&format!("{SECRET}!")));
        assert!(!token.matches(""));
    }

    #[test]
    fn parse_refuses_what_would_not_survive_a_url() {
        assert_eq!(Token::parse(""), Err(TokenError::Empty));
        assert_eq!(Token::parse("a b"), Err(TokenError::InvalidChar(' ')));
        assert_eq!(Token::parse("a;b"), Err(TokenError::InvalidChar(';')));
    }

    #[test]
    fn a_chosen_token_has_at_least_128_bits() {
        assert_eq!(Token::parse("1234"), Err(TokenError::TooShort(4)));
        let short = "f".repeat(MIN_CHOSEN_LEN - 1);
        assert_eq!(Token::parse(&short), Err(TokenError::TooShort(31)));
        assert!(Token::parse(&"f".repeat(MIN_CHOSEN_LEN)).is_ok());
        assert!(TokenError::TooShort(4).to_string().contains("at least 32"));
    }

    #[test]
    fn a_launch_token_signs_in_once() {
        let tokens = LaunchTokens::new(Some(Token::parse(SECRET).unwrap()));
        let issued = tokens.issue();
        assert!(!tokens.redeem("guess"));
        assert!(tokens.redeem(SECRET));
        assert!(!tokens.redeem(SECRET), "used up");
        assert!(tokens.redeem(issued.reveal()));
        assert!(!tokens.redeem(issued.reveal()), "used up");
    }

    #[test]
    fn each_wrong_guess_waits_longer_up_to_a_ceiling() {
        assert_eq!(penalty(1), WRONG_GUESS_STEP);
        assert_eq!(penalty(2), WRONG_GUESS_STEP * 2);
        assert_eq!(penalty(1_000), WRONG_GUESS_MAX);
        assert_eq!(penalty(u32::MAX), WRONG_GUESS_MAX);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::parse(SECRET).unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }
}
