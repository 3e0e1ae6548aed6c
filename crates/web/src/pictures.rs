//! Pictures on the site: serving the stored files (`/media/{hash}.{ext}`,
//! content-addressed, cached for ever), the `<img>` readers get (with
//! `srcset`, `sizes`, `width` and `height` for an uploaded picture; as
//! given for an outside address), and an upload's conversion, off the
//! async runtime and a few at a time. The conversion itself is the
//! `media` crate's (pure).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use store::{Media, NewMedia, NewMediaFile};
use tokio::sync::Semaphore;

use crate::AppState;

/// Where stored files are served: `/media/{hash}.{ext}`.
pub const MEDIA_PREFIX: &str = "/media/";

/// How long a stored file may be kept: for ever (a year, as browsers count
/// it), as its address changes whenever its bytes do.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `sizes` of an article's lead picture: the article column (46rem less
/// its padding) on a wide screen, the screen less the padding on a narrow one.
pub const LEAD_SIZES: &str = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

/// `sizes` of a card's picture: a column of the cards' grid on a wide
/// screen (from 60rem), the page's column otherwise.
pub const CARD_SIZES: &str = "(min-width: 60rem) 23rem, (min-width: 46rem) 44rem, calc(100vw - 2rem)";

/// The address of a stored file.
pub fn file_url(hash: &str, content_type: &str) -> String {
    let ext = media::Output::parse(content_type).map_or("bin", media::Output::extension);
    format!("{MEDIA_PREFIX}{hash}.{ext}")
}

/// The hash of a stored file's address (`/media/{hash}.{ext}`), if it is one.
pub fn hash_of(url: &str) -> Option<&str> {
    let (hash, ext) = url.strip_prefix(MEDIA_PREFIX)?.split_once('.')?;
    (media::is_hash(hash) && media::Output::parse(ext).is_some()).then_some(hash)
}

/// `GET /media/{file}`: a stored file, `immutable`, with its type (and
/// `nosniff`, as every response); 304 for a browser that has it.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some((hash, ext)) = file.split_once('.') else { return not_found() };
    let Some(output) = media::Output::parse(ext).filter(|_| media::is_hash(hash)) else { return not_found() };
    let etag = format!("\"{hash}\"");
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let file = match state.store().media_file(hash).await {
        Ok(Some(f)) if f.content_type == output.content_type() => f,
        Ok(_) => return not_found(),
        Err(e) => return crate::pages::internal(e),
    };
    let mut res = if cached { StatusCode::NOT_MODIFIED.into_response() } else { file.bytes.into_response() };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(output.content_type()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "No such picture.").into_response()
}

/// What an `<img>` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PictureView {
    /// `src`: the largest stored width, or the address as given.
    pub src: String,
    /// `srcset` (`URL 480w, URL 960w, …`); empty for an outside address.
    pub srcset: String,
    /// `sizes` (with a `srcset`).
    pub sizes: &'static str,
    /// The intrinsic size of `src`, when known (uploaded pictures).
    pub width: Option<i64>,
    /// See `width`.
    pub height: Option<i64>,
    /// The alt text (empty: a decorative picture).
    pub alt: String,
    /// `loading="lazy"`: below the fold.
    pub lazy: bool,
}

/// The uploaded pictures among these addresses, by file hash: one store
/// read for a page of them (outside addresses cost nothing).
pub async fn pictures<'a>(state: &AppState, urls: impl IntoIterator<Item = &'a str>) -> store::Result<Pictures> {
    let hashes: Vec<String> = urls.into_iter().filter_map(hash_of).map(str::to_owned).collect();
    let found = if hashes.is_empty() { Vec::new() } else { state.store().media_by_files(&hashes).await? };
    let mut by_hash = HashMap::new();
    for m in found {
        for f in &m.files {
            by_hash.insert(f.hash.clone(), m.clone());
        }
    }
    Ok(Pictures(by_hash))
}

/// Uploaded pictures by the hash of any of their files ([`pictures`]).
#[derive(Default)]
pub struct Pictures(HashMap<String, Media>);

impl Pictures {
    /// The picture stored under this address, if it is one of ours.
    pub fn get(&self, url: &str) -> Option<&Media> {
        hash_of(url).and_then(|h| self.0.get(h))
    }

    /// The `<img>` for a lead image at `url`: with every stored width when
    /// it is an uploaded picture, as given otherwise.
    pub fn view(&self, url: &str, alt: Option<&str>, sizes: &'static str, lazy: bool) -> PictureView {
        let alt = alt.unwrap_or("").to_owned();
        match self.get(url).and_then(|m| m.files.last().map(|top| (m, top))) {
            Some((m, top)) => PictureView {
                src: file_url(&top.hash, &top.content_type),
                srcset: m
                    .files
                    .iter()
                    .map(|f| format!("{} {}w", file_url(&f.hash, &f.content_type), f.width))
                    .collect::<Vec<_>>()
                    .join(", "),
                sizes,
                width: Some(top.width),
                height: Some(top.height),
                alt,
                lazy,
            },
            None => {
                PictureView { src: url.to_owned(), srcset: String::new(), sizes, width: None, height: None, alt, lazy }
            }
        }
    }

