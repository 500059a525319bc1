//! Writing and reading SBOM documents.
