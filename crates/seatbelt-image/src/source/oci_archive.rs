//! A tar of an OCI image layout, read in place: the tar is indexed once and blobs are served as
//! byte ranges of it, so nothing is extracted to disk.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use seatbelt_types::Digest;

use crate::source::layout::{self, LayoutStore};
use crate::source::tar_index::ArchiveFile;
use crate::source::{BlobSource, OpenOptions};
use crate::{Image, ImageError, ImageRef, ManifestSelector, Platform};

pub(crate) fn open(
    path: &Path,
    selector: &ManifestSelector,
    platform: &Platform,
    options: &OpenOptions,
) -> Result<Image, ImageError> {
    let archive = ArchiveFile::open(
        path,
        format!("OCI archive `{}`", path.display()),
        &options.limits,
    )?;
    let archive = ArchiveLayout(archive);
    archive.refuse_nested_layout()?;
    let reference = ImageRef::OciArchive {
        path: path.to_path_buf(),
        selector: selector.clone(),
    }
    .to_string();
    layout::open_layout(
        Arc::new(archive),
        reference,
        selector,
        platform,
        &options.limits,
    )
}

/// An OCI layout stored as a tar.
pub(crate) struct ArchiveLayout(pub(crate) ArchiveFile);

impl ArchiveLayout {
    /// A tar of the layout's directory rather than of its contents (`dir/index.json`) is a
    /// common mistake; say so instead of "no oci-layout".
    fn refuse_nested_layout(&self) -> Result<(), ImageError> {
        let index = self.0.index();
        if index.find("oci-layout", self.0.what())?.is_some() {
            return Ok(());
        }
        if let Some(nested) = index
            .names()
            .find(|n| n.ends_with("/oci-layout") && n.matches('/').count() == 1)
        {
            let dir = nested.trim_end_matches("/oci-layout");
            return Err(ImageError::malformed(
                self.0.what().to_string(),
                format!("its layout is inside the directory `{dir}/`, not at the top; re-create it from inside the layout directory (`tar -C {dir} -cf FILE .`)"),
            ));
        }
        Ok(())
    }
}

impl BlobSource for ArchiveLayout {
    fn open_raw(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>, ImageError> {
        let name = layout::blob_name(digest);
        match self.0.open_member(&name)? {
            Some((reader, _)) => Ok(Box::new(reader)),
            None => Err(ImageError::malformed(
                self.0.what().to_string(),
                format!("blob {digest} is missing (no member `{name}`); the archive is incomplete"),
            )),
        }
    }
}

impl LayoutStore for ArchiveLayout {
    fn read_small(
        &self,
        name: &str,
        max: u64,
        limit: &'static str,
    ) -> Result<Option<Vec<u8>>, ImageError> {
        self.0.read_member(name, max, limit)
    }

    fn location(&self) -> String {
        self.0.what().to_string()
    }
}
