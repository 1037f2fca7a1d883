//! `build`: runs each component's `[component.<id>.build]` commands in its workdir, in manifest
//! order, as `spin build` does; the first failure stops with the component and command named.

use crate::manifest::Manifest;
use anyhow::{Context as _, bail};
use std::path::Path;
use std::process::Command;

pub fn build_components(manifest_path: &Path) -> anyhow::Result<()> {
    let manifest = Manifest::load(manifest_path)?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    for (id, component) in &manifest.component {
        let Some(build) = &component.build else {
            continue;
        };
        let workdir = dir.join(build.workdir.as_deref().unwrap_or("."));
        for command in build.command.commands() {
            eprintln!("Building component {id} with `{command}`");
            let status = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(&workdir)
                .status()
                .with_context(|| format!("cannot run the build command of component {id}"))?;
            if !status.success() {
                bail!("building component {id} failed: `{command}` exited with {status}");
            }
        }
    }
    Ok(())
}
