//! Arbitrary bytes as every untrusted input of attestation verification: the DSSE envelope,
//! the in-toto statement inside it, and a predicate policy. Each ends in a value or an error,
//! never a panic; what parses re-serialises to something that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatbelt_sign::dsse::Envelope;
use seatbelt_sign::intoto::Statement;
use seatbelt_sign::policy::Policy;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::parse(data, "fuzz") {
        let again = Envelope::parse(&envelope.to_bytes(), "again").expect("round trip");
        assert_eq!(again, envelope);
        // A key made here: no envelope the fuzzer writes can carry its signature.
        static KEY: std::sync::OnceLock<seatbelt_sign::PublicKey> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(|| seatbelt_sign::PrivateKey::generate().public_key());
        assert!(envelope.verify(key).is_err());
    }
    if let Ok(statement) = Statement::parse(data, "fuzz") {
        let again = Statement::parse(&statement.to_bytes(), "again").expect("round trip");
        assert_eq!(again.subject, statement.subject);
        assert_eq!(again.predicate_type, statement.predicate_type);
    }
    if let Ok(policy) = Policy::parse(data, "fuzz") {
        let _ = policy.check(&serde_json::Value::Null);
    }
});
