//! Domain: pure types and rules of the credit platform. No I/O, no clock reads, no keys.
//!
//! Contract: everything here is deterministic and testable in isolation. Values that cross the
//! system edge are parsed into these types once ("parse, don't validate"); the layers above
//! never re-check what a type already guarantees. Must not depend on any other layer.

pub mod clock_pause;
pub mod error;
pub mod identifier;
pub mod kinds;
pub mod objection;
pub mod record;

pub use error::DomainError;
pub use kinds::{DisclosureLevel, OrganizationKind, RecordCategory, Role, SubjectKind};
