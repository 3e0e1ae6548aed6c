//! Accounts: user names, display names, e-mail addresses and passwords, by
//! one set of rules for the command line and the browser. Passwords are
//! hashed with Argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane)
//! and checked by argon2's verifier, which compares in constant time.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore as _;
use store::{NewUser, Role};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in bytes (hashing a huge one is work an
/// attacker could ask for).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's first recommended setting).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, checked against when a user does not exist
/// (or has a hash that cannot be read), so that signing in as nobody takes
/// as long as signing in with a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| argon2().hash_password(random_hex(16).as_bytes()).map(|h| h.to_string()).unwrap_or_default());

/// Whether a password is acceptable: why not, in plain words.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("the password must be at least {MIN_PASSWORD_CHARS} characters long"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("the password must be at most {MAX_PASSWORD_BYTES} bytes long"));
    }
    Ok(())
}

/// Hashes an acceptable password (Argon2id, PHC string). CPU work of tens of
/// milliseconds: call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, String> {
    check_password(password)?;
    argon2().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| format!("hashing failed: {e}"))
}

/// Whether `password` matches `hash`. Without a hash (no such user) the
/// same work is done against a dummy hash, and the answer is no.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let password = if password.len() > MAX_PASSWORD_BYTES { "" } else { password };
    match hash {
        Some(hash) if argon2().verify_password(password.as_bytes(), hash).is_ok() => true,
        Some(hash) if hash.starts_with("$argon2") => false,
        _ => {
            let _ = argon2().verify_password(password.as_bytes(), DUMMY_HASH.as_str());
            false
        }
    }
}

/// Computes the dummy hash now (at start-up), so the first sign-in for a
/// user who does not exist is not slower than the others.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// `n` random bytes, hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random password: four groups of five letters and digits (about
/// 99 bits), without look-alikes (0/o, 1/l/i).
pub fn generate_password() -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let mut out = String::with_capacity(23);
    for i in 0..20 {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        // Uniform over the 31 characters (no modulo bias).
        out.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    out
}

/// A user name as stored: trimmed, lower case, 1 to 64 letters, digits,
/// dots, hyphens and underscores, starting with a letter or digit.
pub fn normalize_user_name(name: &str) -> Result<String, String> {
    let name = name.trim().to_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(name)
    } else {
        Err("a user name is 1 to 64 letters (a-z), digits, dots, hyphens and underscores, starting with a letter or digit"
            .to_owned())
    }
}

fn one_line(field: &str, value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("{field} must be at most {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{field} must be one line of text"));
    }
    Ok(value.to_owned())
}

/// A display name: one line, at most 100 characters; empty means the user name.
pub fn normalize_display_name(display: &str, name: &str) -> Result<String, String> {
    let display = one_line("the display name", display, 100)?;
    Ok(if display.is_empty() { name.to_owned() } else { display })
}

/// An optional e-mail address: empty means none; otherwise one `@` between
/// a name and a domain, no spaces, at most 254 characters.
pub fn normalize_email(email: &str) -> Result<Option<String>, String> {
    let email = one_line("the e-mail address", email, 254)?;
    if email.is_empty() {
        return Ok(None);
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.contains(char::is_whitespace) =>
        {
            Ok(Some(email))
        }
        _ => Err(format!("{email:?} is not an e-mail address such as ann@example.org")),
    }
}

/// A new user, checked and with its password hashed (CPU work: call it off
/// the async threads).
pub fn new_user(name: &str, display_name: &str, email: &str, role: Role, password: &str) -> Result<NewUser, String> {
    let name = normalize_user_name(name)?;
    let display_name = normalize_display_name(display_name, &name)?;
    let email = normalize_email(email)?;
    let password_hash = hash_password(password)?;
    Ok(NewUser { name, display_name, email, role, password_hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        assert!(check_password("short").is_err());
        assert!(check_password("eleven char").is_err());
        assert!(check_password("twelve chars").is_ok());
        assert!(check_password("ŵêłšh-pässwörd").is_ok(), "characters, not bytes");
        assert!(check_password(&"x".repeat(2000)).is_err());
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("correct horse batter", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
        assert!(!verify_password("correct horse battery", Some("not a hash")));
        assert_ne!(hash, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn generated_passwords_are_long_and_different() {
        let p = generate_password();
        assert_eq!(p.len(), 23);
        assert!(check_password(&p).is_ok());
        assert_ne!(p, generate_password());
        assert_eq!(random_hex(32).len(), 64);
    }

    #[test]
    fn names_and_addresses() {
        assert_eq!(normalize_user_name("  Ann.Lee ").unwrap(), "ann.lee");
        for bad in ["", "-ann", "ann lee", "änn", &"a".repeat(65)] {
            assert!(normalize_user_name(bad).is_err(), "{bad}");
        }
        assert_eq!(normalize_display_name(" ", "ann").unwrap(), "ann");
        assert_eq!(normalize_display_name(" Ann Lee ", "ann").unwrap(), "Ann Lee");
        assert!(normalize_display_name("a\nb", "ann").is_err());
        assert_eq!(normalize_email("").unwrap(), None);
        assert_eq!(normalize_email("ann@example.org").unwrap().as_deref(), Some("ann@example.org"));
        for bad in ["ann", "@example.org", "ann@example", "ann@@example.org", "a nn@example.org"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
