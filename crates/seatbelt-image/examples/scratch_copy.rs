//! Scratch tool (not committed).
#![allow(missing_docs, clippy::unwrap_used)]
use seatbelt_image::copy::{copy, CopyOptions};
use seatbelt_image::sink::NoProgress;
use seatbelt_image::{open, Destination, ImageRef, LayerSource, OpenOptions};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let t = std::time::Instant::now();
    let image = match open(
        &args[1].parse::<ImageRef>().unwrap(),
        &OpenOptions::default(),
    ) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(2)
        }
    };
    eprintln!("opened {:?} in {:?}", image, t.elapsed());
    if args.len() > 2 {
        let t = std::time::Instant::now();
        let options = CopyOptions {
            progress: &NoProgress,
            preserve_setuid: false,
            registry: Default::default(),
        };
        match copy(&image, &args[2].parse::<Destination>().unwrap(), &options) {
            Ok(r) => eprintln!(
                "copied in {:?}: {}",
                t.elapsed(),
                serde_json::to_string_pretty(&r).unwrap()
            ),
            Err(e) => {
                eprintln!("copy: {e}");
                std::process::exit(2)
            }
        }
    } else {
        let t = std::time::Instant::now();
        for l in &image.layers {
            if let LayerSource::Blob(d) = l {
                let (_, mut r) = image.open_layer(d).unwrap();
                let n = std::io::copy(&mut r, &mut std::io::sink()).unwrap();
                eprintln!("layer {} {n}", d.digest());
            }
        }
        eprintln!("read layers in {:?}", t.elapsed());
    }
}
