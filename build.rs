//! Re-embed migrations when a new migration folder appears (embed_migrations! cannot see it).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
