//! Who may do what in the newsroom: the one table every handler asks.
//!
//! | role   | article                          | may                                            |
//! |--------|----------------------------------|------------------------------------------------|
//! | all    | —                                | list articles, change their own password       |
//! | writer | new                              | save draft, submit for review                  |
//! | writer | own draft or submitted           | edit, save draft, submit, delete               |
//! | writer | own scheduled/published, others' | nothing                                        |
//! | editor | new                              | save draft, schedule, publish                  |
//! | editor | any draft or submitted           | edit, save draft, schedule, publish, delete    |
//! | editor | any scheduled                    | edit, schedule, publish, unpublish, delete     |
//! | editor | any published                    | edit, unpublish, delete                        |
//! | admin  | as editor, and                   | users and API tokens                           |

use store::{Role, Status};

/// Something a newsroom user asks to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the article list.
    List,
    /// Open the form for a new article.
    Create,
    /// Open an article's form and save it as it stands (its status kept).
    Edit,
    /// Save as a draft (a new article, or a draft or submitted one).
    SaveDraft,
    /// Save and submit for review.
    Submit,
    /// Save and schedule for a time to come.
    Schedule,
    /// Save and publish now.
    Publish,
    /// Take a scheduled or published article back to draft.
    Unpublish,
    /// Delete the article.
    Delete,
    /// Create, list and change users.
    ManageUsers,
    /// Create, list and revoke API tokens.
    ManageTokens,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 11] = [
        Action::List,
        Action::Create,
        Action::Edit,
        Action::SaveDraft,
        Action::Submit,
        Action::Schedule,
        Action::Publish,
        Action::Unpublish,
        Action::Delete,
        Action::ManageUsers,
        Action::ManageTokens,
    ];

    /// The status an article gets by this action (`None`: kept, or none).
    pub fn target(self) -> Option<Status> {
        match self {
            Action::SaveDraft | Action::Unpublish => Some(Status::Draft),
            Action::Submit => Some(Status::Submitted),
            Action::Schedule => Some(Status::Scheduled),
            Action::Publish => Some(Status::Published),
            _ => None,
        }
    }
}

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Their user id.
    pub id: i64,
    /// Their role.
    pub role: Role,
}

/// The article an action is on: its status and who created it (`None`
/// for an article from the API or an import).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subject {
    /// Its status.
    pub status: Status,
    /// Its owner.
    pub owner: Option<i64>,
}

impl From<&store::Article> for Subject {
    fn from(a: &store::Article) -> Subject {
        Subject { status: a.status, owner: a.owner }
    }
}

/// Whether `actor` may do `action` on `article` (`None`: a new article,
/// or an action on no article).
pub fn allowed(actor: Actor, action: Action, article: Option<Subject>) -> bool {
    use Action::*;
    use Status::*;
    match action {
        List => return true,
        ManageUsers | ManageTokens => return actor.role == Role::Admin,
        _ => {}
    }
    match (actor.role, article) {
        (Role::Writer, None) => matches!(action, Create | SaveDraft | Submit),
        (Role::Writer, Some(a)) => {
            a.owner == Some(actor.id)
                && matches!(a.status, Draft | Submitted)
                && matches!(action, Edit | SaveDraft | Submit | Delete)
        }
        (Role::Admin | Role::Editor, None) => matches!(action, Create | SaveDraft | Schedule | Publish),
        (Role::Admin | Role::Editor, Some(a)) => match a.status {
            Draft | Submitted => matches!(action, Edit | SaveDraft | Schedule | Publish | Delete),
            Scheduled => matches!(action, Edit | Schedule | Publish | Unpublish | Delete),
            Published => matches!(action, Edit | Unpublish | Delete),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected table, cell by cell, written out as a reader would
    /// check it: role, whose article, its status, then every action
    /// allowed ("-" for none). Every other (role, article, action) is refused.
    const TABLE: &str = "
        writer  new     -          list create draft submit
        writer  own     draft      list edit draft submit delete
        writer  own     submitted  list edit draft submit delete
        writer  own     scheduled  list
        writer  own     published  list
        writer  other   draft      list
        writer  other   submitted  list
        writer  other   scheduled  list
        writer  other   published  list
        writer  nobody  draft      list
        writer  nobody  published  list
        editor  new     -          list create draft schedule publish
        editor  own     draft      list edit draft schedule publish delete
        editor  other   draft      list edit draft schedule publish delete
        editor  other   submitted  list edit draft schedule publish delete
        editor  nobody  submitted  list edit draft schedule publish delete
        editor  other   scheduled  list edit schedule publish unpublish delete
        editor  nobody  scheduled  list edit schedule publish unpublish delete
        editor  other   published  list edit unpublish delete
        editor  nobody  published  list edit unpublish delete
        admin   new     -          list create draft schedule publish users tokens
        admin   own     draft      list edit draft schedule publish delete users tokens
        admin   other   submitted  list edit draft schedule publish delete users tokens
        admin   other   scheduled  list edit schedule publish unpublish delete users tokens
        admin   nobody  published  list edit unpublish delete users tokens
    ";

    fn name(a: Action) -> &'static str {
        match a {
            Action::List => "list",
            Action::Create => "create",
            Action::Edit => "edit",
            Action::SaveDraft => "draft",
            Action::Submit => "submit",
            Action::Schedule => "schedule",
            Action::Publish => "publish",
            Action::Unpublish => "unpublish",
            Action::Delete => "delete",
            Action::ManageUsers => "users",
            Action::ManageTokens => "tokens",
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        let me = 7;
        let mut rows = 0;
        for line in TABLE.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let words: Vec<&str> = line.split_whitespace().collect();
            let role = Role::parse(words[0]).unwrap();
            let article = match (words[1], words[2]) {
                ("new", _) => None,
                (whose, status) => Some(Subject {
                    status: Status::parse(status).unwrap(),
                    owner: match whose {
                        "own" => Some(me),
                        "other" => Some(me + 1),
                        _ => None,
                    },
                }),
            };
            let expected = &words[3..];
            for action in Action::ALL {
                let got = allowed(Actor { id: me, role }, action, article);
                assert_eq!(got, expected.contains(&name(action)), "{line}: {}", name(action));
            }
            rows += 1;
        }
        assert_eq!(rows, 25);
    }

    /// Every combination, including those not in the table above, follows
    /// the rules stated for each role.
    #[test]
    fn every_combination_follows_the_rules() {
        let statuses = [Status::Draft, Status::Submitted, Status::Scheduled, Status::Published];
        for role in Role::ALL {
            for owner in [None, Some(1), Some(2)] {
                for status in statuses {
                    let article = Some(Subject { status, owner });
                    for action in Action::ALL {
                        let got = allowed(Actor { id: 1, role }, action, article);
                        // A writer never publishes, schedules, unpublishes,
                        // or touches another's article or a public one.
                        if role == Role::Writer && action != Action::List {
                            let own_private = owner == Some(1) && !status.is_public();
                            assert!(!got || own_private, "{role} {action:?} {status:?} {owner:?}");
                            assert!(!matches!(action, Action::Publish | Action::Schedule | Action::Unpublish) || !got);
                        }
                        // Editors and admins may edit and delete any article.
                        if role != Role::Writer && matches!(action, Action::Edit | Action::Delete) {
                            assert!(got, "{role} {action:?} {status:?}");
                        }
                        // Only admins manage users and tokens.
                        if matches!(action, Action::ManageUsers | Action::ManageTokens) {
                            assert_eq!(got, role == Role::Admin);
                        }
                    }
                }
            }
        }
    }
}
