//! The `masthead` binary: `serve` (the default), `migrate`, `create-user`, `openapi`,
//! `seed-demo`, `backup`, `reset-password`.
//! A bad setting is one line on standard error naming it, and exit code 2.

use std::io::IsTerminal;
use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use masthead::auth::jwt::JwtKeys;
use masthead::clock::Clock;
use masthead::config::{BackupArgs, Cli, Command, CreateUserArgs, ResetPasswordArgs, Settings, UnlockArgs};
use masthead::db::Database;
use masthead::domain::user::{NewUser, Role};
use masthead::service::bootstrap::{self, FirstAdmin};
use masthead::service::users;
use masthead::startup::{self, Shared};
use masthead::state::AppState;
use masthead::telemetry;

/// A failure with its exit code: 2 for a bad setting or argument, 1 otherwise.
struct Failure(u8, String);

fn bad_setting(message: impl Into<String>) -> Failure {
    Failure(2, message.into())
}

fn main() -> ExitCode {
    // First, while this is the only thread (see the function).
    return_large_allocations_when_freed();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let rendered = e.render().to_string();
            let line = rendered.lines().next().unwrap_or("invalid arguments");
            eprintln!("masthead: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        // The built-in document, which `committed_spec` holds equal to what the code generates.
        use std::io::Write;
        return match std::io::stdout().write_all(startup::COMMITTED_SPEC) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("masthead: cannot write the document: {e}");
                ExitCode::FAILURE
            }
        };
    }
    telemetry::init(cli.options.log_format);
    let result = Settings::from_options(&cli.options).map_err(bad_setting).and_then(|settings| match command {
        Command::Serve => serve(settings),
        Command::Migrate => open_database(&settings).map(|_| ()),
        Command::CreateUser(args) => create_user(&settings, &args),
        Command::SeedDemo => seed_demo(settings),
        Command::Unlock(args) => unlock(&settings, &args),
        Command::Backup(args) => backup(&settings, &args),
        Command::ResetPassword(args) => reset_password(&settings, &args),
        Command::Openapi => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            eprintln!("masthead: {message}");
            ExitCode::from(code)
        }
    }
}

/// Has glibc map every allocation of 1 MiB or more on its own, so that freeing it gives
/// the memory back to the system. Left to itself, glibc raises that bound to the largest
/// block freed so far (up to glibc's cap): once one password hash had freed Argon2's block,
/// the next took its block from a thread's heap, where it stayed resident for the life of
/// the process, and peak memory grew by a whole block after a few logins (the figures:
/// docs/performance.md). Checked by bench/run: "RSS growth over 4 sign-ins".
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_allocations_when_freed() {
    const FROM_BYTES: libc::c_int = 1024 * 1024;
    // SAFETY: mallopt takes no pointers and only sets an allocator parameter. glibc marks
    // it MT-Unsafe, so it is the first thing `main` does, before any thread exists: keep
    // it first. It returns 0 when it refuses the value, and then glibc's default stays.
    let _ = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, FROM_BYTES) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_allocations_when_freed() {}

/// Every connection is a file descriptor, and a soft limit as low as 256 (some service
/// managers' default) let a few hundred slow clients starve health checks and sign-ins.
/// The soft limit is raised to the hard one the system allows.
#[cfg(unix)]
#[allow(unsafe_code)]
fn raise_open_file_limit() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: both calls only read or write the `rlimit` passed by reference.
    let raised = unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max && {
            let was = limit.rlim_cur;
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 && was < limit.rlim_cur
        }
    };
    if raised {
        tracing::info!(open_files = limit.rlim_cur, "raised the open-file limit");
    }
}

#[cfg(not(unix))]
fn raise_open_file_limit() {}

/// Connects (exit 2 when the URL is bad or the server unreachable) and migrates.
fn open_database(settings: &Settings) -> Result<Database, Failure> {
    let url = &settings.database_url;
    let db = Database::connect(url, settings.db_pool_size).map_err(|e| {
        bad_setting(format!("cannot open database {} (--database-url / MASTHEAD_DATABASE_URL): {e}", url.redacted()))
    })?;
    let ran = db.migrate().map_err(|e| Failure(1, format!("migrating {} failed: {e}", url.redacted())))?;
    tracing::info!(database = %url.redacted(), migrations_applied = ran, "database ready");
    Ok(db)
}

/// The first admin's settings, checked before anything is touched.
fn admin_from_environment() -> Result<(Option<String>, Option<String>), Failure> {
    let email = std::env::var("MASTHEAD_ADMIN_EMAIL").ok().filter(|e| !e.trim().is_empty());
    let password = std::env::var("MASTHEAD_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    if email.is_some() || password.is_some() {
        let probe_password = password.clone().unwrap_or_else(|| "x".repeat(masthead::domain::user::MIN_PASSWORD_CHARS));
        let probe_email = email.clone().unwrap_or_else(|| "admin@localhost".into());
        NewUser::validate(&probe_email, Some("Administrator"), Role::Admin, true, &probe_password).map_err(
            |errors| {
                let all = errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
                bad_setting(format!("invalid MASTHEAD_ADMIN_EMAIL / MASTHEAD_ADMIN_PASSWORD: {all}"))
            },
        )?;
    }
    Ok((email, password))
}

