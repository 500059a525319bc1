//! Pushing to a registry.

/// Pushes blobs and manifests to a registry repository.
pub struct RegistrySink;
