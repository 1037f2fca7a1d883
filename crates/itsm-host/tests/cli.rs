//! The command-line front end, run as a real process on the conformance fixture: `build` runs the
//! build commands, `up` serves with variables from `SPIN_VARIABLE_*` as Spin's environment
//! provider does, and an app that cannot run stops with a clear message and a failing exit code.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/spin.toml")
}

fn host() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_itsm-host"));
    command.arg("--from").arg(fixture());
    command.env_remove("SPIN_VARIABLE_SECRET_VALUE");
    command
}

#[test]
fn build_then_up_serves_with_variables_from_the_environment() {
    let built = host().arg("build").output().expect("itsm-host runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    let state = tempfile::tempdir().expect("state dir");
    let mut up = host()
        .args(["up", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(state.path())
        .env("SPIN_VARIABLE_SECRET_VALUE", "from-the-environment")
        .stderr(Stdio::piped())
        .spawn()
        .expect("itsm-host up starts");
    let stderr = up.stderr.take().expect("stderr");
    let address = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("Serving ").map(str::to_owned))
        .expect("the host says where it serves");
    let body = http_get(&address, "/probe/variables");
    up.kill().expect("stop the host");
    let _ = up.wait();
    assert!(
        body.contains("secret: Ok(\"from-the-environment\")"),
        "{body}"
    );
}

#[test]
fn up_refuses_to_start_without_a_required_variable() {
    let state = tempfile::tempdir().expect("state dir");
    let output = host()
        .args(["up", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(state.path())
        .output()
        .expect("itsm-host runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SPIN_VARIABLE_SECRET_VALUE"), "{stderr}");
}

#[test]
fn a_missing_manifest_is_named() {
    let output = Command::new(env!("CARGO_BIN_EXE_itsm-host"))
        .args(["--from", "no/such/spin.toml", "up"])
        .output()
        .expect("itsm-host runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/spin.toml"));
}

/// A minimal HTTP/1.1 GET, so this test needs no client crate.
fn http_get(base: &str, path: &str) -> String {
    use std::io::{Read as _, Write as _};
    let authority = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}
