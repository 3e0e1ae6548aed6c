//! A small XML tree for reading exports (WordPress WXR), on quick-xml. It
//! never expands entities declared in the document (a "billion laughs" file
//! is refused, not expanded): only the five predefined entities and
//! character references are read.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Elements nested deeper than this are refused (no export needs it).
const MAX_DEPTH: usize = 256;

/// An element: its name as written (`wp:post_name`), attributes, text (with
/// CDATA) and children.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, if not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// The value of an attribute.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses a document into its root element; an error says what is wrong
/// and where (the byte offset).
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("not well-formed XML at byte {at}: {e}"))?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!("elements nested more than {MAX_DEPTH} deep at byte {at}"));
                }
                stack.push(element(&start)?);
            }
            Event::Empty(start) => {
                let e = element(&start)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(e);
                }
            }
            Event::End(_) => {
                let done = stack.pop().ok_or("an end tag without a start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err(format!("an end tag without a start at byte {at}")),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(c) => push_text(&mut stack, &c.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content().into_owned();
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => predefined(&name).ok_or_else(|| {
                        format!(
                            "the entity &{name}; at byte {at} is declared in the file itself, and such entities are \
                             not expanded (a file can grow without bound that way)"
                        )
                    })?,
                    Err(e) => return Err(format!("bad character reference &{name}; at byte {at}: {e}")),
                };
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err(format!("the document ends inside <{}>", stack.last().map_or("", |e| e.name.as_str())));
    }
    let mut top = stack.pop().unwrap_or_default();
    top.children.pop().ok_or_else(|| "the document has no elements".to_owned())
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(e) = stack.last_mut() {
        e.text.push_str(text);
    }
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let name = start.name().as_ref().to_owned();
    let mut attributes = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key = a.key.as_ref().to_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute {key} in <{name}>: {e}"))?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(Element { name, attributes, text: String::new(), children: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_cdata_entities_and_attributes() {
        let doc = parse(
            r#"<?xml version="1.0"?><rss a="1 &amp; 2"><item><title>Fish &amp; chips &#233;&#x4E2D;</title>
               <content:encoded><![CDATA[<p>Hi & <b>bye</b></p>]]></content:encoded><x/></item></rss>"#,
        )
        .unwrap();
        assert_eq!(doc.name, "rss");
        assert_eq!(doc.attribute("a"), Some("1 & 2"));
        let item = doc.child("item").unwrap();
        assert_eq!(item.text_of("title"), Some("Fish & chips é中"));
        assert_eq!(item.text_of("content:encoded"), Some("<p>Hi & <b>bye</b></p>"));
        assert!(item.child("x").is_some());
    }

    /// Entities declared in the document are never expanded.
    #[test]
    fn billion_laughs_is_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><rss><channel><title>&lol3;</title></channel></rss>"#;
        let err = parse(bomb).unwrap_err();
        assert!(err.contains("&lol3;") && err.contains("not expanded"), "{err}");
    }

    #[test]
    fn broken_documents_say_where() {
        for bad in ["<rss><item></rss>", "<rss>", "", "<a></a></b>"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
