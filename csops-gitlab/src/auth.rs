//! The token a sync shows GitLab: a personal, project or group access token (sent as
//! `PRIVATE-TOKEN`) or an OAuth / CI bearer token (`Authorization: Bearer`). It is never
//! printed: its `Debug` says only which kind it is.

use std::fmt;

/// A GitLab token.
#[derive(Clone, PartialEq, Eq)]
pub enum Token {
    /// A personal, project or group access token, sent as `PRIVATE-TOKEN`.
    Private(String),
    /// An OAuth 2 token (or a CI job's OIDC-minted one), sent as `Authorization: Bearer`.
    Bearer(String),
}

/// The environment variables a token is read from, first found first: two for an access token
/// (csops's own name, then the one `glab` and many scripts use), then one for a bearer token.
pub const TOKEN_VARIABLES: [(&str, bool); 3] = [
    ("CSOPS_GITLAB_TOKEN", false),
    ("GITLAB_TOKEN", false),
    ("GITLAB_OAUTH_TOKEN", true),
];

impl Token {
    /// The token from the environment ([`TOKEN_VARIABLES`], in order), if one is set and not
    /// blank.
    pub fn from_env() -> Option<Token> {
        TOKEN_VARIABLES.iter().find_map(|(name, bearer)| {
            let value = std::env::var(name).ok()?;
            let value = value.trim();
            (!value.is_empty()).then(|| Token::new(value, *bearer))
        })
    }

    /// A token of the kind named: bearer or access token.
    pub fn new(value: &str, bearer: bool) -> Token {
        let value = value.trim().to_owned();
        if bearer {
            Token::Bearer(value)
        } else {
            Token::Private(value)
        }
    }

    /// The header GitLab reads it from, and its value.
    pub(crate) fn header(&self) -> (&'static str, String) {
        match self {
            Token::Private(t) => ("PRIVATE-TOKEN", t.clone()),
            Token::Bearer(t) => ("Authorization", format!("Bearer {t}")),
        }
    }

    /// How the token is sent, for a message ("PRIVATE-TOKEN" / "a bearer token").
    pub fn kind(&self) -> &'static str {
        match self {
            Token::Private(_) => "an access token (PRIVATE-TOKEN)",
            Token::Bearer(_) => "a bearer token",
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Private(_) => f.write_str("Token::Private(***)"),
            Token::Bearer(_) => f.write_str("Token::Bearer(***)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_never_shown() {
        let t = Token::new(" glpat-secret ", false);
        assert_eq!(t.header(), ("PRIVATE-TOKEN", "glpat-secret".to_owned()));
        assert!(!format!("{t:?}").contains("secret"));
        let b = Token::new("oauth-secret", true);
        assert_eq!(b.header().1, "Bearer oauth-secret");
        assert!(!format!("{b:?}").contains("secret"));
    }
}
