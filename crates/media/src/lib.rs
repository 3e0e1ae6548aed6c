//! Newsdesk pictures: an uploaded file in, the pictures readers get out.
//!
//! Pure: bytes in, variants out; nothing here reads a file, a clock or a
//! database. [`process`] decides the format from the bytes (never from a
//! name or a `Content-Type`), reads the header's dimensions and refuses a
//! picture over the pixel limit before decoding it (a decompression bomb
//! costs a header read), decodes it under [`image::Limits`], turns it
//! upright (EXIF orientation), and re-encodes it in responsive widths
//! ([`WIDTHS`], never enlarged). Only pixels are re-encoded: EXIF, GPS,
//! comments, colour profiles and anything appended to the file are left
//! behind. An opaque picture becomes a JPEG, one with transparency a PNG.
//! An animated GIF keeps its first frame.
//!
//! Every output file is named by the SHA-256 of its bytes
//! ([`Variant::file_name`]), so its address never changes meaning and may
//! be cached for ever.

#![forbid(unsafe_code)]

use std::fmt;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageError, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

/// The widths pictures are stored in, in pixels: phones, tablets and
/// desktop columns (480, 960, 1600), and 1200 for link previews
/// (`og:image`, which wants at least 1,200 px). A picture narrower than a
/// width is not enlarged to it: its own width is its largest variant.
pub const WIDTHS: [u32; 4] = [480, 960, 1200, 1600];

/// The width link previews use (`og:image`), where the picture allows.
pub const PREVIEW_WIDTH: u32 = 1200;

/// JPEG quality of the variants (a common choice for photographs on the
/// web: no visible loss at these sizes, about a tenth of the raw size).
pub const JPEG_QUALITY: u8 = 82;

/// What an upload may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest file, in bytes.
    pub max_bytes: usize,
    /// The most pixels (width × height), checked on the header before
    /// anything is decoded.
    pub max_pixels: u64,
    /// The longest side, in pixels.
    pub max_side: u32,
}

impl Default for Limits {
    /// 20 MB; 50 megapixels (a 45-megapixel camera's pictures pass); 20,000
    /// px a side. A 50-megapixel RGBA picture takes 200 MB decoded.
    fn default() -> Limits {
        Limits { max_bytes: 20 * 1000 * 1000, max_pixels: 50_000_000, max_side: 20_000 }
    }
}

/// A format an upload may have, as its bytes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 PNG \r\n 1A \n`).
    Png,
    /// WebP (`RIFF....WEBP`).
    Webp,
    /// GIF (`GIF87a`, `GIF89a`).
    Gif,
}

impl Format {
    /// The format's name, for people.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
            Format::Gif => "GIF",
        }
    }

    /// The file name extensions of the format (lowercase).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Jpeg => &["jpg", "jpeg", "jpe", "jfif", "pjpeg", "pjp"],
            Format::Png => &["png"],
            Format::Webp => &["webp"],
            Format::Gif => &["gif"],
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Webp => ImageFormat::WebP,
            Format::Gif => ImageFormat::Gif,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an upload was refused, in words an editor can act on.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaError {
    /// No bytes.
    #[error("The file is empty.")]
    Empty,
    /// Over [`Limits::max_bytes`].
    #[error("The file is {} MB; pictures may be at most {} MB.", mb(*size), mb(*limit))]
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// An SVG drawing (it may carry scripts; it is not accepted).
    #[error("SVG drawings are not accepted (they can carry scripts): upload a JPEG, PNG, WebP or GIF picture.")]
    Svg,
    /// Not one of the formats.
    #[error("This file is not a JPEG, PNG, WebP or GIF picture.")]
    Unsupported,
    /// The name's extension says one thing, the bytes another.
    #[error(
        "The file is named “.{extension}” but it is a {actual} picture: rename it, or export it again, and upload it once more."
    )]
    NameMismatch {
        /// The extension of the name, lowercase.
        extension: String,
        /// What the bytes are.
        actual: Format,
    },
    /// Over [`Limits::max_pixels`] or [`Limits::max_side`] (read from the header:
    /// nothing was decoded).
    #[error("The picture is {width} × {height} pixels; pictures may have at most {} megapixels and {max_side} pixels a side.", *max_pixels / 1_000_000)]
    TooManyPixels {
        /// Its width, from its header.
        width: u32,
        /// Its height, from its header.
        height: u32,
        /// The pixel limit.
        max_pixels: u64,
        /// The side limit.
        max_side: u32,
    },
    /// Truncated or corrupt: the decoder's reason.
    #[error("The picture could not be read: it is damaged or incomplete ({0}).")]
    Damaged(String),
    /// Encoding a variant failed (not the upload's fault).
    #[error("The picture could not be converted ({0}).")]
    Encode(String),
}

