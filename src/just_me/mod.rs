//! Is it just me? The user's own side: whether this machine reaches the internet at all
//! (reference endpoints), and whether public resolvers know a name this machine cannot resolve.

pub mod connectivity;
pub mod public_dns;