    /// The file a link preview shows (`og:image`): the [`media::PREVIEW_WIDTH`]
    /// one, else the largest (the picture is narrower); its address and size.
    pub fn preview(&self, url: &str) -> Option<(String, i64, i64)> {
        let m = self.get(url)?;
        let f = m
            .files
            .iter()
            .find(|f| f.width == i64::from(media::PREVIEW_WIDTH))
            .or_else(|| m.files.iter().rfind(|f| f.width < i64::from(media::PREVIEW_WIDTH)))
            .or(m.files.last())?;
        Some((file_url(&f.hash, &f.content_type), f.width, f.height))
    }
}

/// Uploads converted at once, at most (each holds a decoded picture, up to
/// a few hundred MB, and a core): the others wait their turn.
pub fn conversions() -> &'static Semaphore {
    static SLOTS: LazyLock<Semaphore> =
        LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 2)));
    &SLOTS
}

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file's fault, in words for the form.
    #[error(transparent)]
    Media(#[from] media::MediaError),
    /// Ours.
    #[error("{0}")]
    Internal(String),
}

/// Converts an upload (on a blocking thread, a few at a time) and stores
/// the picture: the address of its largest file. Nothing is stored when
/// the file is refused.
pub async fn upload(
    state: &AppState,
    bytes: axum::body::Bytes,
    name: Option<String>,
    user: Option<i64>,
    now: i64,
) -> Result<Media, UploadError> {
    let picture = {
        let _slot = conversions().acquire().await.map_err(|e| UploadError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || media::process(&bytes, name.as_deref(), &media::Limits::default()))
            .await
            .map_err(|e| UploadError::Internal(e.to_string()))??
    };
    let new = NewMedia {
        source_hash: picture.source_hash,
        source_format: picture.format.name().to_owned(),
        source_bytes: i64::try_from(picture.source_bytes).unwrap_or(i64::MAX),
        width: i64::from(picture.width),
        height: i64::from(picture.height),
        files: picture
            .variants
            .into_iter()
            .map(|v| NewMediaFile {
                content_type: v.output.content_type().to_owned(),
                width: i64::from(v.width),
                height: i64::from(v.height),
                hash: v.hash,
                bytes: v.bytes,
            })
            .collect(),
        created_by: user,
        created_at: now,
    };
    state.store().put_media(&new).await.map_err(|e| UploadError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use store::MediaFileInfo;

    use super::*;

    fn file(hash: char, width: i64) -> MediaFileInfo {
        MediaFileInfo {
            hash: hash.to_string().repeat(64),
            content_type: "image/jpeg".into(),
            width,
            height: width / 2,
            size: 1,
        }
    }

    #[test]
    fn addresses_are_ours_or_not() {
        let h = "a".repeat(64);
        assert_eq!(hash_of(&format!("/media/{h}.jpg")), Some(h.as_str()));
        assert_eq!(hash_of(&format!("/media/{h}.png")), Some(h.as_str()));
        assert_eq!(hash_of(&format!("/media/{h}.gif")), None);
        assert_eq!(hash_of(&format!("/media/{}.jpg", "A".repeat(64))), None);
        assert_eq!(hash_of("https://example.org/media/x.jpg"), None);
        assert_eq!(file_url(&h, "image/png"), format!("/media/{h}.png"));
    }

    #[test]
    fn pictures_get_every_width_and_outside_ones_stay_as_given() {
        let m = Media {
            id: 1,
            source_hash: "s".into(),
            width: 3000,
            height: 1500,
            files: vec![file('a', 480), file('b', 960), file('c', 1200), file('d', 1600)],
        };
        let pictures = Pictures(m.files.iter().map(|f| (f.hash.clone(), m.clone())).collect());
        let url = format!("/media/{}.jpg", "b".repeat(64));
        let v = pictures.view(&url, Some("A harbour"), LEAD_SIZES, false);
        assert_eq!(v.src, format!("/media/{}.jpg", "d".repeat(64)));
        assert_eq!((v.width, v.height, v.alt.as_str()), (Some(1600), Some(800), "A harbour"));
        assert_eq!(
            v.srcset,
            format!(
                "/media/{a}.jpg 480w, /media/{b}.jpg 960w, /media/{c}.jpg 1200w, /media/{d}.jpg 1600w",
                a = "a".repeat(64),
                b = "b".repeat(64),
                c = "c".repeat(64),
                d = "d".repeat(64)
            )
        );
        assert_eq!(pictures.preview(&url), Some((format!("/media/{}.jpg", "c".repeat(64)), 1200, 600)));
        let outside = pictures.view("https://example.org/a.jpg", None, CARD_SIZES, true);
        assert_eq!(
            outside,
            PictureView {
                src: "https://example.org/a.jpg".into(),
                srcset: String::new(),
                sizes: CARD_SIZES,
                width: None,
                height: None,
                alt: String::new(),
                lazy: true,
            }
        );
        assert_eq!(pictures.preview("https://example.org/a.jpg"), None);
        // A narrow picture: its largest file is the preview.
        let small = Media { files: vec![file('e', 480), file('f', 800)], ..m };
        let pictures = Pictures(small.files.iter().map(|f| (f.hash.clone(), small.clone())).collect());
        assert_eq!(pictures.preview(&format!("/media/{}.jpg", "e".repeat(64))).unwrap().1, 800);
    }
}
