//! Link settings for the `masthead` binary, and rebuilds when a migration changes.

use std::process::Command;

fn main() {
    // `embed_migrations!` reads migrations/ inside a macro, which cargo cannot see: a
    // changed migration must rebuild the crate (diesel_migrations' documentation).
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-changed=build.rs");

    // Packed relative relocations (DT_RELR) keep the binary position-independent (ASLR)
    // while its 1 MB table of relocations shrinks to 12 KB, which the loader no longer
    // pages in at every start: idle RSS 0.9 MiB lower (issue 8). The loader must know
    // DT_RELR (glibc 2.36), so only for a native build on such a glibc; elsewhere the
    // binary is linked as before.
    if native_glibc_at_least(2, 36) {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

fn native_glibc_at_least(major: u32, minor: u32) -> bool {
    let target = std::env::var("TARGET").unwrap_or_default();
    if !target.ends_with("-linux-gnu") || std::env::var("HOST").ok().as_ref() != Some(&target) {
        return false;
    }
    // Prints "glibc 2.36".
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim().trim_start_matches("glibc ").split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(have_major), Some(have_minor)) => (have_major, have_minor) >= (major, minor),
        _ => false,
    }
}
