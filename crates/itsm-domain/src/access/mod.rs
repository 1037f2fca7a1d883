//! Who may decide what (ISO/IEC 20000-1 §5.3, requirements §3.1–3.5): the roles, the processes,
//! scopes, grants, the authority table every component enforces, and the responsibility matrix
//! published from that same table, so what is published is what is enforced.

mod authority;
mod grant;
mod matrix;
mod policy;
mod process;
mod role;
mod scope;

pub use authority::{AUTHORITIES, AuthorityDef, authority, names};
pub use grant::{Grant, GrantError};
pub use matrix::{MatrixRow, matrix_csv, responsibility_matrix};
pub use policy::{GrantRefusal, Visibility, holds_role, may_grant, permits, visibility};
pub use process::{Process, Tailoring};
pub use role::Role;
pub use scope::{Scope, ScopeKind};
