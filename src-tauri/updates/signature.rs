//! The package's minisign signature, checked as the bytes arrive.
//!
//! tauri-plugin-updater checks a signature only over a package held whole in memory
//! (`Update::verify`), so a hostile server could make the app hold as much as the size cap.
//! minisign's pre-hashed signatures, the kind `tauri signer sign` makes, can be checked over a
//! stream instead (`minisign_verify::StreamVerifier`), with the package on disk. The plugin's
//! two rules are kept: the key is the one in `tauri.conf.json`, and the signature must name
//! the version the manifest announced (`tauri signer sign --app-version`), so that a manifest
//! cannot pair a new version number with an older, validly signed package.

use base64::Engine;
use minisign_verify::{PublicKey, Signature, StreamVerifier};

/// Why a package is refused, in words for the page.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("the public key in the app's configuration cannot be read: {0}")]
    Key(DecodeError),
    #[error("the release's signature cannot be read: {0}")]
    Unreadable(DecodeError),
    #[error("the signature does not match ({0})")]
    Mismatch(minisign_verify::Error),
    #[error("the signature does not say which version it was made for")]
    NoSignedVersion,
    #[error("the signature was made for version {signed}, not {announced}")]
    OtherVersion { signed: String, announced: String },
}

/// Why a key or a signature, as `tauri.conf.json` and the manifest write them, cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("not text: {0}")]
    Text(#[from] std::string::FromUtf8Error),
    #[error("{0}")]
    Minisign(#[from] minisign_verify::Error),
}

/// A release's signature, with the key it must verify against.
pub struct PackageSignature {
    key: PublicKey,
    signature: Signature,
}

impl PackageSignature {
    /// `public_key` and `signature` as `tauri.conf.json` and the manifest hold them: base64
    /// of minisign's text formats.
    pub fn new(public_key: &str, signature: &str) -> Result<Self, SignatureError> {
        let key = decode(public_key, PublicKey::decode).map_err(SignatureError::Key)?;
        let signature = decode(signature, Signature::decode).map_err(SignatureError::Unreadable)?;
        Ok(Self { key, signature })
    }

    /// Starts checking a package that arrives in pieces.
    pub fn verifier(&self) -> Result<Verifier<'_>, SignatureError> {
        Ok(Verifier {
            stream: self
                .key
                .verify_stream(&self.signature)
                .map_err(SignatureError::Mismatch)?,
            signature: &self.signature,
        })
    }
}

/// A package's check under way.
pub struct Verifier<'a> {
    stream: StreamVerifier<'a>,
    signature: &'a Signature,
}

impl Verifier<'_> {
    pub fn update(&mut self, bytes: &[u8]) {
        self.stream.update(bytes);
    }

    /// Once every byte is in: the signature, then the version it names. The trusted comment
    /// that names it is covered by the signature, so it is read only after that holds.
    pub fn finish(mut self, announced: &str) -> Result<(), SignatureError> {
        self.stream.finalize().map_err(SignatureError::Mismatch)?;
        let signed = signed_version(self.signature.trusted_comment())
            .ok_or(SignatureError::NoSignedVersion)?;
        let same = match (parse(signed), parse(announced)) {
            (Some(signed), Some(announced)) => signed == announced,
            _ => signed == announced,
        };
        if same {
            Ok(())
        } else {
            Err(SignatureError::OtherVersion {
                signed: signed.to_owned(),
                announced: announced.to_owned(),
            })
        }
    }
}

/// Base64 of minisign's text format, read by `parse`.
fn decode<T>(
    base64: &str,
    parse: impl FnOnce(&str) -> Result<T, minisign_verify::Error>,
) -> Result<T, DecodeError> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(base64.trim())?;
    Ok(parse(&String::from_utf8(bytes)?)?)
}

/// The `version:` field of a trusted comment, which the Tauri CLI writes as tab-separated
/// `key:value` pairs: `timestamp:1700000000\tfile:app.deb\tversion:1.2.3`.
fn signed_version(trusted_comment: &str) -> Option<&str> {
    trusted_comment
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
}

/// Tauri's manifests may write `v1.2.3`.
fn parse(version: &str) -> Option<semver::Version> {
    semver::Version::parse(version.trim_start_matches('v')).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_version_is_read_from_the_trusted_comment() {
        assert_eq!(
            signed_version("timestamp:1700000000\tfile:app.deb\tversion:1.2.3"),
            Some("1.2.3")
        );
        assert_eq!(signed_version("timestamp:1700000000\tfile:app.deb"), None);
        assert_eq!(parse("v1.2.3"), parse("1.2.3"));
    }

    #[test]
    fn an_unreadable_key_or_signature_is_named() {
        let err = PackageSignature::new("not base64!", "").err().unwrap();
        assert!(matches!(err, SignatureError::Key(_)), "{err}");
        // A well-formed minisign public key: algorithm, key id, key.
        let raw = [b"Ed".as_slice(), &[1; 8], &[2; 32]].concat();
        let key = base64::engine::general_purpose::STANDARD.encode(format!(
            "untrusted comment: a test key\n{}\n",
            base64::engine::general_purpose::STANDARD.encode(raw)
        ));
        let err = PackageSignature::new(&key, "").err().unwrap();
        assert!(matches!(err, SignatureError::Unreadable(_)), "{err}");
    }
}
