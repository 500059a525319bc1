//! The `seatbelt` command line.

fn main() {
    println!("seatbelt");
}
