//! The listener's side of the server: accepting and serving connections within a cap, the
//! loopback address to listen on, and the line that says the server is ready.

mod charged_reads;
pub mod connections;
pub mod loopback;
pub mod readiness;
pub mod server;
