//! The registered catalogers: a new ecosystem is one new file here plus one line in [`all`].

pub(crate) mod apk;
pub(crate) mod dpkg;

use crate::Cataloger;

/// A fresh instance of every cataloger, in a fixed order.
pub fn all() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(apk::Apk::default()),
        Box::new(dpkg::Dpkg::default()),
    ]
}
