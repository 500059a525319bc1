//! What can go wrong while hardening, each error naming what it is about and what to do.

use seatbelt_image::ImageError;

/// A hardening failure.
#[derive(Debug, thiserror::Error)]
pub enum HardenError {
    /// Reading or writing the image failed.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// The config's environment holds what looks like a secret.
    #[error("the image config's Env holds {names:?}, which look like secrets baked into the image; remove them and pass them at run time, or rerun with --allow-env to keep them")]
    SecretsInEnv {
        /// The variable names.
        names: Vec<String>,
    },
    /// The entrypoint needs a shell and the strict profile forbids one.
    #[error("the entrypoint needs a shell ({why}); the strict profile removes every shell, so the image would not start: rewrite the entrypoint in exec form, or use --profile standard to keep the shell")]
    ShellNeeded {
        /// Why a shell is needed (names the script or the shell form).
        why: String,
    },
    /// A file whose mode must change is too large to hold for rewriting.
    #[error("{path} must be rewritten in the added layer (its mode changes) but its content was not available ({why}); fix its mode in a Dockerfile step first, or --keep it out of the change")]
    ContentUnavailable {
        /// The path inside the image.
        path: String,
        /// Why.
        why: String,
    },
    /// The image has no manifest (a `dir:` source).
    #[error("{reference} has no manifest, so there are no layers to keep: convert it first with `seatbelt copy {reference} oci-dir:PATH`")]
    NoManifest {
        /// The source reference.
        reference: String,
    },
    /// The files held for rewriting exceed [`crate::limits::MAX_HELD_BYTES`].
    #[error("the files whose modes change hold more than {max} bytes together; the image is unusual (many large setuid or unreadable files): fix their modes in a Dockerfile step first")]
    TooMuchHeld {
        /// The limit.
        max: u64,
    },
    /// Writing the added layer failed.
    #[error("cannot write the added layer to a temp file: {0}; check $TMPDIR has space")]
    Layer(#[source] std::io::Error),
    /// A path given on the command line does not exist in the image.
    #[error("--{flag} {path}: no such path in the image's final filesystem; check the spelling (paths are absolute inside the image)")]
    NoSuchPath {
        /// Which flag.
        flag: &'static str,
        /// The path.
        path: String,
    },
    /// `/etc/passwd` or `/etc/group` cannot be rewritten safely.
    #[error("/{path} {why}; hardening adds its user by rewriting this file and will not replace it with a partial copy: fix the file in the image first")]
    AccountFile {
        /// The path inside the image.
        path: String,
        /// What is wrong.
        why: String,
    },
    /// The entrypoint cannot be resolved inside the image.
    #[error("the entrypoint {program} cannot be resolved inside the image: {why}; fix ENTRYPOINT/CMD or the image's symlinks")]
    Entrypoint {
        /// The program as configured.
        program: String,
        /// Why.
        why: String,
    },
}
