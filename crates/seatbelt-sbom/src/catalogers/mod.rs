//! The registered catalogers: a new ecosystem is one new file here plus one line in [`all`].

pub(crate) mod apk;
pub(crate) mod cargo;
pub(crate) mod composer;
pub(crate) mod dotnet;
pub(crate) mod dpkg;
mod executables;
pub(crate) mod gem;
pub(crate) mod go;
pub(crate) mod java;
pub(crate) mod npm;
mod per_file;
pub(crate) mod python;
pub(crate) mod rpm;
#[cfg(test)]
mod test_support;

use crate::Cataloger;

/// A fresh instance of every cataloger, in a fixed order.
pub fn all() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(apk::Apk::default()),
        Box::new(cargo::CargoCataloger::default()),
        Box::new(composer::Composer::default()),
        Box::new(dotnet::Dotnet::default()),
        Box::new(dpkg::Dpkg::default()),
        Box::new(gem::Gem::default()),
        Box::new(go::GoBinaryCataloger::default()),
        Box::new(java::Java::default()),
        Box::new(npm::NpmCataloger::default()),
        Box::new(python::PythonCataloger::default()),
        Box::new(rpm::Rpm::default()),
    ]
}
