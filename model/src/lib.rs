//! xpcheck-model: the conforming spooler as a reusable state machine, an abstract transport
//! provider with one correct and several faulty behaviours, and the stateright model that
//! explores every interleaving of spooler thread, notify thread, provider threads and the wire,
//! judged on every transition by the monitors of `xpcheck-properties`.
#![forbid(unsafe_code)]

pub mod behaviour;
pub mod check;
pub mod config;
pub mod counters;
pub mod explorer;
pub mod interrupt;
pub mod model;
pub mod provider;
pub mod search;
pub mod session;
pub mod spooler;
pub mod state;

pub use behaviour::Behaviour;
pub use config::{Config, Scenario};
pub use model::XpModel;