fn serve(settings: Settings) -> Result<(), Failure> {
    let (admin_email, admin_password) = admin_from_environment()?;
    raise_open_file_limit();
    let listener = TcpListener::bind(settings.bind)
        .map_err(|e| bad_setting(format!("cannot listen on {} (--bind / MASTHEAD_BIND): {e}", settings.bind)))?;
    let metrics_listener = match settings.metrics_bind {
        Some(addr) => Some(TcpListener::bind(addr).map_err(|e| {
            bad_setting(format!("cannot listen on {addr} (--metrics-bind / MASTHEAD_METRICS_BIND): {e}"))
        })?),
        None => None,
    };
    let db = open_database(&settings)?;
    let clock = Clock::system();
    let secret = bootstrap::jwt_secret(&db, settings.jwt_secret.as_ref().map(|s| s.0.as_str()))
        .map_err(|e| Failure(1, format!("cannot set up the JWT secret: {e}")))?;
    report_first_admin(bootstrap::ensure_first_admin(&db, &clock, admin_email, admin_password).map_err(bad_setting)?);
    let bind = settings.bind;
    let jwt = JwtKeys::new(&secret, settings.access_token_ttl_secs);
    let media = settings.media.store.describe();
    let mut state = AppState::new(db, jwt, settings, clock).map_err(|e| {
        bad_setting(format!("cannot open the media store (MASTHEAD_MEDIA_DIR / MASTHEAD_MEDIA_STORE): {e}"))
    })?;
    tracing::info!(store = %media, "media");
    if metrics_listener.is_some() {
        state = state.with_metrics();
    }
    let metrics = state.metrics.clone();
    tracing::info!("listening on http://{bind} (docs at http://{bind}/docs/)");
    actix_web::rt::System::new()
        .block_on(async move {
            if let (Some(metrics), Some(listener)) = (metrics, metrics_listener) {
                let address = listener.local_addr()?;
                // It stops with the process: the API's server below ends `block_on`.
                actix_web::rt::spawn(masthead::metrics::serve(metrics, listener)?);
                tracing::info!("metrics at http://{address}/metrics");
            }
            startup::run(Shared::new(state), listener).await
        })
        .map_err(|e| Failure(1, format!("server error: {e}")))
}

fn report_first_admin(first: FirstAdmin) {
    match first {
        FirstAdmin::NotNeeded => {}
        FirstAdmin::FromEnvironment { email } => tracing::info!(%email, "created the first admin"),
        FirstAdmin::Generated { email, password } => eprintln!(
            "\n  First admin created: {email}\n  Password (shown once; change it with PUT /api/v1/auth/password): {password}\n"
        ),
    }
}

fn seed_demo(settings: Settings) -> Result<(), Failure> {
    let (admin_email, admin_password) = admin_from_environment()?;
    let db = open_database(&settings)?;
    // The demo adds users, so the first admin must exist before it does.
    report_first_admin(
        bootstrap::ensure_first_admin(&db, &Clock::system(), admin_email, admin_password).map_err(bad_setting)?,
    );
    let secret = bootstrap::jwt_secret(&db, settings.jwt_secret.as_ref().map(|s| s.0.as_str()))
        .map_err(|e| Failure(1, format!("cannot set up the JWT secret: {e}")))?;
    let jwt = JwtKeys::new(&secret, settings.access_token_ttl_secs);
    let state = AppState::new(db, jwt, settings, Clock::system()).map_err(|e| {
        bad_setting(format!("cannot open the media store (MASTHEAD_MEDIA_DIR / MASTHEAD_MEDIA_STORE): {e}"))
    })?;
    let report = actix_web::rt::System::new()
        .block_on(async move { masthead::service::demo::seed(&state).await })
        .map_err(|e| Failure(1, format!("seeding failed: {e}")))?;
    if report.already_seeded {
        println!("The demo newsroom is already there; nothing to do.");
        return Ok(());
    }
    println!(
        "Seeded {} sections, {} articles, {} poll, {} sponsored block and {} offer.",
        report.sections, report.articles, report.polls, report.sponsored, report.offers
    );
    println!("Demo journalists (passwords shown once):");
    for (email, role, password) in report.users {
        println!("  {email:<40} {role:<8} {password}");
    }
    Ok(())
}

