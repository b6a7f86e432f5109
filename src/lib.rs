//! The municipal public credit information platform (Nanjing Regulations on Social Credit).
//!
//! Layers (DESIGN.md §2), dependencies pointing down only:
//! `web -> workflow -> {domain, policy, storage, crypto, audit, notify}`.

pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod jobs;
pub mod notify;
pub mod policy;
pub mod storage;
pub mod web;
pub mod workflow;
