//! Pictures (#12.7) over HTTP: uploading from the editor (multipart, the
//! session's checks, who may), the bad files (a message next to the field,
//! nothing stored), the stored files as served (bytes, type, caching), and
//! the `<img>` readers get on the article page, the cards and the link
//! preview. Every picture is made here with the `image` crate's encoders.

use media::samples::{contains, decoded_size, exif, jpeg, png, png_bomb, with_exif};

use super::*;

const GPS_SECRET: &str = "GPS-52.5200N-13.4050E-SECRET";

/// A phone's photo: an EXIF segment (orientation, a GPS block, and the
/// position as text) after the start marker, and a payload appended after
/// the end marker.
fn phone_photo(w: u32, h: u32) -> Vec<u8> {
    let mut out = with_exif(&jpeg(w, h), &exif(1, GPS_SECRET));
    out.extend(b"<?php system($_GET['c']); ?>");
    out
}

const BOUNDARY: &str = "----newsdesk-test-boundary-7d93";

/// A `multipart/form-data` body: the text fields, then the file (name,
/// declared type, bytes), as a browser sends a form with a file input.
fn multipart(fields: &[(String, String)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    let (name, kind, bytes) = file.unwrap_or(("", "application/octet-stream", b""));
    out.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend(bytes);
    out.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

impl Client {
    /// Presses "Upload picture": the form's fields and the file, as
    /// multipart, to `uri`, from the site's origin unless `headers` say.
    async fn upload(
        &self,
        uri: &str,
        fields: &[(String, String)],
        file: Option<(&str, &str, &[u8])>,
        headers: &[(&str, &str)],
    ) -> Res {
        let body = multipart(fields, file);
        let mut b = Request::post(uri)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::CONTENT_LENGTH, body.len());
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("origin")) {
            b = b.header(header::ORIGIN, ORIGIN);
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }
}

/// The value the editor shows in the lead image field.
fn lead_image_field(body: &str) -> String {
    let input = body.split("id=\"f-lead_image\"").nth(1).expect("a lead image field");
    input.split("value=\"").nth(1).unwrap().split('"').next().map(html_unescape).unwrap()
}

/// The first `<img …>` inside `within` (an element's opening text).
fn img_in<'b>(body: &'b str, within: &str) -> &'b str {
    let rest = body.split(within).nth(1).unwrap_or_else(|| panic!("no {within}"));
    let img = rest.split("<img ").nth(1).unwrap();
    img.split('>').next().unwrap()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    tag.split(&format!(" {name}=\""))
        .nth(1)
        .or_else(|| {
            tag.strip_prefix(&format!("{name}=\"")) // the first attribute
        })?
        .split('"')
        .next()
        .map(html_unescape)
}

async fn counts(d: &Desk) -> (u64, u64) {
    d.state.store().count_media().await.unwrap()
}

