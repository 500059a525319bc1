//! The registered catalogers: a new ecosystem is one new file here plus one line in [`all`].

pub(crate) mod cargo;
mod executables;
pub(crate) mod go;
pub(crate) mod npm;
pub(crate) mod python;

use crate::Cataloger;

/// A fresh instance of every cataloger, in a fixed order.
pub fn all() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(cargo::CargoCataloger::default()),
        Box::new(go::GoBinaryCataloger::default()),
        Box::new(npm::NpmCataloger::default()),
        Box::new(python::PythonCataloger::default()),
    ]
}