fn mb(bytes: usize) -> String {
    let tenths = bytes.div_ceil(100_000);
    if tenths.is_multiple_of(10) { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// What a variant is encoded as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// An opaque picture.
    Jpeg,
    /// A picture with transparency.
    Png,
}

impl Output {
    /// The `Content-Type` it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Output::Jpeg => "image/jpeg",
            Output::Png => "image/png",
        }
    }

    /// The extension of its file name.
    pub fn extension(self) -> &'static str {
        match self {
            Output::Jpeg => "jpg",
            Output::Png => "png",
        }
    }

    /// The output of a `Content-Type`, or of an extension.
    pub fn parse(s: &str) -> Option<Output> {
        match s {
            "image/jpeg" | "jpg" => Some(Output::Jpeg),
            "image/png" | "png" => Some(Output::Png),
            _ => None,
        }
    }
}

/// One stored width of a picture.
#[derive(Clone, PartialEq, Eq)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its encoding.
    pub output: Output,
    /// The encoded file.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, lowercase hex.
    pub hash: String,
}

impl fmt::Debug for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Variant")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("output", &self.output)
            .field("bytes", &self.bytes.len())
            .field("hash", &self.hash)
            .finish()
    }
}

impl Variant {
    /// Its file name: `HASH.jpg` or `HASH.png`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.hash, self.output.extension())
    }
}

/// An upload, checked and converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// What the upload was.
    pub format: Format,
    /// SHA-256 of the upload, lowercase hex (the same file uploaded twice
    /// is one picture).
    pub source_hash: String,
    /// The upload's size in bytes.
    pub source_bytes: usize,
    /// Width, upright.
    pub width: u32,
    /// Height, upright.
    pub height: u32,
    /// The stored widths, narrowest first; the last is the largest.
    pub variants: Vec<Variant>,
}

/// SHA-256, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Whether `s` looks like one of our file names' hashes (64 lowercase hex).
pub fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The format the bytes are, from their first bytes (their "magic
/// number"); `Err(Svg)` for an SVG drawing (XML text with an `<svg`
/// element), `Err(Unsupported)` for anything else.
pub fn detect(bytes: &[u8]) -> Result<Format, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Format::Webp);
    }
    if is_svg(bytes) {
        return Err(MediaError::Svg);
    }
    Err(MediaError::Unsupported)
}

/// XML or markup text whose beginning holds an `<svg` element (also
/// gzip-compressed SVG, `.svgz`, is just "unsupported").
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    text.get(start) == Some(&b'<') && text.windows(4).any(|w| w.eq_ignore_ascii_case(b"<svg"))
}

/// Checks a file name against the format its bytes are: a name with no
/// extension is fine; an extension of another format, or of something
/// that is no picture (`photo.php`, `a.svg`), is refused.
pub fn check_name(name: &str, format: Format) -> Result<(), MediaError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let Some((stem, ext)) = base.rsplit_once('.') else { return Ok(()) };
    if stem.is_empty() && !base[1..].contains('.') {
        // A dot file such as ".jpg" alone: the whole name is its stem.
        return check_name(&base[1..], format);
    }
    let ext = ext.to_ascii_lowercase();
    if format.extensions().contains(&ext.as_str()) {
        Ok(())
    } else {
        Err(MediaError::NameMismatch { extension: ext.chars().take(16).collect(), actual: format })
    }
}

/// The widths a picture `width` px wide is stored in: each of [`WIDTHS`]
/// narrower than it, and its own width when under the largest (never
/// enlarged).
pub fn widths_for(width: u32) -> Vec<u32> {
    let largest = WIDTHS[WIDTHS.len() - 1];
    let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    let top = width.min(largest);
    if out.last() != Some(&top) {
        out.push(top);
    }
    out
}

/// The height of a variant `w` px wide of a `width` × `height` picture
/// (rounded, at least 1).
pub fn scaled_height(width: u32, height: u32, w: u32) -> u32 {
    let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width.max(1));
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

fn damaged(e: &ImageError) -> MediaError {
    MediaError::Damaged(e.to_string())
}

/// Checks and converts an upload; `name` is the file's name as sent (only
/// its extension is checked against the bytes), if any.
pub fn process(bytes: &[u8], name: Option<&str>, limits: &Limits) -> Result<Picture, MediaError> {
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    let format = detect(bytes)?;
    if let Some(name) = name {
        check_name(name, format)?;
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    // The decoded picture (up to 8 bytes a pixel: 16-bit RGBA PNG) and the
    // decoders' own buffers.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(image_limits);
    let too_many = |width: u32, height: u32| MediaError::TooManyPixels {
        width,
        height,
        max_pixels: limits.max_pixels,
        max_side: limits.max_side,
    };
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(ImageError::Limits(_)) => {
            // The side limit, seen in the header: say the size if we can.
            return Err(header_size(bytes, format).map_or(too_many(0, 0), |(w, h)| too_many(w, h)));
        }
        Err(e) => return Err(damaged(&e)),
    };
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels || width > limits.max_side || height > limits.max_side {
        return Err(too_many(width, height));
    }
    if width == 0 || height == 0 {
        return Err(MediaError::Damaged("no pixels".into()));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut decoded = match DynamicImage::from_decoder(decoder) {
        Ok(d) => d,
        Err(ImageError::Limits(_)) => return Err(too_many(width, height)),
        Err(e) => return Err(damaged(&e)),
    };
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        // zune-jpeg fills a cut-short scan with grey rather than failing.
        return Err(MediaError::Damaged("the file ends before the picture does".into()));
    }
    decoded.apply_orientation(orientation);
    let picture = convert(&decoded)?;
    Ok(Picture {
        format,
        source_hash: sha256_hex(bytes),
        source_bytes: bytes.len(),
        width: decoded.width(),
        height: decoded.height(),
        variants: picture,
    })
}

