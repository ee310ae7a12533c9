//! Names and addresses: where a host lives (`locality`), `--resolve` pins (`pins`), what a DNS
//! filter answers for a name it blocks (`blocked`), and the test seam standing in for the
//! system resolver (`seam`). The resolver that uses them is one of the transport's seams.

pub(super) mod blocked;
pub mod locality;
pub mod pins;
pub mod seam;