/// A writer uploads a phone photo to her draft; the editor comes back
/// with the picture as the lead image (the article is not saved yet);
/// saved and published, readers get every width in `srcset` with the
/// size and alt text; the files are served as stored, immutable, without
/// the EXIF, GPS or payload; the link preview names the 1200 px file.
#[tokio::test]
async fn an_uploaded_picture_is_stored_in_every_width_and_shown_to_readers() {
    let d = desk().await;
    d.article("harbour", Status::Draft, Some("wren")).await;
    let wren = d.signed_in("wren").await;
    let fields = edit_fields(
        &wren,
        "harbour",
        &[("title", "A new title, typed, not saved"), ("lead_image_alt", "The harbour wall at dawn")],
    )
    .await;
    let photo = phone_photo(2000, 1000);
    let r = wren
        .upload("/admin/articles/harbour/picture", &fields, Some(("IMG_0042.JPG", "image/jpeg", &photo)), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    assert!(r.body.contains("Picture uploaded: it is the lead image now. Save the article to keep it."), "{}", r.body);
    assert!(r.body.contains("value=\"A new title, typed, not saved\""), "what was typed is kept");
    let url = lead_image_field(&r.body);
    let hash = web::pictures::hash_of(&url).expect("an address of ours").to_owned();
    assert_eq!(url, format!("/media/{hash}.jpg"));
    assert!(r.body.contains(&format!("<img class=\"picture-preview\" src=\"{url}\"")), "the editor shows it");
    assert_eq!(counts(&d).await, (1, 4), "one picture in four widths");
    assert_eq!(d.stored("harbour").await.unwrap().lead_image, None, "the article is saved by its own buttons");

    // The same photo again: the same picture, nothing stored twice.
    let again =
        wren.upload("/admin/articles/harbour/picture", &fields, Some(("copy.jpeg", "image/jpeg", &photo)), &[]).await;
    assert_eq!(lead_image_field(&again.body), url);
    assert_eq!(counts(&d).await, (1, 4));

    // Saved from the editor as it came back, then published by an editor.
    let saved = form_fields(&r.body, &[("action", "submit")]);
    let s = post_fields(&wren, "/admin/articles/harbour", &saved).await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.body);
    let a = d.stored("harbour").await.unwrap();
    assert_eq!(a.lead_image.as_deref(), Some(url.as_str()));
    assert_eq!(a.lead_image_alt.as_deref(), Some("The harbour wall at dawn"));
    let ed = d.signed_in("ed").await;
    let publish = edit_fields(&ed, "harbour", &[("action", "publish"), ("published", "")]).await;
    assert_eq!(post_fields(&ed, "/admin/articles/harbour", &publish).await.status, StatusCode::SEE_OTHER);

    // The article page: every width, the size, the alt text, not lazy (at the top).
    let reader = d.client();
    let page = reader.get("/articles/harbour").await;
    assert_eq!(page.status, StatusCode::OK);
    let img = img_in(&page.body, "<figure class=\"lead\">");
    let files = d.state.store().media_by_files(std::slice::from_ref(&hash)).await.unwrap().remove(0).files;
    let widths: Vec<i64> = files.iter().map(|f| f.width).collect();
    assert_eq!(widths, [480, 960, 1200, 1600]);
    let srcset: Vec<String> = files.iter().map(|f| format!("/media/{}.jpg {}w", f.hash, f.width)).collect();
    assert_eq!(attr(img, "srcset").unwrap(), srcset.join(", "));
    assert_eq!(attr(img, "src").unwrap(), format!("/media/{}.jpg", files[3].hash));
    assert_eq!(attr(img, "sizes").unwrap(), web::pictures::LEAD_SIZES);
    assert_eq!((attr(img, "width").unwrap().as_str(), attr(img, "height").unwrap().as_str()), ("1600", "800"));
    assert_eq!(attr(img, "alt").unwrap(), "The harbour wall at dawn");
    assert_eq!(attr(img, "loading"), None, "the lead picture is above the fold");
    // The link preview: the 1200 px file, absolute, with its size.
    let og = format!("<meta property=\"og:image\" content=\"http://127.0.0.1:8080/media/{}.jpg\">", files[2].hash);
    assert!(page.body.contains(&og), "{}", page.body.split("og:image").nth(1).unwrap_or(""));
    assert!(page.body.contains("<meta property=\"og:image:width\" content=\"1200\">"));
    assert!(page.body.contains("<meta property=\"og:image:height\" content=\"600\">"));

    // Every file as served: its bytes, type, caching, and nothing of the upload's extras.
    for f in &files {
        let path = format!("/media/{}.jpg", f.hash);
        let res = reader.get(&path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.headers[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(res.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(res.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(res.headers[header::ETAG], format!("\"{}\"", f.hash));
        assert_eq!(media::sha256_hex(&res.bytes), f.hash, "content-addressed");
        let (w, h) = decoded_size(&res.bytes);
        assert_eq!((i64::from(w), i64::from(h)), (f.width, f.height));
        assert!(!contains(&res.bytes, b"Exif") && !contains(&res.bytes, GPS_SECRET.as_bytes()));
        assert!(!contains(&res.bytes, b"<?php"));
        let again = reader
            .send(
                Request::get(&path)
                    .header(header::IF_NONE_MATCH, format!("\"{}\"", f.hash))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.bytes.is_empty());
    }
    // Addresses that are not a stored file.
    for path in [
        format!("/media/{}.png", files[0].hash),
        format!("/media/{}.jpg", "0".repeat(64)),
        format!("/media/{}.gif", files[0].hash),
        format!("/media/{}", files[0].hash),
        "/media/..%2Fnewsdesk.db".to_owned(),
    ] {
        assert_eq!(reader.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// Cards on the home and section pages show the lead picture with its
/// widths and size; the first two load at once, the rest lazily; an
/// outside address is shown as given.
#[tokio::test]
async fn cards_show_lead_pictures() {
    let d = desk().await;
    let stored = web::pictures::upload(&d.state, jpeg(1000, 500).into(), Some("a.jpg".into()), None, 1).await.unwrap();
    let url = format!("/media/{}.jpg", stored.files.last().unwrap().hash);
    for (i, image) in
        [url.as_str(), url.as_str(), url.as_str(), "https://images.example.org/x.jpg"].into_iter().enumerate()
    {
        let input = ArticleInput {
            slug: format!("story-{i}"),
            title: format!("Story {i}"),
            body: body_text("harbour"),
            section: "World".into(),
            lang: Some("en".into()),
            lead_image: Some(image.into()),
            lead_image_alt: Some(format!("Picture {i}")),
            published: Some(
                chrono::DateTime::from_timestamp(1_767_261_600 - i64::try_from(i).unwrap() * 60, 0).unwrap(),
            ),
            ..Default::default()
        };
        d.state.articles().create(input, &content::WrittenBy::named("test"), web::now()).await.unwrap();
    }
    let reader = d.client();
    for path in ["/", "/sections/world"] {
        let page = reader.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let cards: Vec<&str> = page.body.split("<a class=\"card-picture\"").skip(1).collect();
        assert_eq!(cards.len(), 4, "{path}");
        for (i, card) in cards.iter().enumerate() {
            let img = card.split("<img ").nth(1).unwrap().split('>').next().unwrap();
            assert_eq!(attr(img, "alt").unwrap(), format!("Picture {i}"), "{path}");
            assert_eq!(attr(img, "loading").is_some(), i >= 2, "{path} card {i}");
            if i < 3 {
                assert_eq!(attr(img, "srcset").unwrap().matches("w, ").count() + 1, 3, "480, 960 and 1000: {img}");
                assert_eq!(
                    (attr(img, "width").unwrap().as_str(), attr(img, "height").unwrap().as_str()),
                    ("1000", "500")
                );
                assert_eq!(attr(img, "sizes").unwrap(), web::pictures::CARD_SIZES);
            } else {
                assert_eq!(attr(img, "src").unwrap(), "https://images.example.org/x.jpg");
                assert_eq!((attr(img, "srcset"), attr(img, "width")), (None, None));
            }
        }
    }
    // An outside lead image on the article page: as given, no srcset.
    let page = reader.get("/articles/story-3").await;
    let img = img_in(&page.body, "<figure class=\"lead\">");
    assert_eq!(attr(img, "src").unwrap(), "https://images.example.org/x.jpg");
    assert!(page.body.contains("<meta property=\"og:image\" content=\"https://images.example.org/x.jpg\">"));
}

/// Every bad file gets its reason next to the lead image field, the form
/// keeps what was typed, and nothing is stored.
#[tokio::test]
async fn bad_files_get_a_message_in_the_form_and_nothing_is_stored() {
    let d = desk().await;
    d.article("story", Status::Draft, Some("wren")).await;
    let ed = d.signed_in("ed").await;
    let fields = edit_fields(&ed, "story", &[("title", "Typed title")]).await;
    let whole = jpeg(400, 200);
    let svg =
        b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let mut huge = jpeg(64, 64);
    huge.resize(20_500_000, 0);
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "cut.jpg",
            "image/jpeg",
            whole[..whole.len() / 2].to_vec(),
            "The picture could not be read: it is damaged or incomplete",
        ),
        ("drawing.png", "image/png", svg.clone(), "SVG drawings are not accepted"),
        ("drawing.svg", "image/svg+xml", svg, "SVG drawings are not accepted"),
        ("photo.jpg", "image/jpeg", png(300, 200), "The file is named “.jpg” but it is a PNG picture"),
        ("photo.php", "image/jpeg", whole.clone(), "The file is named “.php” but it is a JPEG picture"),
        ("bomb.png", "image/png", png_bomb(50_000, 50_000), "The picture is 50000 × 50000 pixels"),
        (
            "notes.jpg",
            "image/jpeg",
            b"just some text, not a picture".to_vec(),
            "This file is not a JPEG, PNG, WebP or GIF picture.",
        ),
        ("empty.jpg", "image/jpeg", Vec::new(), "The file is empty."),
        ("big.jpg", "image/jpeg", huge, "The file is 20.5 MB; pictures may be at most 20 MB."),
    ];
    for (name, kind, bytes, message) in &cases {
        let r = ed.upload("/admin/articles/story/picture", &fields, Some((name, kind, bytes)), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
        let field_error =
            r.body.split("id=\"f-lead_image-error\">").nth(1).unwrap_or_else(|| panic!("{name}: no error"));
        assert!(
            html_unescape(field_error).starts_with(message),
            "{name}: {}",
            &field_error[..200.min(field_error.len())]
        );
        assert!(r.body.contains("value=\"Typed title\""), "{name}: the form keeps what was typed");
        assert_eq!(counts(&d).await, (0, 0), "{name}: nothing stored");
    }
    // No file chosen.
    let r = ed.upload("/admin/articles/story/picture", &fields, None, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose a picture to upload first"));
    // A body announced over the upload limit is refused before it is read.
    let req = Request::post("/admin/articles/story/picture")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::CONTENT_LENGTH, web::admin::UPLOAD_LIMIT + 1)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::empty())
        .unwrap();
    let r = ed.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("Pictures may be at most 20 MB. Nothing was stored"));
    assert_eq!(counts(&d).await, (0, 0));
    assert_eq!(d.stored("story").await.unwrap().title, "Title of story", "the article is untouched");
}

/// Uploading takes a signed-in user who may edit the article (or create
/// one), the session's token, and the site's origin; anything else is
/// refused and stores nothing.
#[tokio::test]
async fn uploads_need_permission_the_token_and_the_origin() {
    let d = desk().await;
    d.article("wrens-draft", Status::Draft, Some("wren")).await;
    d.article("published", Status::Published, None).await;
    let photo = jpeg(600, 300);
    let file = Some(("p.jpg", "image/jpeg", photo.as_slice()));
    let fields =
        |c: &Client| vec![("csrf".to_owned(), c.csrf.lock().unwrap().clone()), ("title".to_owned(), "T".to_owned())];

    // Not signed in: to the sign-in page.
    let anon = d.client();
    let r = anon.upload("/admin/articles/wrens-draft/picture", &fields(&anon), file, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/admin/login?next="));
    // Another writer's draft, a published article (writers): refused.
    let wynn = d.signed_in("wynn").await;
    let r = wynn.upload("/admin/articles/wrens-draft/picture", &fields(&wynn), file, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = wynn.upload("/admin/articles/published/picture", &fields(&wynn), file, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Forged: no token, a wrong one, another site's origin.
    let wren = d.signed_in("wren").await;
    let r = wren.upload("/admin/articles/wrens-draft/picture", &[("title".into(), "T".into())], file, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let wrong = vec![("csrf".to_owned(), "0".repeat(64))];
    assert_eq!(
        wren.upload("/admin/articles/wrens-draft/picture", &wrong, file, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = wren
        .upload("/admin/articles/wrens-draft/picture", &fields(&wren), file, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A urlencoded post to the upload route is not read as an upload.
    let r = wren.post("/admin/articles/wrens-draft/picture", &[("title", "T")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // No such article.
    let r = wren.upload("/admin/articles/nothing/picture", &fields(&wren), file, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(counts(&d).await, (0, 0), "nothing stored by any of these");

    // Her own draft, and a new article: accepted.
    let r = wren.upload("/admin/articles/wrens-draft/picture", &fields(&wren), file, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = wren.upload("/admin/articles/new/picture", &fields(&wren), file, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<h1>New article</h1>"));
    assert!(r.body.contains("Describe it in the alt text"), "no alt text yet");
    assert!(lead_image_field(&r.body).starts_with("/media/"));
    assert_eq!(counts(&d).await, (1, 2), "the same file twice: one picture (480 and 600 px)");
    // Editors may add a picture to any article.
    let ed = d.signed_in("ed").await;
    let r = ed.upload("/admin/articles/published/picture", &fields(&ed), file, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// The editor offers the upload (a file field and its button, sending the
/// form as multipart to the picture route), and Enter in a field still
/// presses the first action, not "Upload picture".
#[tokio::test]
async fn the_editor_offers_an_upload() {
    let d = desk().await;
    let ed = d.signed_in("ed").await;
    for (path, action) in [("/admin/articles/new", "/admin/articles/new/picture")] {
        let page = ed.get(path).await;
        assert!(page.body.contains("<label for=\"f-picture\">Upload a picture</label>"));
        assert!(
            page.body.contains("name=\"picture\" type=\"file\" accept=\"image/jpeg,image/png,image/webp,image/gif\"")
        );
        assert!(
            page.body.contains(&format!(
                "formaction=\"{action}\" formenctype=\"multipart/form-data\">Upload picture</button>"
            ))
        );
        let form = page.body.split("<form class=\"editor\"").nth(1).unwrap();
        let first_button = form.split("<button ").nth(1).unwrap();
        assert!(first_button.starts_with("type=\"submit\" name=\"action\" value=\"draft\" hidden"), "{first_button}");
    }
}
