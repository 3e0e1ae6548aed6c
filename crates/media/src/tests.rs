//! Every input here is made by the test itself: pictures encoded with the
//! `image` crate's own encoders, EXIF and payloads spliced in by hand, and
//! a decompression bomb's header written byte by byte.

use image::{Rgba, RgbaImage};

use super::samples::*;
use super::*;

fn limits() -> Limits {
    Limits::default()
}

#[test]
fn the_format_comes_from_the_bytes() {
    assert_eq!(detect(&jpeg(8, 8)), Ok(Format::Jpeg));
    assert_eq!(detect(&png(8, 8)), Ok(Format::Png));
    assert_eq!(detect(&gif(8, 8)), Ok(Format::Gif));
    assert_eq!(detect(&webp(8, 8)), Ok(Format::Webp));
    assert_eq!(detect(b""), Err(MediaError::Empty));
    assert_eq!(detect(b"<html><body>hi</body></html>"), Err(MediaError::Unsupported));
    assert_eq!(detect(b"PK\x03\x04zip"), Err(MediaError::Unsupported));
    assert_eq!(detect(b"RIFF\0\0\0\0WAVEfmt "), Err(MediaError::Unsupported));
    assert_eq!(detect(b"BM\x36\0\0\0"), Err(MediaError::Unsupported), "BMP is not taken");
    // No name given: the bytes alone decide, whatever a browser would say.
    assert_eq!(process(&png(20, 10), None, &limits()).unwrap().format, Format::Png);
}

#[test]
fn svg_is_refused_whatever_it_is_called() {
    let svg = b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<!-- a drawing -->\n<SVG xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></SVG>";
    assert_eq!(detect(svg), Err(MediaError::Svg));
    assert_eq!(process(svg, Some("photo.png"), &limits()), Err(MediaError::Svg));
    assert_eq!(process(b"<svg/>", Some("a.svg"), &limits()), Err(MediaError::Svg));
    assert!(MediaError::Svg.to_string().contains("SVG"));
}

#[test]
fn a_lying_extension_is_refused() {
    let png = png(20, 10);
    let err = process(&png, Some("holiday.jpg"), &limits()).unwrap_err();
    assert_eq!(err, MediaError::NameMismatch { extension: "jpg".into(), actual: Format::Png });
    assert_eq!(
        err.to_string(),
        "The file is named “.jpg” but it is a PNG picture: rename it, or export it again, and upload it once more."
    );
    assert!(matches!(process(&png, Some("shell.php"), &limits()), Err(MediaError::NameMismatch { .. })));
    assert!(matches!(process(&png, Some("x.png.html"), &limits()), Err(MediaError::NameMismatch { .. })));
    assert!(matches!(process(&jpeg(8, 8), Some("a.gif"), &limits()), Err(MediaError::NameMismatch { .. })));
    // The right extension in any case, or none at all, is fine.
    for name in ["holiday.PNG", "C:\\Users\\me\\holiday.png", "holiday", ".png", "dir.v2/holiday"] {
        assert!(process(&png, Some(name), &limits()).is_ok(), "{name}");
    }
    assert!(process(&jpeg(8, 8), Some("IMG_0001.JPEG"), &limits()).is_ok());
    // A non-picture named as a picture is what its bytes are: not a picture.
    assert_eq!(process(b"<?php echo 1; ?>", Some("cat.jpg"), &limits()), Err(MediaError::Unsupported));
}

#[test]
fn exif_gps_and_appended_payloads_are_gone() {
    let secret = "GPS-SECRET-52.5200N-13.4050E";
    let mut upload = with_exif(&jpeg(64, 32), &exif(1, secret));
    upload.extend(b"<?php system($_GET['c']); ?>PK\x03\x04");
    assert!(contains(&upload, secret.as_bytes()) && contains(&upload, b"Exif\0\0"));
    let picture = process(&upload, Some("phone.jpg"), &limits()).unwrap();
    assert_eq!((picture.width, picture.height), (64, 32));
    for v in &picture.variants {
        assert_eq!(detect(&v.bytes), Ok(Format::Jpeg));
        assert!(!contains(&v.bytes, b"Exif"), "no EXIF segment");
        assert!(!contains(&v.bytes, &[0xFF, 0xE1]), "no APP1 segment");
        assert!(!contains(&v.bytes, secret.as_bytes()), "no GPS text");
        assert!(!contains(&v.bytes, b"<?php"), "no payload");
        assert!(!contains(&v.bytes, b"PK\x03\x04"), "no payload");
        assert!(jpeg_is_complete(&v.bytes));
    }
}

#[test]
fn pictures_are_turned_upright() {
    // Orientation 6: the camera was turned; the picture is shown rotated 90°.
    let upload = with_exif(&jpeg(40, 20), &exif(6, "x"));
    let picture = process(&upload, None, &limits()).unwrap();
    assert_eq!((picture.width, picture.height), (20, 40));
    let v = &picture.variants[0];
    assert_eq!((v.width, v.height), (20, 40));
    let decoded = image::load_from_memory(&v.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (20, 40));
}

