//! Links between records (an incident that duplicates another, is caused by a change, affects a
//! service): the one vocabulary every process uses, and which links an incident may make.
//! A link is stored once, from its source; the target's side reads it under its inverse name.

use crate::number::RecordKind;
use crate::text_enum::text_enum;

text_enum! {
    /// What a link points at.
    pub enum TargetKind {
        Service => "service",
        ConfigurationItem => "configuration_item",
        Incident => "incident",
        Problem => "problem",
        Change => "change",
        KnownError => "known_error",
    }
}

text_enum! {
    /// How the source relates to the target, read "source <relation> target".
    pub enum Relation {
        Affects => "affects",
        DuplicateOf => "duplicate_of",
        CausedBy => "caused_by",
        /// A problem is the root cause of an incident; made from the problem's side.
        Causes => "causes",
        /// A knowledge article documents a problem, known error or service.
        Documents => "documents",
        ResolvedBy => "resolved_by",
        RelatedTo => "related_to",
    }
}

impl Relation {
    /// The name the target's side shows: "INC2 duplicate_of INC1" is "INC1 duplicated_by INC2".
    pub const fn inverse(self) -> &'static str {
        match self {
            Self::Affects => "affected_by",
            Self::DuplicateOf => "duplicated_by",
            Self::CausedBy => "causes",
            Self::Causes => "caused_by",
            Self::Documents => "documented_by",
            Self::ResolvedBy => "resolves",
            Self::RelatedTo => "related_to",
        }
    }

    /// What an incident may link to under this relation.
    pub const fn incident_targets(self) -> &'static [TargetKind] {
        use TargetKind as T;
        match self {
            Self::Affects => &[T::Service, T::ConfigurationItem],
            Self::DuplicateOf => &[T::Incident],
            Self::CausedBy => &[T::Incident, T::Change],
            Self::ResolvedBy => &[T::Change],
            Self::RelatedTo => &[T::Incident, T::Change],
            Self::Causes | Self::Documents => &[],
        }
    }

    /// Whether an incident may make this link; the error names what it may link to instead.
    pub fn check_incident_target(self, kind: TargetKind) -> Result<(), String> {
        let allowed = self.incident_targets();
        if allowed.contains(&kind) {
            return Ok(());
        }
        if allowed.is_empty() {
            return Err(format!(
                "{self} is recorded by the other record; link the cause from its side"
            ));
        }
        let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
        Err(format!(
            "{self} links an incident to {} only, not to {kind}",
            names.join(" or ")
        ))
    }
}

impl TargetKind {
    /// The kind of numbered record this is, for the kinds that are records.
    pub const fn record_kind(self) -> Option<RecordKind> {
        match self {
            Self::Incident => Some(RecordKind::Incident),
            Self::Problem => Some(RecordKind::Problem),
            Self::Change => Some(RecordKind::Change),
            Self::KnownError => Some(RecordKind::KnownError),
            Self::Service | Self::ConfigurationItem => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use proptest::prelude::*;
    use proptest::sample::select;

    #[test]
    fn incidents_link_to_the_kinds_that_make_sense() {
        use Relation as R;
        use TargetKind as T;
        assert!(R::DuplicateOf.check_incident_target(T::Incident).is_ok());
        assert!(R::CausedBy.check_incident_target(T::Change).is_ok());
        assert!(R::Affects.check_incident_target(T::Service).is_ok());
        assert_eq!(
            R::DuplicateOf.check_incident_target(T::Change),
            Err("duplicate_of links an incident to incident only, not to change".to_owned())
        );
        assert_eq!(
            R::Affects.check_incident_target(T::Incident),
            Err(
                "affects links an incident to service or configuration_item only, not to incident"
                    .to_owned()
            )
        );
        // Problems link their incidents from the problem's side.
        for relation in R::ALL {
            assert!(
                relation.check_incident_target(T::Problem).is_err(),
                "{relation}"
            );
        }
    }

    #[test]
    fn inverse_names_differ_except_for_symmetric_relations() {
        for relation in Relation::ALL {
            let symmetric = *relation == Relation::RelatedTo;
            assert_eq!(
                relation.inverse() == relation.as_str(),
                symmetric,
                "{relation}"
            );
        }
    }

    proptest! {
        #[test]
        fn texts_round_trip(relation in select(Relation::ALL), kind in select(TargetKind::ALL)) {
            assert_text_encoding(relation, relation.as_str(), Relation::parse);
            assert_text_encoding(kind, kind.as_str(), TargetKind::parse);
        }
    }
}
