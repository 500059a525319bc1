//! One file per secret rule; registration is one line in [`RULES`].

mod aws_access_key_id;
mod aws_secret_access_key;
mod azure_storage_key;
mod database_url;
mod gcp_service_account;
mod generic_assignment;
mod github_token;
mod gitlab_token;
mod jwt;
mod npm_token;
mod private_key;
mod pypi_token;
mod sendgrid_key;
mod slack_token;
mod slack_webhook;
mod stripe_key;
mod twilio_key;

use super::SecretRule;

/// Every secret rule, in id order.
pub static RULES: &[&SecretRule] = &[
    &aws_access_key_id::RULE,
    &aws_secret_access_key::RULE,
    &gcp_service_account::RULE,
    &azure_storage_key::RULE,
    &github_token::RULE,
    &gitlab_token::RULE,
    &slack_token::RULE,
    &slack_webhook::RULE,
    &stripe_key::RULE,
    &twilio_key::RULE,
    &sendgrid_key::RULE,
    &npm_token::RULE,
    &pypi_token::RULE,
    &jwt::RULE,
    &private_key::RULE,
    &database_url::RULE,
    &generic_assignment::RULE,
];

#[cfg(test)]
pub(crate) mod test_support {
    use crate::secrets::Engine;

    /// The ids of the rules that fire on `text`.
    pub(crate) fn ids(text: &str) -> Vec<&'static str> {
        let engine = Engine::new(&[]).expect("rules compile");
        engine
            .scan(text.as_bytes())
            .into_iter()
            .map(|m| m.rule_id)
            .collect()
    }
}