#[test]
fn widths_are_never_enlarged() {
    assert_eq!(widths_for(300), [300]);
    assert_eq!(widths_for(480), [480]);
    assert_eq!(widths_for(481), [480, 481]);
    assert_eq!(widths_for(1000), [480, 960, 1000]);
    assert_eq!(widths_for(1200), [480, 960, 1200]);
    assert_eq!(widths_for(1600), [480, 960, 1200, 1600]);
    assert_eq!(widths_for(4000), [480, 960, 1200, 1600]);
    assert_eq!(scaled_height(4000, 3000, 1600), 1200);
    assert_eq!(scaled_height(3000, 1, 480), 1, "at least one pixel");

    let small = process(&jpeg(300, 200), None, &limits()).unwrap();
    assert_eq!(small.variants.len(), 1);
    assert_eq!((small.variants[0].width, small.variants[0].height), (300, 200));

    let big = process(&jpeg(2000, 1000), None, &limits()).unwrap();
    let sizes: Vec<(u32, u32)> = big.variants.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(sizes, [(480, 240), (960, 480), (1200, 600), (1600, 800)]);
    for v in &big.variants {
        let d = image::load_from_memory(&v.bytes).unwrap();
        assert_eq!((d.width(), d.height()), (v.width, v.height), "the stored size is the real one");
        assert_eq!(v.hash, sha256_hex(&v.bytes));
        assert!(is_hash(&v.hash));
        assert_eq!(v.file_name(), format!("{}.jpg", v.hash));
    }
    assert_eq!(big.source_hash, sha256_hex(&jpeg(2000, 1000)));
}

#[test]
fn png_gif_and_webp_uploads_are_converted() {
    for (name, bytes, format) in [
        ("a.png", png(700, 350), Format::Png),
        ("a.gif", gif(700, 350), Format::Gif),
        ("a.webp", webp(700, 350), Format::Webp),
    ] {
        let p = process(&bytes, Some(name), &limits()).unwrap();
        assert_eq!(p.format, format, "{name}");
        let sizes: Vec<(u32, u32, Output)> = p.variants.iter().map(|v| (v.width, v.height, v.output)).collect();
        assert_eq!(sizes, [(480, 240, Output::Jpeg), (700, 350, Output::Jpeg)], "{name}: opaque pictures become JPEGs");
    }
    // Transparency is kept: a PNG out.
    let clear = RgbaImage::from_fn(600, 300, |x, _| Rgba([200, 10, 10, if x < 300 { 0 } else { 255 }]));
    let p = process(&png_rgba(&clear), Some("logo.png"), &limits()).unwrap();
    assert!(p.variants.iter().all(|v| v.output == Output::Png && detect(&v.bytes) == Ok(Format::Png)));
    let d = image::load_from_memory(&p.variants[1].bytes).unwrap().to_rgba8();
    assert_eq!(d.get_pixel(10, 10).0[3], 0);
    assert_eq!(d.get_pixel(590, 10).0[3], 255);
    // An alpha channel that is opaque everywhere is a JPEG.
    let opaque = RgbaImage::from_pixel(100, 50, Rgba([1, 2, 3, 255]));
    assert_eq!(process(&png_rgba(&opaque), None, &limits()).unwrap().variants[0].output, Output::Jpeg);
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // 50,000 × 50,000: 7.5 GB of pixels; refused before the decoder opens it.
    let bomb = png_bomb(50_000, 50_000);
    assert!(bomb.len() < 2 << 20);
    match process(&bomb, Some("bomb.png"), &limits()) {
        Err(MediaError::TooManyPixels { width: 50_000, height: 50_000, .. }) => {}
        other => panic!("{other:?}"),
    }
    // Within the side limit but over the pixel limit: 10,000 × 10,000.
    match process(&png_bomb(10_000, 10_000), None, &limits()) {
        Err(e @ MediaError::TooManyPixels { width: 10_000, height: 10_000, .. }) => {
            assert_eq!(
                e.to_string(),
                "The picture is 10000 × 10000 pixels; pictures may have at most 50 megapixels and 20000 pixels a side."
            );
        }
        other => panic!("{other:?}"),
    }
    // A JPEG that says it is huge (its frame header patched): refused too.
    let mut big = jpeg(16, 16);
    let sof = big.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    big[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    assert!(matches!(process(&big, None, &limits()), Err(MediaError::TooManyPixels { .. })));
}

#[test]
fn truncated_files_are_refused() {
    for (name, whole) in
        [("a.jpg", jpeg(200, 100)), ("a.png", png(200, 100)), ("a.gif", gif(200, 100)), ("a.webp", webp(200, 100))]
    {
        assert!(process(&whole, Some(name), &limits()).is_ok(), "{name} whole");
        // Cut in the middle, in the header, and (PNG) through the last data
        // chunk's checksum, or (JPEG) before the end marker.
        for cut in [whole.len() / 2, whole.len() - 16, 20] {
            match process(&whole[..cut], Some(name), &limits()) {
                Err(MediaError::Damaged(_)) => {}
                other => panic!("{name} cut at {cut} of {}: {other:?}", whole.len()),
            }
        }
    }
}

#[test]
fn the_size_limit_is_checked_first() {
    let small = Limits { max_bytes: 100, ..Limits::default() };
    let err = process(&jpeg(64, 64), None, &small).unwrap_err();
    assert!(matches!(err, MediaError::TooLarge { limit: 100, .. }));
    let err = MediaError::TooLarge { size: 25_300_000, limit: 20_000_000 };
    assert_eq!(err.to_string(), "The file is 25.3 MB; pictures may be at most 20 MB.");
}

#[test]
fn the_same_upload_gives_the_same_files() {
    let a = process(&jpeg(1000, 500), None, &limits()).unwrap();
    let b = process(&jpeg(1000, 500), None, &limits()).unwrap();
    assert_eq!(a, b, "the encoders are deterministic: the same file gets the same addresses");
}
