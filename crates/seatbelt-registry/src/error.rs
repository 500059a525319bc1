//! Errors from talking to a registry. Credentials never appear in any message.

/// An error from the registry client.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The reference is not valid.
    #[error(transparent)]
    Reference(#[from] crate::ReferenceError),
}