fn unlock(settings: &Settings, args: &UnlockArgs) -> Result<(), Failure> {
    let db = open_database(settings)?;
    let mut conn = db.get().map_err(|e| Failure(1, e.to_string()))?;
    let email = masthead::domain::user::normalize_email(&args.email);
    match masthead::service::auth::unlock_by_email(&mut conn, &email) {
        Ok(()) => {
            println!("Unlocked {email}: its failed sign-ins are forgotten.");
            Ok(())
        }
        Err(masthead::service::Error::NotFound { .. }) => Err(bad_setting(format!("no user has the email '{email}'"))),
        Err(e) => Err(Failure(1, e.to_string())),
    }
}

fn create_user(settings: &Settings, args: &CreateUserArgs) -> Result<(), Failure> {
    let role = args.role.parse::<Role>().map_err(|_| {
        bad_setting(format!("invalid --role '{}': expected admin, editor, writer or commercial", args.role))
    })?;
    let password = match std::env::var("MASTHEAD_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ if std::io::stdin().is_terminal() => rpassword::prompt_password("Password for the new user: ")
            .map_err(|e| Failure(1, format!("cannot read the password: {e}")))?,
        _ => {
            return Err(bad_setting("MASTHEAD_PASSWORD is not set and standard input is not a terminal"));
        }
    };
    let new =
        NewUser::validate(&args.email, args.display_name.as_deref(), role, true, &password).map_err(|errors| {
            let all = errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
            bad_setting(format!("invalid user: {all}"))
        })?;
    let db = open_database(settings)?;
    let mut conn = db.get().map_err(|e| Failure(1, e.to_string()))?;
    let user =
        users::create_user(&mut conn, &new, None, Clock::system().now()).map_err(|e| Failure(1, e.to_string()))?;
    println!("{} {} {}", user.id, user.email, user.role);
    Ok(())
}

/// `masthead backup PATH`: SQLite's `VACUUM INTO`, a consistent copy of the database as
/// one transaction saw it (WAL included), taken while servers go on reading and
/// writing. Never overwrites a file. PostgreSQL has its own tools.
fn backup(settings: &Settings, args: &BackupArgs) -> Result<(), Failure> {
    let target = &args.path;
    let masthead::db::DatabaseUrl::Sqlite(source) = &settings.database_url else {
        return Err(bad_setting(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (see docs/operations.md#backups)",
        ));
    };
    if target.exists() {
        return Err(bad_setting(format!("backup: {} already exists; it is never overwritten", target.display())));
    }
    if !std::path::Path::new(source).is_file() {
        return Err(bad_setting(format!("backup: no database at {source} (--database-url / MASTHEAD_DATABASE_URL)")));
    }
    let db = Database::connect(&settings.database_url, Some(1)).map_err(|e| {
        bad_setting(format!("cannot open database {} (--database-url / MASTHEAD_DATABASE_URL): {e}", source))
    })?;
    let target_text = target.to_str().ok_or_else(|| bad_setting("backup: the path must be valid UTF-8"))?;
    let bytes = db.backup_sqlite_into(target_text).map_err(|e| Failure(1, format!("backup failed: {e}")))?;
    println!("Backed up {source} to {} ({bytes} bytes)", target.display());
    Ok(())
}

/// The new password for `reset-password`: `MASTHEAD_PASSWORD`, else a prompt on a
/// terminal (twice, without echo), else one line of standard input (for scripts).
fn new_password() -> Result<String, Failure> {
    if let Ok(p) = std::env::var("MASTHEAD_PASSWORD") {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    let unreadable = |e: std::io::Error| Failure(1, format!("cannot read the password: {e}"));
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ").map_err(unreadable)?;
        let again = rpassword::prompt_password("The same again: ").map_err(unreadable)?;
        if first != again {
            return Err(bad_setting("the two passwords differ"));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(unreadable)?;
    Ok(line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).unwrap_or(&line).to_string())
}

/// `masthead reset-password EMAIL`: for a lost password (an admin's, say), without the
/// old one. The same password rules as the API; every session of the user ends.
fn reset_password(settings: &Settings, args: &ResetPasswordArgs) -> Result<(), Failure> {
    let password = new_password()?;
    let mut errors = masthead::domain::text::Errors::default();
    masthead::domain::user::check_password(&mut errors, "password", &password);
    errors.finish().map_err(|errors| {
        let all = errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        bad_setting(format!("invalid password: {all}"))
    })?;
    let db = open_database(settings)?;
    let mut conn = db.get().map_err(|e| Failure(1, e.to_string()))?;
    let reset = masthead::service::auth::reset_password(&mut conn, &args.email, &password, Clock::system().now())
        .map_err(|e| match e {
            masthead::service::Error::NotFound { .. } => Failure(1, format!("no user with the email {}", args.email)),
            masthead::service::Error::Invalid(_) => bad_setting("invalid password"),
            other => Failure(1, format!("resetting the password failed: {other}")),
        })?;
    println!(
        "Password reset for {} ({}); {} session(s) ended.",
        reset.user.email, reset.user.role, reset.sessions_ended
    );
    if !reset.user.active {
        println!("The account is deactivated: it cannot sign in until an admin reactivates it.");
    }
    Ok(())
}
