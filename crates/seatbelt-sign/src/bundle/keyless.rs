//! The seam for keyless *signing*. Signing without a key needs three online services: an OIDC
//! provider (an identity token), a Fulcio-style CA (a short-lived certificate for an ephemeral
//! key, bound to that identity) and a Rekor-style log (the entry, its SET and inclusion proof).
//! seatbelt reaches none of them here, so it ships only the traits a client implements; a
//! bundle is then assembled from their answers in the format [`super::Bundle`] reads and
//! [`super::verify`] checks. Nothing implements them in this crate on purpose: a fake CA or log
//! would produce bundles no one should trust.

/// Gets an OIDC identity token for the signer (from a browser flow, a CI's ambient token…).
pub trait IdentityProvider {
    /// The raw JWT.
    fn token(&self) -> Result<String, String>;
}

/// A Fulcio-style CA: exchanges an identity token and a proof of key possession for a chain.
pub trait CertificateAuthority {
    /// `public_key_der` is the ephemeral key (PKIX DER); `proof` its signature over the token's
    /// subject. Returns DER certificates, the leaf (with embedded SCTs) first.
    fn issue(
        &self,
        token: &str,
        public_key_der: &[u8],
        proof: &[u8],
    ) -> Result<Vec<Vec<u8>>, String>;
}

/// A Rekor-style log: takes a `hashedrekord` entry and returns it as logged.
pub trait TransparencyLog {
    /// Logs the SHA-256 `digest` signed by `signature` under `certificate_pem`; returns the
    /// log entry (index, integrated time, SET, inclusion proof and checkpoint).
    fn log(
        &self,
        digest: &[u8; 32],
        signature: &[u8],
        certificate_pem: &str,
    ) -> Result<super::TlogEntry, String>;
}