/// A JPEG's dimensions from its header only, when the decoder refused to
/// open it (over the side limit).
fn header_size(bytes: &[u8], format: Format) -> Option<(u32, u32)> {
    match format {
        Format::Png if bytes.len() >= 24 => Some((
            u32::from_be_bytes(bytes[16..20].try_into().ok()?),
            u32::from_be_bytes(bytes[20..24].try_into().ok()?),
        )),
        Format::Gif if bytes.len() >= 10 => Some((
            u32::from(u16::from_le_bytes([bytes[6], bytes[7]])),
            u32::from(u16::from_le_bytes([bytes[8], bytes[9]])),
        )),
        _ => None,
    }
}

/// Whether a JPEG runs to its end-of-image marker (`FF D9`): its segments
/// are walked from the start (each scan's entropy-coded data up to the
/// next marker), so an EXIF thumbnail's own end marker does not count.
/// Whatever follows the marker (a smuggled payload) is not decoded and
/// not kept.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut pos = 2;
    loop {
        // Fill bytes before a marker.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if bytes.get(pos) != Some(&0xFF) {
            return false;
        }
        let Some(&marker) = bytes.get(pos + 1) else { return false };
        pos += 2;
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes.get(pos..pos + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))) else {
            return false;
        };
        pos += len;
        if marker == 0xDA {
            // Entropy-coded data: FF 00 is a data byte, FF D0-D7 a restart.
            loop {
                let Some(i) = bytes.get(pos..).and_then(|rest| rest.iter().position(|b| *b == 0xFF)) else {
                    return false;
                };
                pos += i;
                match bytes.get(pos + 1) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => pos += if bytes[pos + 1] == 0xFF { 1 } else { 2 },
                    Some(_) => break,
                }
            }
        }
    }
}

/// Whether any pixel is not fully opaque.
fn has_transparency(image: &DynamicImage) -> bool {
    if !image.color().has_alpha() {
        return false;
    }
    match image {
        DynamicImage::ImageRgba8(buf) => buf.pixels().any(|p| p.0[3] < u8::MAX),
        DynamicImage::ImageLumaA8(buf) => buf.pixels().any(|p| p.0[1] < u8::MAX),
        other => other.to_rgba8().pixels().any(|p| p.0[3] < u8::MAX),
    }
}

/// The variants of a decoded, upright picture.
fn convert(image: &DynamicImage) -> Result<Vec<Variant>, MediaError> {
    let output = if has_transparency(image) { Output::Png } else { Output::Jpeg };
    let (width, height) = (image.width(), image.height());
    let widths = widths_for(width);
    // The largest variant from the original (the one expensive step: an
    // area average, which is fast and does not alias however large the
    // factor), the others from it with a triangle filter: at most 1600 px
    // wide, a smaller one loses nothing by starting there.
    let mut out = Vec::with_capacity(widths.len());
    let mut largest: Option<DynamicImage> = None;
    for &w in widths.iter().rev() {
        let h = scaled_height(width, height, w);
        let scaled = match &largest {
            None if w == width => image.clone(),
            None => image.thumbnail_exact(w, h),
            Some(from) => from.resize_exact(w, h, FilterType::Triangle),
        };
        out.push(encode(&scaled, output)?);
        if largest.is_none() {
            largest = Some(scaled);
        }
    }
    out.reverse();
    Ok(out)
}

fn encode(image: &DynamicImage, output: Output) -> Result<Variant, MediaError> {
    let mut bytes = Vec::new();
    let (width, height) = (image.width(), image.height());
    let result = match output {
        Output::Jpeg => {
            let rgb = image.to_rgb8();
            JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY).write_image(
                rgb.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
        }
        Output::Png => {
            let rgba = image.to_rgba8();
            PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, PngFilter::Adaptive).write_image(
                rgba.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgba8,
            )
        }
    };
    result.map_err(|e| MediaError::Encode(e.to_string()))?;
    let hash = sha256_hex(&bytes);
    Ok(Variant { width, height, output, bytes, hash })
}

#[cfg(any(test, feature = "samples"))]
pub mod samples;
#[cfg(test)]
mod tests;
