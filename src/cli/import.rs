//! `credit-platform import FILE --organization ORG`: the batch intake path from a file, read in
//! chunks (memory stays flat), with a progress bar over the file's bytes and a per-line report
//! of refusals.

use crate::config::Settings;
use crate::domain::Role;
use crate::storage::organizations;
use crate::workflow::{self, Actor};
use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::path::Path;

const LINES_PER_CHUNK: usize = 1000;

pub fn import(settings: Settings, file: &Path, organization: &str) -> anyhow::Result<()> {
    let platform = super::CommandPlatform::prepare(settings)?;
    organizations::find(&mut *platform.db.get()?, organization)?.context("no organization with that id")?;
    let actor = Actor {
        account_id: format!("cli-import:{organization}"),
        role: Role::Provider,
        organization_id: Some(organization.to_owned()),
        subject_id: None,
    };
    let handle = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let bar = indicatif::ProgressBar::new(handle.metadata().map(|m| m.len()).unwrap_or(0));
    bar.set_style(
        indicatif::ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut reader = BufReader::new(bar.wrap_read(handle));
    let (mut stored, mut refused, mut next_line) = (0u64, 0u64, 1u64);
    let mut refusals = Vec::new();
    loop {
        let mut chunk = Vec::with_capacity(LINES_PER_CHUNK);
        let mut line = String::new();
        while chunk.len() < LINES_PER_CHUNK {
            line.clear();
            // A line that is not UTF-8 is refused like any malformed line.
            match reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => chunk.push(line.trim_end_matches(['\n', '\r']).to_owned()),
                Err(_) => chunk.push("\u{0}".to_owned()),
            }
        }
        if chunk.is_empty() {
            break;
        }
        let first = next_line;
        next_line += chunk.len() as u64;
        let reports = workflow::submit_record::submit_lines(&platform, &actor, first, &chunk)
            .map_err(|e| anyhow::anyhow!("import stopped at line {first}: {e} ({})", e.code()))?;
        for report in reports {
            match report.error {
                None => stored += 1,
                Some(error) => {
                    refused += 1;
                    let field = error.field.map(|f| format!(" ({f})")).unwrap_or_default();
                    refusals.push(format!("line {}: {}{field}", report.line, error.code));
                }
            }
        }
    }
    bar.finish_and_clear();
    for refusal in &refusals {
        println!("{refusal}");
    }
    println!("{stored} stored, {refused} refused");
    Ok(())
}
