//! Access tokens: HS256 JWTs with `sub`, `role`, `exp`, `iat`, `jti`, `iss`, `aud`, plus
//! `sid` (the sign-in session) and `gen` (the user's token generation). The verifier
//! pins the algorithm, requires every claim, and allows `LEEWAY_SECS` of clock leeway.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::auth::tokens;
use crate::domain::user::Role;

pub const ISSUER: &str = "masthead";
pub const AUDIENCE: &str = "masthead-api";
/// Clock leeway on `exp` and `iat`, for instances whose clocks differ slightly (API.md
/// allows at most 60 s): small, so that an expired token stops working within seconds.
pub const LEEWAY_SECS: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub role: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    pub sid: String,
    /// The user's token generation (`gen`): bumped by password changes and deactivation.
    #[serde(rename = "gen")]
    pub generation: i64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not a token of ours: bad signature, algorithm, kid or claims.
    Invalid,
    /// A genuine token whose `exp` (plus the leeway) has passed.
    Expired,
}

/// What a verified token says; the caller still checks it against the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub user_id: String,
    pub session_id: String,
    pub generation: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    kid: String,
    ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &str, ttl_secs: i64) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        // exp is checked against our injectable clock in `verify`.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            kid: tokens::digest(secret)[..16].to_string(),
            ttl_secs,
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// A signed access token for this user and session.
    pub fn issue(
        &self,
        user_id: &str,
        role: Role,
        session_id: &str,
        generation: i64,
        now: DateTime<Utc>,
    ) -> Result<String, String> {
        let claims = AccessClaims {
            sub: user_id.to_string(),
            role: role.as_str().to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs,
            jti: uuid::Uuid::now_v7().to_string(),
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
            sid: session_id.to_string(),
            generation,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Checks signature, algorithm, kid and every claim. `Expired` only for a token that
    /// is genuine in every other respect.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<VerifiedToken, Rejected> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Rejected::Invalid)?;
        if header.alg != Algorithm::HS256 || header.kid.as_deref().is_some_and(|kid| kid != self.kid) {
            return Err(Rejected::Invalid);
        }
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| Rejected::Invalid)?;
        let claims = data.claims;
        let now = now.timestamp();
        if claims.iat > now + LEEWAY_SECS || claims.iat > claims.exp {
            return Err(Rejected::Invalid);
        }
        if claims.sub.is_empty() || claims.sid.is_empty() || claims.role.parse::<Role>().is_err() {
            return Err(Rejected::Invalid);
        }
        if claims.exp <= now - LEEWAY_SECS {
            return Err(Rejected::Expired);
        }
        Ok(VerifiedToken { user_id: claims.sub, session_id: claims.sid, generation: claims.generation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn issues_and_verifies() {
        let keys = JwtKeys::new(SECRET, 900);
        let now = Utc::now();
        let token = keys.issue("u1", Role::Editor, "s1", 3, now).expect("issue");
        let verified = keys.verify(&token, now).expect("valid");
        assert_eq!(verified, VerifiedToken { user_id: "u1".into(), session_id: "s1".into(), generation: 3 });
        assert_eq!(keys.verify(&token, now + Duration::seconds(900 + LEEWAY_SECS)), Err(Rejected::Expired));
        assert!(keys.verify(&token, now + Duration::seconds(900 + LEEWAY_SECS - 1)).is_ok(), "within leeway");
        assert_eq!(
            keys.verify(&token, now - Duration::seconds(LEEWAY_SECS + 1)),
            Err(Rejected::Invalid),
            "from the future"
        );
        assert!(keys.verify(&token, now - Duration::seconds(LEEWAY_SECS)).is_ok(), "within leeway");
        let wrong_key = JwtKeys::new(&"x".repeat(32), 900);
        assert_eq!(wrong_key.verify(&token, now), Err(Rejected::Invalid), "wrong key");
        let later = now + Duration::seconds(3600);
        assert_eq!(wrong_key.verify(&token, later), Err(Rejected::Invalid), "expired is said of genuine tokens only");
    }
}
