//! Pictures uploaded in the newsroom, in the database: each picture's
//! record (what was uploaded, its size upright) and its files (one per
//! stored width), every file named by the SHA-256 of its bytes. In the
//! database, not a folder, so that every instance of the site behind a
//! load balancer serves the same pictures, and a backup of the database
//! is a backup of the site.

use async_trait::async_trait;

use crate::Result;

/// A picture to store, with its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMedia {
    /// SHA-256 of the uploaded file, hex: the same file uploaded again is
    /// the same picture.
    pub source_hash: String,
    /// What the upload was ("JPEG", "PNG", "WebP", "GIF").
    pub source_format: String,
    /// The upload's size in bytes.
    pub source_bytes: i64,
    /// Width, upright.
    pub width: i64,
    /// Height, upright.
    pub height: i64,
    /// The stored files, one per width.
    pub files: Vec<NewMediaFile>,
    /// The newsroom user who uploaded it.
    pub created_by: Option<i64>,
    /// When.
    pub created_at: i64,
}

/// One stored file of a picture.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMediaFile {
    /// SHA-256 of `bytes`, hex (its address: `/media/{hash}.{ext}`).
    pub hash: String,
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// The encoded file.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for NewMediaFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMediaFile")
            .field("hash", &self.hash)
            .field("content_type", &self.content_type)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A stored picture and its files (without their bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    /// Row id.
    pub id: i64,
    /// SHA-256 of the upload, hex.
    pub source_hash: String,
    /// Width, upright.
    pub width: i64,
    /// Height, upright.
    pub height: i64,
    /// Its files, narrowest first.
    pub files: Vec<MediaFileInfo>,
}

/// A stored file of a picture, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFileInfo {
    /// SHA-256 of the file, hex.
    pub hash: String,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Size in bytes.
    pub size: i64,
}

/// A stored file with its bytes, to serve.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// SHA-256 of the file, hex.
    pub hash: String,
    /// Its `Content-Type`.
    pub content_type: String,
    /// The file.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for MediaFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaFile")
            .field("hash", &self.hash)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The most file hashes [`MediaStore::media_by_files`] looks up at once.
pub const MAX_MEDIA_LOOKUP: usize = 500;

/// Uploaded pictures.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Stores a picture and its files in one transaction. A picture with
    /// the same `source_hash` already stored is returned as it is (its
    /// files are not written again).
    async fn put_media(&self, media: &NewMedia) -> Result<Media>;
    /// A file and its bytes, by its hash.
    async fn media_file(&self, hash: &str) -> Result<Option<MediaFile>>;
    /// The pictures holding any of these files (by hash), each once, in
    /// no particular order; at most [`MAX_MEDIA_LOOKUP`] hashes are read.
    async fn media_by_files(&self, hashes: &[String]) -> Result<Vec<Media>>;
    /// How many pictures, and files, are stored.
    async fn count_media(&self) -> Result<(u64, u64)>;
}

/// Groups rows of (picture, file) ordered by picture then width into
/// pictures: the one place both backends build [`Media`] from rows.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn group(rows: impl IntoIterator<Item = (i64, String, i64, i64, MediaFileInfo)>) -> Vec<Media> {
    let mut out: Vec<Media> = Vec::new();
    for (id, source_hash, width, height, file) in rows {
        match out.last_mut() {
            Some(m) if m.id == id => m.files.push(file),
            _ => out.push(Media { id, source_hash, width, height, files: vec![file] }),
        }
    }
    out
}

/// A row of (picture, file) as both backends' media queries give it (the
/// picture's size as `m_width`, `m_height`).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn media_row<'r, R>(r: &'r R) -> Result<(i64, String, i64, i64, MediaFileInfo)>
where
    R: sqlx::Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use crate::Db;
    Ok((
        r.try_get("id").db()?,
        r.try_get("source_hash").db()?,
        r.try_get("m_width").db()?,
        r.try_get("m_height").db()?,
        MediaFileInfo {
            hash: r.try_get("hash").db()?,
            content_type: r.try_get("content_type").db()?,
            width: r.try_get("width").db()?,
            height: r.try_get("height").db()?,
            size: r.try_get("size").db()?,
        },
    ))
}

/// Binds a picture's columns, in the order of both backends' insert
/// statements: source hash, format, size, width, height, uploader, time.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn bind_media<'q, DB: sqlx::Database>(
    query: sqlx::query::Query<'q, DB, DB::Arguments>,
    m: &'q NewMedia,
) -> sqlx::query::Query<'q, DB, DB::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(m.source_hash.as_str())
        .bind(m.source_format.as_str())
        .bind(m.source_bytes)
        .bind(m.width)
        .bind(m.height)
        .bind(m.created_by)
        .bind(m.created_at)
}

/// Binds a file of picture `id`, in the order of both backends' insert
/// statements: picture, width, height, hash, type, size, bytes.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn bind_file<'q, DB: sqlx::Database>(
    query: sqlx::query::Query<'q, DB, DB::Arguments>,
    id: i64,
    f: &'q NewMediaFile,
) -> sqlx::query::Query<'q, DB, DB::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q [u8]: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(id)
        .bind(f.width)
        .bind(f.height)
        .bind(f.hash.as_str())
        .bind(f.content_type.as_str())
        .bind(i64::try_from(f.bytes.len()).unwrap_or(i64::MAX))
        .bind(f.bytes.as_slice())
}
