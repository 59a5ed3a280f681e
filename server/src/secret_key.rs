//! The key that signs voter cookies and vote tickets.

use crate::config::Settings;
use app::server::signing::{SecretKey, SecretKeyTooShort};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use rand::RngCore;
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
        return Ok(SecretKey::new(secret.expose().as_bytes())?);
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

fn create(path: &Path) -> Result<SecretKey, SecretKeyError> {
    let file_error = |source| SecretKeyError::File { path: path.to_owned(), source };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(file_error)?;
    }
    let mut bytes = vec![0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    // Readable by this user only; never overwrite a key another process just wrote.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(file_error)?;
    writeln!(file, "{}", STANDARD.encode(&bytes)).map_err(file_error)?;
    tracing::info!(path = %path.display(), "generated a new signing key");
    Ok(SecretKey::new(bytes)?)
}
