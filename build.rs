//! Link settings for the `masthead` binary, and rebuilds when a migration changes.

use std::process::Command;

fn main() {
    // `embed_migrations!` reads migrations/ inside a macro, which cargo cannot see: a
    // changed migration must rebuild the crate (diesel_migrations' documentation).
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-env-changed=MASTHEAD_PACKED_RELOCS");

    // Packed relative relocations (DT_RELR) keep the binary position-independent (ASLR)
    // while its table of relocations shrinks to a small fraction, which the loader no
    // longer pages in at every start: less memory at idle (docs/performance.md). The
    // loader must know DT_RELR (glibc 2.36), so only for a native build on such a glibc.
    // A binary built so will not start on an older glibc: build it with
    // MASTHEAD_PACKED_RELOCS=0 to run it on one (README, "Configuration").
    let wanted = std::env::var("MASTHEAD_PACKED_RELOCS").map_or(true, |v| v != "0");
    if wanted && native_glibc_at_least(2, 36) {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

fn native_glibc_at_least(major: u32, minor: u32) -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" || var("HOST") != var("TARGET") {
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
