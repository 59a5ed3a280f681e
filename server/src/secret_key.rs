//! The key that signs voter cookies and vote tickets.

use crate::config::Settings;
use app::server::signing::{SecretKey, SecretKeyTooShort};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use rand::RngCore;
use secrecy::ExposeSecret;
use std::{
    fs,
    io::{self, Write as _},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error("secret_key: {0}")]
    TooShort(#[from] SecretKeyTooShort),
    #[error("could not read or create the signing key {path}: {source}")]
    File { path: PathBuf, source: io::Error },
    #[error("the signing key in {0} is not valid base64; delete it to generate a new one")]
    Corrupt(PathBuf),
}

/// The configured key; otherwise the one kept in the data folder, generated on first use.
pub fn load_or_create(settings: &Settings) -> Result<SecretKey, SecretKeyError> {
    if let Some(secret) = &settings.secret_key {
        return Ok(SecretKey::new(secret.expose_secret().as_bytes())?);
    }
    let path = settings.database.data_dir.join("secret.key");
    match fs::read_to_string(&path) {
        Ok(text) => {
            let bytes =
                STANDARD.decode(text.trim()).map_err(|_| SecretKeyError::Corrupt(path.clone()))?;
            Ok(SecretKey::new(bytes)?)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => create(&path),
        Err(source) => Err(SecretKeyError::File { path, source }),
    }
}

/// Writes a new key atomically: into a temporary file (mode 0600, synced), then linked into
/// place, which fails if another process made the key first (its key is then the one read).
/// A crash leaves either no key or a whole one, never a half-written file.
fn create(path: &Path) -> Result<SecretKey, SecretKeyError> {
    let file_error = |source| SecretKeyError::File { path: path.to_owned(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(file_error)?;
    let mut bytes = vec![0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let temporary = dir.join(format!(".secret.key.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file =
            fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temporary)?;
        writeln!(file, "{}", STANDARD.encode(&bytes))?;
        file.sync_all()?;
        fs::hard_link(&temporary, path)
    })();
    let _ = fs::remove_file(&temporary);
    match written {
        Ok(()) => {
            // The new name is durable once the folder is synced too.
            fs::File::open(dir).and_then(|d| d.sync_all()).map_err(file_error)?;
            tracing::info!(path = %path.display(), "generated a new signing key");
            Ok(SecretKey::new(bytes)?)
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            let text = fs::read_to_string(path).map_err(file_error)?;
            let bytes = STANDARD
                .decode(text.trim())
                .map_err(|_| SecretKeyError::Corrupt(path.to_owned()))?;
            Ok(SecretKey::new(bytes)?)
        }
        Err(error) => Err(file_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_key_is_private_whole_and_kept() {
        let dir = std::env::temp_dir().join(format!("rmd-key-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut settings = Settings::default();
        settings.database.data_dir = dir.clone();
        let first = load_or_create(&settings).unwrap();
        let path = dir.join("secret.key");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let again = load_or_create(&settings).unwrap();
        let sign = |key: &SecretKey| {
            use app::server::{
                signing::Signer,
                voter::{VoterId, seal_voter_cookie},
            };
            seal_voter_cookie(&Signer::new(key), VoterId(7))
        };
        assert_eq!(sign(&first), sign(&again), "the same key is read back");
        let leftovers: Vec<_> =
            fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, ["secret.key"], "no temporary file is left behind");
        fs::remove_dir_all(&dir).unwrap();
    }
}
