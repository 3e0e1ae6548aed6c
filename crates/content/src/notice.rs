//! A [`Change`] as a notice to the site's other instances
//! (`store::InstanceStore::notify`): JSON text, at most a given number of
//! bytes. A change too large for a notice goes as "everything changed"; a
//! notice that cannot be read (garbled, or from a later version that wrote
//! it otherwise) is read as "everything changed" too, so a reader never
//! keeps a page that a write it heard of may have changed.

use crate::Change;

/// The notice of [`Change::everything`].
const EVERYTHING: &str = r#"{"public":true,"everything":true}"#;

impl Change {
    /// A change that makes every page stale.
    pub fn everything() -> Change {
        Change { public: true, everything: true, ..Change::default() }
    }

    /// The change as a notice of at most `max` bytes.
    pub fn to_notice(&self, max: usize) -> String {
        match serde_json::to_string(self) {
            Ok(text) if text.len() <= max => text,
            Ok(text) => {
                tracing::debug!(bytes = text.len(), max, "a change too large for a notice goes as \"everything\"");
                EVERYTHING.to_owned()
            }
            Err(_) => EVERYTHING.to_owned(),
        }
    }

    /// The change a notice tells of ("everything" when it cannot be read).
    pub fn from_notice(notice: &str) -> Change {
        match serde_json::from_str::<Change>(notice) {
            Ok(change) => change,
            Err(e) => {
                tracing::warn!(error = %e, "a notice that cannot be read: taken as \"everything changed\"");
                Change::everything()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Change {
        Change {
            articles: vec!["harbour-vote".into(), "старый-слаг".into()],
            neighbours: vec!["a".into(), "b".into()],
            sections: vec!["world".into()],
            tags: vec!["port \"ellery\"".into(), "港口".into()],
            authors: vec!["ann".into()],
            related: vec!["tidal-barrier".into(), "潮汐".into()],
            public: true,
            everything: false,
        }
    }

    #[test]
    fn a_change_round_trips_through_a_notice() {
        let c = sample();
        let notice = c.to_notice(store::MAX_NOTICE_BYTES);
        assert!(notice.len() <= store::MAX_NOTICE_BYTES);
        assert_eq!(Change::from_notice(&notice), c);
        assert_eq!(Change::from_notice(&Change::default().to_notice(1000)), Change::default());
        assert_eq!(Change::from_notice(&Change::everything().to_notice(1000)), Change::everything());
        assert_eq!(Change::from_notice(EVERYTHING), Change::everything());
    }

    #[test]
    fn a_change_too_large_goes_as_everything() {
        let mut c = sample();
        // Many tags, each a few multi-byte characters: counted in bytes.
        c.tags = (0..2000).map(|i| format!("тег-{i}")).collect();
        let notice = c.to_notice(store::MAX_NOTICE_BYTES);
        assert!(notice.len() <= store::MAX_NOTICE_BYTES, "{}", notice.len());
        assert_eq!(Change::from_notice(&notice), Change::everything());
        // Just fits / just does not.
        let c = sample();
        let exact = serde_json::to_string(&c).unwrap().len();
        assert_eq!(Change::from_notice(&c.to_notice(exact)), c);
        assert_eq!(Change::from_notice(&c.to_notice(exact - 1)), Change::everything());
    }

    #[test]
    fn an_unreadable_notice_is_everything_and_unknown_fields_are_ignored() {
        for garbled in ["", "not json", "{\"articles\": 3}", "[1,2]", "{\"public\":tru"] {
            assert_eq!(Change::from_notice(garbled), Change::everything(), "{garbled}");
        }
        // A later version's field; the missing ones take their defaults.
        let later = r#"{"articles":["a"],"public":true,"pictures":["p.jpg"]}"#;
        let c = Change::from_notice(later);
        assert_eq!((c.articles, c.public, c.everything), (vec!["a".to_owned()], true, false));
    }
}
