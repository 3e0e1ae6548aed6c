//! Pictures made for tests (here and in the web crate's HTTP tests):
//! encoded with the `image` crate's own encoders, with EXIF and payloads
//! spliced in by hand, and a decompression bomb's header written byte by
//! byte. Feature `samples` (always on in this crate's tests).

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage, RgbaImage};

/// A picture with some detail (gradients and a pattern), `w` × `h`.
pub fn rgb(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, ((x ^ y) & 0xFF) as u8])
    })
}

/// [`rgb`] as a JPEG (quality 90).
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(&rgb(w, h)).unwrap();
    out
}

/// A picture with an alpha channel as a PNG.
pub fn png_rgba(img: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// [`rgb`] as a PNG (RGB).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out).write_image(rgb(w, h).as_raw(), w, h, image::ExtendedColorType::Rgb8).unwrap();
    out
}

/// [`rgb`] as a one-frame GIF.
pub fn gif(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        let frame = image::Frame::new(DynamicImage::ImageRgb8(rgb(w, h)).to_rgba8());
        enc.encode_frames([frame]).unwrap();
    }
    out
}

/// [`rgb`] as a lossless WebP.
pub fn webp(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out).encode(rgb(w, h).as_raw(), w, h, image::ExtendedColorType::Rgb8).unwrap();
    out
}

/// A TIFF (EXIF) block, big-endian: orientation `orientation`, a GPS IFD
/// with latitude reference "N", and an image description holding `secret`.
pub fn exif(orientation: u16, secret: &str) -> Vec<u8> {
    let mut t: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_be_bytes());
        t.extend(kind.to_be_bytes());
        t.extend(count.to_be_bytes());
        t.extend(value);
    };
    // IFD0: 3 entries (12 bytes each) + count + next = 42 bytes, from 8.
    let gps_at: u32 = 8 + 2 + 3 * 12 + 4;
    // GPS IFD: 1 entry + count + next = 18 bytes.
    let text_at = gps_at + 2 + 12 + 4;
    let text = format!("{secret}\0");
    t.extend(3u16.to_be_bytes());
    entry(&mut t, 0x010E, 2, text.len() as u32, text_at.to_be_bytes());
    let o = orientation.to_be_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, gps_at.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    t.extend(1u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    t.extend(0u32.to_be_bytes());
    t.extend(text.as_bytes());
    t
}

/// A JPEG with an APP1 EXIF segment right after its start marker.
pub fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let len = u16::try_from(app1.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
}

/// A PNG whose header says `w` × `h` (8-bit RGB), with a deflate stream of
/// 1 MB of zeros in stored blocks behind it: what a decompression bomb
/// looks like to a reader of the header. Decoding it in full would need
/// `w * h * 3` bytes.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = vec![0x78, 0x01];
    for i in 0..16 {
        z.push(u8::from(i == 15));
        z.extend(0xFFFFu16.to_le_bytes());
        z.extend(0u16.to_le_bytes());
        z.extend(std::iter::repeat_n(0u8, 0xFFFF));
    }
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The size of an encoded picture, decoded.
pub fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let d = image::load_from_memory(bytes).expect("a picture");
    (d.width(), d.height())
}
