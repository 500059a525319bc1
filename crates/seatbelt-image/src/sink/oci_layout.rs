//! Writing OCI image layouts (directories and archives).

/// Writes into an OCI image layout directory.
pub struct OciLayoutSink;

/// Writes an OCI image layout as a tar archive.
pub struct OciArchiveSink;
