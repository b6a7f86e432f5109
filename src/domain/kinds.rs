//! The closed vocabularies of the platform: subject kinds, organization kinds, roles, record
//! categories and disclosure levels. Each has one wire/database spelling (snake_case) and
//! parses from it; anything else is `DomainError::UnknownCode`.

/// Declares a closed enum with its one snake_case spelling, `as_str`, `FromStr` and serde.
/// Shared by the domain's vocabularies (`use super::kinds::closed_vocabulary;`).
macro_rules! closed_vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal {
        $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::DomainError;
            fn from_str(s: &str) -> Result<Self, $crate::domain::DomainError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::DomainError::UnknownCode { what: $what }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use closed_vocabulary;

closed_vocabulary!(
    /// Who a credit record is about (DESIGN §8).
    SubjectKind, "subject kind" {
        NaturalPerson => "natural_person",
        LegalPerson => "legal_person",
        UnincorporatedOrganization => "unincorporated_organization",
    }
);

closed_vocabulary!(
    /// The kind of an organization that provides or requests records (DESIGN §8).
    OrganizationKind, "organization kind" {
        AdministrativeOrgan => "administrative_organ",
        JudicialOrgan => "judicial_organ",
        PublicServiceOrganization => "public_service_organization",
        FinancialInstitution => "financial_institution",
        CreditServiceInstitution => "credit_service_institution",
        Association => "association",
        Enterprise => "enterprise",
    }
);

closed_vocabulary!(
    /// An account has exactly one role (DESIGN §1).
    Role, "role" {
        Admin => "admin",
        Officer => "officer",
        Provider => "provider",
        Requester => "requester",
        Subject => "subject",
    }
);

closed_vocabulary!(
    /// The category of a record type (legal-requirements §4).
    RecordCategory, "record category" {
        Basic => "basic",
        Good => "good",
        Adverse => "adverse",
        SeriousDishonesty => "serious_dishonesty",
    }
);

closed_vocabulary!(
    /// Default disclosure level of a record type (legal-requirements §4, R-10).
    DisclosureLevel, "disclosure level" {
        Public => "public",
        Shared => "shared",
        AuthorizedQuery => "authorized_query",
    }
);

impl Role {
    /// Provider and requester accounts belong to an organization; subject accounts to a subject.
    pub fn needs_organization(self) -> bool {
        matches!(self, Role::Provider | Role::Requester)
    }
}

impl SubjectKind {
    /// Natural persons carry a resident identity number; organizations a unified social credit code.
    pub fn is_person(self) -> bool {
        matches!(self, SubjectKind::NaturalPerson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_round_trips_and_unknown_is_refused() {
        for kind in OrganizationKind::ALL {
            assert_eq!(kind.as_str().parse::<OrganizationKind>(), Ok(*kind));
        }
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert!("superuser".parse::<Role>().is_err());
        assert!("Natural_Person".parse::<SubjectKind>().is_err());
    }
}
