//! The registered catalogers: a new ecosystem is one new file here plus one line in [`all`].

pub(crate) mod composer;
pub(crate) mod dotnet;
pub(crate) mod gem;
pub(crate) mod java;
pub(crate) mod rpm;

use crate::Cataloger;

/// A fresh instance of every cataloger, in a fixed order.
pub fn all() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(composer::Composer::default()),
        Box::new(dotnet::Dotnet::default()),
        Box::new(gem::Gem::default()),
        Box::new(java::Java::default()),
        Box::new(rpm::Rpm::default()),
    ]
}
